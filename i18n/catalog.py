"""The message catalogs: which language a reader gets, and each message in that language."""

# English is the source language: messages are written in English in the code, marked with
# ``gettext`` (or ``_`` bound to a language), and translated in the .po files of
# i18n/locales/<lang>/LC_MESSAGES/: one file per part of the app (veille.po for the shared
# words, pages.po, notify.po...), merged into one catalog, so two people translating two parts
# never edit the same file. `make setup` compiles them to one veille.mo (`python -m i18n
# compile`); where the .mo is missing or older than a .po (a fresh checkout before setup), the
# .po files are read directly, so a message is never shown untranslated because a build step
# was skipped.

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Callable
from functools import lru_cache
from io import BytesIO
from pathlib import Path

LANGUAGES = ("en", "fr")
DEFAULT = "en"
DOMAIN = "veille"
LOCALES = Path(__file__).resolve().parent / "locales"
ENV = "VEILLE_LANG"


def normalise(code: str | None) -> str | None:
    """The supported language a locale code names (``fr-FR``, ``fr_CA.UTF-8`` → ``fr``), or None."""
    if not code:
        return None
    base = code.strip().replace("-", "_").split(".")[0].split("_")[0].lower()
    return base if base in LANGUAGES else None


def resolve_language(configured: str | None = None, browser: str | None = None,
                     env: str | None = None) -> str:
    """The language to use: VEILLE_LANG, then [ui] language, then the browser's, then English.

    ``env`` defaults to the process environment's ``VEILLE_LANG``. A value naming a language
    Veille does not have is passed over, not an error: the next source decides.
    """
    if env is None:
        env = os.environ.get(ENV)
    for candidate in (env, configured, browser):
        found = normalise(candidate)
        if found:
            return found
    return DEFAULT


def po_path(lang: str) -> Path:
    """The main catalog source of ``lang`` (the shared words)."""
    return LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def po_paths(lang: str) -> list[Path]:
    """Every catalog source of ``lang``, the main one first."""
    folder = LOCALES / lang / "LC_MESSAGES"
    return sorted(folder.glob("*.po"), key=lambda p: (p.name != f"{DOMAIN}.po", p.name))


def read_catalog(lang: str):
    """The babel Catalog of ``lang``: its .po files merged (a message in two files: first wins).

    Raises ValueError naming the file and message when two files translate one message
    differently, so a contradiction is found by the tests, not by a reader.
    """
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    merged = Catalog(locale=lang, domain=DOMAIN)
    seen: dict[str, Path] = {}
    for po in po_paths(lang):
        with po.open("rb") as f:
            part = read_po(f, locale=lang, domain=DOMAIN)
        for message in part:
            if not message.id:
                continue
            key = message.id if isinstance(message.id, str) else message.id[0]
            if key in seen:
                if merged[message.id].string != message.string:
                    raise ValueError(f"{po.name} and {seen[key].name} translate {key!r} "
                                     f"differently")
                continue
            seen[key] = po
            merged[message.id] = message
    return merged


def compile_catalogs() -> list[Path]:
    """Compile each language's .po files to one .mo; return the .mo files written."""
    from babel.messages.mofile import write_mo

    written = []
    for lang in LANGUAGES:
        if not po_paths(lang):
            continue
        mo = po_path(lang).with_suffix(".mo")
        with mo.open("wb") as f:
            write_mo(f, read_catalog(lang))
        written.append(mo)
    return written


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> _gettext.NullTranslations:
    """The catalog of ``lang`` (English, the source language, needs none)."""
    sources = po_paths(lang)
    if lang == DEFAULT or not sources:
        return _gettext.NullTranslations()
    mo = po_path(lang).with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= max(p.stat().st_mtime for p in sources):
        with mo.open("rb") as f:
            return _gettext.GNUTranslations(f)
    from babel.messages.mofile import write_mo

    buffer = BytesIO()
    write_mo(buffer, read_catalog(lang))
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def gettext(message: str, lang: str) -> str:
    """``message`` in ``lang``; the English original where the catalog lacks it."""
    return translations(lang).gettext(message)


def ngettext(singular: str, plural: str, n: int, lang: str) -> str:
    """The singular or plural form of a message for ``n``, in ``lang``."""
    return translations(lang).ngettext(singular, plural, n)


def translator(lang: str) -> Callable[[str], str]:
    """A ``_`` function bound to ``lang``: ``_ = translator("fr"); _("Mentions")``."""
    return translations(lang).gettext
