"""Catalogs and formats: which language a reader gets, French formats, no message left out."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from config import ConfigError, load_watch
from i18n.catalog import (
    LANGUAGES,
    gettext,
    po_path,
    read_catalog,
    resolve_language,
    translator,
)
from i18n.formats import day, moment, number, percent, signed_percent

ROOT = Path(__file__).resolve().parents[2]
SKIP = (".venv", "tests", "benchmarks", ".git")


@pytest.mark.parametrize(("env", "configured", "browser", "expected"), [
    ("fr", "en", "en-US", "fr"),          # VEILLE_LANG first
    (None, "fr", "en-US", "fr"),          # then [ui] language
    (None, None, "fr-FR", "fr"),          # then the browser's
    (None, None, "de-DE", "en"),          # then English
    ("de", None, "fr-CA", "fr"),          # a language Veille lacks is passed over
    ("", "", None, "en"),
])
def test_the_language_comes_from_env_then_config_then_browser(env, configured, browser,
                                                              expected):
    assert resolve_language(configured, browser, env=env) == expected


def test_numbers_percentages_and_dates_are_written_the_french_way():
    nbsp = {"\u00a0": " ", "\u202f": " "}
    fold = str.maketrans(nbsp)
    assert percent(0.24, "fr").translate(fold) == "24,0 %"
    assert percent(0.24, "en") == "24.0%"
    assert number(12345, "fr").translate(fold) == "12 345"
    assert number(12345, "en") == "12,345"
    assert signed_percent(0.61, "fr").translate(fold) == "+61 %"
    assert signed_percent(-0.12, "en") == "−12%"
    assert day(date(2026, 12, 6), "fr") == "6 déc. 2026"
    assert day(date(2026, 12, 6), "en") == "6 Dec 2026"
    assert moment(datetime(2026, 12, 6, 14, 5, 7, 123), "fr") == "6 déc. 2026, 14:05"


def test_the_navigation_speaks_french():
    _ = translator("fr")
    assert [_(n) for n in ("Overview", "Share of voice", "Trends", "Topics", "Mentions",
                           "Alerts", "Community", "Sources")] == [
        "Vue d'ensemble", "Part de voix", "Tendances", "Sujets", "Mentions", "Alertes",
        "Communauté", "Sources"]
    assert gettext("Share of voice", "en") == "Share of voice"


def _marked_messages() -> dict[str, str]:
    """Every message marked for translation in the application code, with where it is."""
    found = {}
    for folder in sorted(p for p in ROOT.iterdir() if p.is_dir() and p.name not in SKIP):
        for filename, lineno, message, _comments, _context in extract_from_dir(
                folder, method_map=[("**.py", "python")],
                keywords={"gettext": (1,), "ngettext": (1, 2), "_": None}):
            for text in message if isinstance(message, tuple) else (message,):
                if text:
                    found.setdefault(text, f"{folder.name}/{filename}:{lineno}")
    return found


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_marked_message_is_in_the_catalog_and_translated(lang):
    catalog = read_catalog(lang)
    # A plural message is known by both its forms: its plural needs no entry of its own.
    known = {text: m for m in catalog if m.id
             for text in ((m.id,) if isinstance(m.id, str) else m.id)}
    marked = _marked_messages()
    assert marked, "no message is marked for translation"
    missing = {text: where for text, where in marked.items() if text not in known}
    assert not missing, f"not in {po_path(lang).parent}/*.po: {missing}"
    untranslated = [m.id for m in known.values() if not m.string or m.fuzzy]
    assert not untranslated, f"untranslated in {po_path(lang).parent}/*.po: {untranslated}"


def test_placeholders_survive_translation():
    for message in read_catalog("fr"):
        if not message.id or not isinstance(message.id, str):
            continue
        names = set(re.findall(r"\{(\w+)\}", message.id))
        assert names == set(re.findall(r"\{(\w+)\}", message.string)), message.id


def test_a_language_veille_does_not_speak_is_refused_naming_the_field(tmp_path):
    config = tmp_path / "watch.toml"
    config.write_text('[ui]\nlanguage = "de"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[ui\], field 'language': 'de'"):
        load_watch(config)
    config.write_text('[ui]\nlanguage = "fr-FR"\n', encoding="utf-8")
    assert load_watch(config).ui.language == "fr"
