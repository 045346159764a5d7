"""Every view and the meeting report in French: French words and formats, no English UI phrase."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from reports import exports, images
from store.filters import Filters
from views import registry
from views.context import make_view, parse_choices

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = ROOT / "i18n" / "locales" / "fr" / "LC_MESSAGES"
# The parts of the app this test speaks for: their English messages must not show in French.
OURS = ("views.po", "charts.po", "reports.po")
NAVIGATION = {"overview": "Vue d'ensemble", "share_of_voice": "Part de voix",
              "trends": "Tendances", "topics": "Sujets", "mentions": "Mentions",
              "alerts": "Alertes", "community": "Communauté", "sources": "Sources"}
NBSP = str.maketrans({"\u00a0": " ", "\u202f": " "})


def english_phrases() -> list[str]:
    """The English UI phrases of the views, charts and reports: every literal run of two words
    or more in a message whose French differs, placeholders and plotly formats cut out."""
    phrases = set()
    for name in OURS:
        with (CATALOGS / name).open("rb") as f:
            catalog = read_po(f, locale="fr")
        for message in catalog:
            ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
            strings = (message.string if isinstance(message.string, tuple | list)
                       else (message.string,))
            for text in ids:
                if not text or text in strings:
                    continue
                for part in re.split(r"\{[^}]*\}|%\{[^}]*\}|%\w|<[^>]+>|[:;().,·×#]", text):
                    part = part.strip(" -'")
                    if len(part.split()) >= 2:
                        phrases.add(part)
    return sorted(phrases)


def figure_texts(fig) -> list[str]:
    """What a reader sees of a figure's words: title, axes, legend, hover and tick texts."""
    layout = json.loads(fig.to_json())["layout"]
    texts = [str(layout.get("title", {}).get("text") or "")]
    texts += [str(a.get("text") or "") for a in layout.get("annotations", [])]
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")):
            texts.append(str((axis.get("title") or {}).get("text") or ""))
            texts += [str(t) for t in axis.get("ticktext") or []]
            texts.append(str(axis.get("hoverformat") or ""))
    for trace in fig.data:
        texts += [str(trace.name or ""), str(trace.hovertemplate or "")]
    return texts


def section_texts(section) -> list[str]:
    """The words a section shows around its data: titles, tiles, notes, headers, figures."""
    texts = [section.title, *section.notes]
    for tile in section.tiles:
        texts += [tile.label, tile.value, tile.delta or "", tile.note or "", tile.help or ""]
    for table in section.tables:
        texts += [table.title, table.note or "", *map(str, table.frame.columns)]
    for _name, fig in section.figures:
        texts += figure_texts(fig)
    return texts


def english_left(texts: list[str]) -> list[tuple[str, str]]:
    phrases = english_phrases()
    return [(phrase, text) for text in texts for phrase in phrases
            if re.search(rf"(?<![\w']){re.escape(phrase)}(?![\w'])", text)]


def test_the_english_phrases_are_found():
    phrases = english_phrases()
    assert "Share of voice per" in phrases and "Reopen this view" in phrases
    assert english_left(["Share of voice per week"]) != []


@pytest.fixture(scope="module")
def french_sections(demo_db):
    choices, options = parse_choices(demo_db, {"period": ["30d"]})
    view = make_view(demo_db, choices, options, lang="fr")
    return view, {spec.key: spec.build(view) for spec in registry.VIEWS}


def test_every_view_is_built_in_french(french_sections):
    view, sections = french_sections
    assert view.period_text.translate(NBSP) == "30 derniers jours : 1 – 30 juin 2026"
    assert view.dimensions_text == "toutes les marques · toutes les sources"
    assert {k: sections[k].title for k in NAVIGATION} == NAVIGATION
    overview = sections["overview"]
    assert overview.tiles[1].label.startswith("Part de voix")
    assert re.fullmatch(r"\d+,\d %", overview.tiles[1].value.translate(NBSP))
    assert overview.figure("share_of_voice").layout.title.text == "Part de voix par semaine"
    assert overview.figure("share_of_voice").layout.separators == ",\u202f"
    ticks = overview.figure("share_of_voice").layout.xaxis.ticktext
    assert ticks and all(re.fullmatch(r"\d{1,2} [a-zéû]+\.?", t) for t in ticks), ticks
    assert "Bandes ombrées" in " ".join(sections["trends"].notes)
    assert "Marque" in sections["trends"].tables[0].frame.columns
    assert re.search(r"\d+ – \d+ juin 2026|\d+ [a-zéû]+\.? – \d+ juin 2026",
                     sections["alerts"].tables[0].frame.iloc[0, 2])
    left = [hit for s in sections.values() for hit in english_left(section_texts(s))]
    assert not left, left[:10]


def test_english_stays_english(demo_db):
    choices, options = parse_choices(demo_db, {"period": ["30d"]})
    section = registry.get("overview").build(make_view(demo_db, choices, options))
    assert section.title == "Overview"
    assert section.figure("share_of_voice").layout.title.text == "Share of voice per week"
    assert section.figure("share_of_voice").layout.separators is None


def test_exports_have_french_headers(demo_db):
    filters = Filters(brands=("Orbis",))
    head = exports.csv_bytes(demo_db, filters, cap=3, lang="fr").decode("utf-8-sig")
    assert head.splitlines()[0].startswith("publié le,marques,source,type,auteur,titre")
    english = exports.csv_bytes(demo_db, filters, cap=3).decode("utf-8-sig")
    assert english.splitlines()[0] == ",".join(exports.COLUMNS)


@pytest.mark.skipif(images.browser_path() is None or shutil.which("pdftotext") is None,
                    reason="needs chromium and poppler-utils (make os-deps)")
def test_the_meeting_report_is_in_french(demo_db, demo_config, tmp_path):
    out = tmp_path / "rapport.pdf"
    proc = subprocess.run(
        [sys.executable, "-m", "reports", "pdf", "--lang", "fr", "--out", str(out),
         "--db", str(demo_db), "--config", str(demo_config), "--period", "30d"],
        cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"{out} écrit ("), proc.stdout
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout.translate(NBSP)
    for french in ("Rapport de réunion", "Sommaire", "Part de voix", "Vue d'ensemble",
                   "30 derniers jours : 1 – 30 juin 2026", "Rouvrir ces vues",
                   "Requêtes des marques", "Filtres : toutes les marques"):
        assert french in text, french
    assert re.search(r"\d+,\d %", text)
    assert ("Sentiment lu par le modèle standard pour les publications en anglais et autres "
            "langues (tel que livré) et le modèle standard pour les publications en français "
            "(tel que livré).") in " ".join(text.split())
    phrases = english_phrases()
    left = [p for p in phrases if re.search(rf"(?<![\w']){re.escape(p)}(?![\w'])", text)]
    assert not left, left


def test_cli_errors_speak_french(demo_db, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "reports", "pdf", "--lang", "fr", "--out",
         str(tmp_path / "x.pdf"), "--db", str(demo_db), "--since", "2030-01-01"],
        cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.startswith("erreur : aucune donnée entre 2030-01-01"), proc.stderr
