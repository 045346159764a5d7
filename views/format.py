"""How numbers, changes, days and languages are written, on screen and in reports (no Streamlit)."""

from __future__ import annotations

from datetime import date, datetime

from i18n import formats
from i18n.catalog import gettext, ngettext

# English keeps the app's own writing ("12,345", "34.2 %", "30 Jun 2026"); every other
# language is written by Babel's locale data through i18n.formats ("12 345", "34,2 %",
# "30 juin 2026"). Each function takes ``lang`` as a keyword, English by default.
EN = "en"
DASH = "—"


def count(n: int | None, lang: str = EN) -> str:
    """A count with thousands separators (``12,345``, ``12 345``); a dash when unknown."""
    if n is None:
        return DASH
    return f"{int(n):,}" if lang == EN else formats.number(int(n), lang)


def decimal(value: float | None, digits: int = 1, lang: str = EN) -> str:
    """A plain number with ``digits`` decimals (``2.5``, ``2,5``); a dash when unknown."""
    if value is None:
        return DASH
    return f"{value:.{digits}f}" if lang == EN else formats.number(value, lang, digits)


def percent(share: float | None, digits: int = 1, lang: str = EN) -> str:
    """A 0–1 share as a percentage (``34.2 %``, ``34,2 %``); a dash when unknown."""
    if share is None:
        return DASH
    return f"{share * 100:.{digits}f} %" if lang == EN else formats.percent(share, lang, digits)


def signed_percent(value: float | None, digits: int = 1, lang: str = EN) -> str:
    """A value in [-1, 1] as a signed percentage (``+12.0 %``, ``-3.5 %``); a dash if unknown."""
    if value is None:
        return DASH
    return f"{_signed(value * 100, digits, lang)}{_percent_sign(lang)}"


def count_change(now: int, before: int, lang: str = EN) -> str:
    """The change of a count with its relative size: ``+120 (+10.8 %)``.

    The relative part is left out when there was nothing before.
    """
    diff = now - before
    text = f"{diff:+,}" if lang == EN else ("+" if diff >= 0 else "-") + count(abs(diff), lang)
    if before:
        text += f" ({_signed(diff / before * 100, 1, lang)}{_percent_sign(lang)})"
    return text


def points_change(now: float, before: float, digits: int = 1, lang: str = EN) -> str:
    """The change between two 0–1 shares, in percentage points: ``+2.1 pts``."""
    return gettext("{change} pts", lang).format(
        change=_signed((now - before) * 100, digits, lang))


def _percent_sign(lang: str) -> str:
    return " %" if lang == EN else "\u00a0%"


def _signed(value: float, digits: int, lang: str = EN) -> str:
    # Round first so that -0.04 shows as +0.0 rather than -0.0 (a red arrow for no change).
    rounded = round(value, digits)
    if rounded == 0:
        rounded = 0.0
    if lang == EN:
        return f"{rounded:+.{digits}f}"
    # An ASCII sign in every language: the PDF and the pages colour a change by it.
    return ("-" if rounded < 0 else "+") + formats.number(abs(rounded), lang, digits)


def day(d: date | None, lang: str = EN) -> str:
    """A day written for people: ``30 Jun 2026``, ``30 juin 2026``."""
    if d is None:
        return DASH
    return f"{d.day} {d:%b %Y}" if lang == EN else formats.day(d, lang)


def _day_month(d: date, lang: str) -> str:
    """A day without its year: ``28 May``, ``28 mai``."""
    if lang == EN:
        return f"{d.day} {d:%b}"
    from babel.dates import format_date

    return format_date(d, "d MMM", locale=formats.LOCALES.get(lang, lang))


def span(start: date | None, end: date | None, lang: str = EN) -> str:
    """A range of days written compactly: ``1 – 30 Jun 2026``, ``28 May – 3 Jun 2026``."""
    if start is None or end is None:
        return gettext("all dates", lang)
    if start == end:
        return day(start, lang)
    if start.year != end.year:
        return f"{day(start, lang)} – {day(end, lang)}"
    if start.month != end.month:
        return f"{_day_month(start, lang)} – {day(end, lang)}"
    return f"{start.day} – {day(end, lang)}"


def days(n: int, lang: str = EN) -> str:
    """A number of days: ``1 day``, ``30 days``, ``30 jours``."""
    return ngettext("{n} day", "{n} days", n, lang).format(n=count(n, lang))


def moment(ts: datetime | None, lang: str = EN) -> str:
    """A timestamp (naive UTC) to the minute: ``30 Jun 2026 14:02 UTC``,
    ``30 juin 2026 à 14:02 UTC``."""
    if ts is None:
        return DASH
    # UTC is the international abbreviation in French too; the catalog places it and the day.
    return gettext("{day} {time} UTC", lang).format(day=day(ts.date(), lang),
                                                    time=f"{ts:%H:%M}")


# Names for the languages the analysis detects most; other codes are shown as they are.
_LANGUAGES = {
    "ar": "Arabic", "ca": "Catalan", "da": "Danish", "de": "German", "en": "English",
    "es": "Spanish", "fi": "Finnish", "fr": "French", "it": "Italian", "ja": "Japanese",
    "nl": "Dutch", "no": "Norwegian", "pl": "Polish", "pt": "Portuguese", "ru": "Russian",
    "sv": "Swedish", "tr": "Turkish", "zh": "Chinese",
}


def language(code: str, lang: str = EN) -> str:
    """A language code with its name in ``lang`` when known: ``French (fr)``, ``Français (fr)``."""
    if lang == EN:
        name = _LANGUAGES.get(str(code).lower())
    else:
        from babel import Locale

        name = Locale.parse(formats.LOCALES.get(lang, lang)).languages.get(str(code).lower())
        name = name[:1].upper() + name[1:] if name else None
    return f"{name} ({code})" if name else str(code)
