"""How numbers, changes, days and languages are written, on screen and in reports (no Streamlit)."""

from __future__ import annotations

from datetime import date, datetime


def count(n: int | None) -> str:
    """A count with thousands separators (``12,345``); a dash when unknown."""
    return "—" if n is None else f"{int(n):,}"


def percent(share: float | None, digits: int = 1) -> str:
    """A 0–1 share as a percentage (``34.2 %``); a dash when unknown."""
    return "—" if share is None else f"{share * 100:.{digits}f} %"


def signed_percent(value: float | None, digits: int = 1) -> str:
    """A value in [-1, 1] as a signed percentage (``+12.0 %``, ``-3.5 %``); a dash if unknown."""
    if value is None:
        return "—"
    return f"{_signed(value * 100, digits)} %"


def count_change(now: int, before: int) -> str:
    """The change of a count with its relative size: ``+120 (+10.8 %)``.

    The relative part is left out when there was nothing before.
    """
    diff = now - before
    text = f"{diff:+,}"
    if before:
        text += f" ({_signed(diff / before * 100, 1)} %)"
    return text


def points_change(now: float, before: float, digits: int = 1) -> str:
    """The change between two 0–1 shares, in percentage points: ``+2.1 pts``."""
    return f"{_signed((now - before) * 100, digits)} pts"


def _signed(value: float, digits: int) -> str:
    # Round first so that -0.04 shows as +0.0 rather than -0.0 (a red arrow for no change).
    rounded = round(value, digits)
    if rounded == 0:
        rounded = 0.0
    return f"{rounded:+.{digits}f}"


def day(d: date | None) -> str:
    """A day written for people: ``30 Jun 2026``."""
    return "—" if d is None else f"{d.day} {d:%b %Y}"


def span(start: date | None, end: date | None) -> str:
    """A range of days written compactly: ``1 – 30 Jun 2026``, ``28 May – 3 Jun 2026``."""
    if start is None or end is None:
        return "all dates"
    if start == end:
        return day(start)
    if start.year != end.year:
        return f"{day(start)} – {day(end)}"
    if start.month != end.month:
        return f"{start.day} {start:%b} – {day(end)}"
    return f"{start.day} – {day(end)}"


def days(n: int) -> str:
    """A number of days: ``1 day``, ``30 days``."""
    return f"{n} day" if n == 1 else f"{n:,} days"


def moment(ts: datetime | None) -> str:
    """A timestamp (naive UTC) to the minute: ``30 Jun 2026 14:02 UTC``."""
    return "—" if ts is None else f"{day(ts.date())} {ts:%H:%M} UTC"


# Names for the languages the analysis detects most; other codes are shown as they are.
_LANGUAGES = {
    "ar": "Arabic", "ca": "Catalan", "da": "Danish", "de": "German", "en": "English",
    "es": "Spanish", "fi": "Finnish", "fr": "French", "it": "Italian", "ja": "Japanese",
    "nl": "Dutch", "no": "Norwegian", "pl": "Polish", "pt": "Portuguese", "ru": "Russian",
    "sv": "Swedish", "tr": "Turkish", "zh": "Chinese",
}


def language(code: str) -> str:
    """A language code with its English name when known: ``French (fr)``."""
    name = _LANGUAGES.get(str(code).lower())
    return f"{name} ({code})" if name else str(code)
