"""Numbers, percentages and dates the way each language writes them (Babel's locale data)."""

from __future__ import annotations

from datetime import date, datetime

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent

from i18n.catalog import DEFAULT

# The locale each language formats with: French as written in France, English as in Britain
# (day before month, weeks from Monday, like the French calendar a team shares).
LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def _locale(lang: str) -> str:
    return LOCALES.get(lang, LOCALES[DEFAULT])


def number(value: float | int, lang: str, digits: int = 0) -> str:
    """``12 345`` (fr) or ``12,345`` (en), with ``digits`` decimals."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_locale(lang))


def listing(parts: list[str], lang: str) -> str:
    """``a, b and c`` (en) or ``a, b et c`` (fr)."""
    return format_list(parts, locale=_locale(lang))


def percent(share: float, lang: str, digits: int = 1) -> str:
    """A share in [0, 1] as ``24,0 %`` (fr) or ``24.0%`` (en)."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    if lang == "fr":
        pattern = pattern[:-1] + "\u00a0%"
    return format_percent(share, format=pattern, locale=_locale(lang))


def signed_percent(change: float, lang: str, digits: int = 0) -> str:
    """A change as ``+61 %`` / ``−12 %`` (fr) or ``+61%`` / ``−12%`` (en)."""
    text = percent(abs(change), lang, digits)
    return ("+" if change > 0 else "−" if change < 0 else "") + text


def day(value: date | datetime, lang: str) -> str:
    """A date as ``6 déc. 2026`` (fr) or ``6 Dec 2026`` (en)."""
    return format_date(value, "medium", locale=_locale(lang))


def moment(value: datetime, lang: str) -> str:
    """A date and time to the minute: ``6 déc. 2026, 14:05`` (fr), ``6 Dec 2026, 14:05`` (en)."""
    return format_datetime(value, "d MMM y, HH:mm", locale=_locale(lang))


def first_weekday(lang: str) -> int:
    """The day weeks start on, 0 for Monday."""
    return Locale.parse(_locale(lang)).first_week_day
