"""The message catalogs: which language a reader gets, and each message in that language."""

# English is the source language: messages are written in English in the code, marked with
# ``gettext`` (or ``_`` bound to a language), and translated in i18n/locales/<lang>/LC_MESSAGES/
# veille.po. `make setup` compiles the .po files to .mo (`python -m i18n compile`); where a .mo
# is missing or older than its .po (a fresh checkout before setup), the .po is read directly,
# so a message is never shown untranslated because a build step was skipped.

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
    """The catalog source of ``lang``."""
    return LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_catalogs() -> list[Path]:
    """Compile every .po to its .mo beside it; return the .mo files written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for lang in LANGUAGES:
        po = po_path(lang)
        if not po.exists():
            continue
        with po.open("rb") as f:
            catalog = read_po(f, locale=lang, domain=DOMAIN)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as f:
            write_mo(f, catalog)
        written.append(mo)
    return written


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> _gettext.NullTranslations:
    """The catalog of ``lang`` (English, the source language, needs none)."""
    po = po_path(lang)
    if lang == DEFAULT or not po.exists():
        return _gettext.NullTranslations()
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as f:
            return _gettext.GNUTranslations(f)
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        catalog = read_po(f, locale=lang, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog)
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
