"""The filter model: what a link or the command line chooses, and the store's Filters for it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from i18n.catalog import gettext, ngettext
from store.filters import SENTIMENTS, Filters
from views import format as fmt
from views.labels import KIND_NAMES, TONES, _, name

# Period presets, counted back from the newest day in the database (not from today: a demo
# or a paused watch may end months ago).
# The names are English msgids: shown through ``gettext(name, lang)``.
PERIODS: dict[str, str] = {
    "7d": _("7 days"), "30d": _("30 days"), "90d": _("90 days"), "quarter": _("Quarter"),
    "all": _("All"), "custom": _("Custom"),
}
PERIOD_NAMES: dict[str, str] = {
    "7d": _("Last 7 days"), "30d": _("Last 30 days"), "90d": _("Last 90 days"),
    "quarter": _("This quarter"), "all": _("All dates"), "custom": _("Custom dates"),
}
DEFAULT_PERIOD = "30d"
_PRESET_DAYS = {"7d": 7, "30d": 30, "90d": 90}

# URL parameter -> field of Choices and Options holding the same dimension.
LIST_PARAMS: dict[str, str] = {"brand": "brands", "kind": "kinds", "source": "sources",
                               "lang": "langs", "sentiment": "sentiments"}
PARAMS = ("period", "from", "to", *LIST_PARAMS)
# A link is typed or pasted by people; anything past these sizes is not a real choice.
MAX_VALUES = 100
MAX_DATE_CHARS = 10

# How a dimension's values read in words, in a language.
LABELS = {"langs": fmt.language,
          "kinds": lambda v, lang="en": name(KIND_NAMES, v, lang),
          "sentiments": lambda v, lang="en": gettext(TONES.get(v, str(v)), lang)}


@dataclass(frozen=True)
class Options:
    """What the filters can take: the database's span of days and its dimension values."""

    first_day: date
    last_day: date
    brands: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    sentiments: tuple[str, ...] = SENTIMENTS


@dataclass(frozen=True)
class Choices:
    """What the user chose: a period preset (with its days when custom) and dimension values.

    Empty dimension tuples mean "all". ``start`` and ``end`` are only set for ``custom``.
    """

    period: str = DEFAULT_PERIOD
    start: date | None = None
    end: date | None = None
    brands: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    sentiments: tuple[str, ...] = ()


def parse_params(params: Mapping[str, str | Sequence[str]], options: Options,
                 lang: str = "en") -> tuple[Choices, list[str]]:
    """Read the choices a link carries, keeping only what fits this database.

    ``params`` maps URL parameter names to their values (repeated parameters as a list).
    Unknown periods, brands, kinds, sources or languages, unreadable dates and oversized values
    are dropped; reversed dates are swapped and dates outside the data are clamped. Returns the
    choices and one short notice per correction; a notice never repeats the value itself (a
    link is untrusted text). The notices are in ``lang``.
    """
    notices: list[str] = []

    def values(key: str) -> list[str]:
        raw = params.get(key) or []
        return [raw] if isinstance(raw, str) else [v for v in raw if isinstance(v, str)]

    period = DEFAULT_PERIOD
    asked = values("period")
    if asked:
        if asked[-1] in PERIODS:
            period = asked[-1]
        else:
            notices.append(gettext("the period in the link is not one Veille knows, so this "
                                   "shows {period}", lang).format(
                period=gettext(PERIOD_NAMES[DEFAULT_PERIOD], lang).lower()))
    start, end = None, None
    said_dates = False
    if values("from") or values("to"):
        start, end, date_notices = _parse_range(values("from"), values("to"), options, lang)
        if not asked and start is not None:
            period = "custom"
        if period == "custom":
            notices.extend(date_notices)
            said_dates = bool(date_notices)
    if period == "custom" and (start is None or end is None):
        if not said_dates:
            notices.append(gettext("a custom period needs both a start and an end date", lang))
        period = DEFAULT_PERIOD
    if period != "custom":
        start = end = None

    lists: dict[str, tuple[str, ...]] = {}
    for param, field in LIST_PARAMS.items():
        allowed = getattr(options, field)
        raw = values(param)
        wanted = set(raw[:MAX_VALUES])
        lists[field] = tuple(v for v in allowed if v in wanted)
        dropped = len(raw) - sum(1 for v in raw[:MAX_VALUES] if v in allowed)
        if dropped:
            notices.append(_left_out(param, dropped, lang).format(n=dropped))
    return Choices(period=period, start=start, end=end, **lists), notices


def _left_out(param: str, n: int, lang: str) -> str:
    """The notice for ``n`` values of URL parameter ``param`` not in this watch, in ``lang``."""
    if param == "brand":
        return ngettext("{n} brand in the link is not in this watch and was left out",
                        "{n} brands in the link are not in this watch and were left out", n,
                        lang)
    if param == "kind":
        return ngettext("{n} source kind in the link is not in this watch and was left out",
                        "{n} source kinds in the link are not in this watch and were left "
                        "out", n, lang)
    if param == "source":
        return ngettext("{n} source in the link is not in this watch and was left out",
                        "{n} sources in the link are not in this watch and were left out", n,
                        lang)
    if param == "lang":
        return ngettext("{n} language in the link is not in this watch and was left out",
                        "{n} languages in the link are not in this watch and were left out",
                        n, lang)
    return ngettext("{n} sentiment in the link is not in this watch and was left out",
                    "{n} sentiments in the link are not in this watch and were left out", n,
                    lang)


def _parse_range(raw_start: list[str], raw_end: list[str], options: Options,
                 lang: str = "en") -> tuple[date | None, date | None, list[str]]:
    start, end = _parse_day(raw_start), _parse_day(raw_end)
    if start is None or end is None:
        return None, None, [gettext("the dates in the link could not be read", lang)]
    notices = []
    if start > end:
        start, end = end, start
        notices.append(gettext("the dates in the link were in reverse order and were swapped",
                               lang))
    if end < options.first_day or start > options.last_day:
        return None, None, [gettext("the dates in the link are outside the collected data",
                                    lang)]
    if start < options.first_day or end > options.last_day:
        start, end = max(start, options.first_day), min(end, options.last_day)
        notices.append(gettext("the dates in the link were limited to the collected data "
                               "({days})", lang).format(
            days=fmt.span(options.first_day, options.last_day, lang)))
    return start, end, notices


def _parse_day(raw: list[str]) -> date | None:
    if not raw:
        return None
    text = raw[-1].strip()
    if len(text) > MAX_DATE_CHARS:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def to_params(choices: Choices) -> dict[str, list[str]]:
    """The URL parameters that carry ``choices`` (the period always, the rest when set)."""
    out = {"period": [choices.period]}
    if choices.period == "custom" and choices.start and choices.end:
        out["from"] = [choices.start.isoformat()]
        out["to"] = [choices.end.isoformat()]
    for param, field in LIST_PARAMS.items():
        if getattr(choices, field):
            out[param] = list(getattr(choices, field))
    return out


def bounds(choices: Choices, options: Options) -> tuple[date | None, date | None]:
    """The first and last day the choices cover; ``(None, None)`` for all dates."""
    last = options.last_day
    if choices.period in _PRESET_DAYS:
        return last - timedelta(days=_PRESET_DAYS[choices.period] - 1), last
    if choices.period == "quarter":
        return date(last.year, 3 * ((last.month - 1) // 3) + 1, 1), last
    if choices.period == "custom" and choices.start and choices.end:
        return choices.start, choices.end
    return None, None


def to_filters(choices: Choices, options: Options) -> Filters:
    """The store's :class:`Filters` for ``choices``."""
    start, end = bounds(choices, options)
    return Filters(start=start, end=end, brands=choices.brands, kinds=choices.kinds,
                   sources=choices.sources, langs=choices.langs, sentiments=choices.sentiments)


def grain_for(filters: Filters, options: Options) -> str:
    """The time step that gives a readable chart for the period: day, week or month."""
    days = filters.days or (options.last_day - options.first_day).days + 1
    if days <= 14:
        return "day"
    return "week" if days <= 550 else "month"


def describe(choices: Choices, filters: Filters, options: Options, lang: str = "en"
             ) -> tuple[str, str | None]:
    """Say in words, in ``lang``, which days are shown and which days they are compared with.

    Returns ``(shown, previous)``; ``previous`` is None when all dates are shown.
    """
    name = gettext(PERIOD_NAMES[choices.period], lang)
    if filters.start is None or filters.end is None:
        return gettext("{period}: {days}", lang).format(
            period=name, days=fmt.span(options.first_day, options.last_day, lang)), None
    shown = gettext("{period}: {days}", lang).format(
        period=name, days=fmt.span(filters.start, filters.end, lang))
    if choices.period not in _PRESET_DAYS:
        shown += f" ({fmt.days(filters.days, lang)})"
    previous = filters.previous()
    return shown, ngettext("the previous {n} day: {days}", "the previous {n} days: {days}",
                           filters.days, lang).format(n=fmt.count(filters.days, lang),
                                                      days=fmt.span(previous.start,
                                                                    previous.end, lang))


# Each dimension, and how it reads when nothing is chosen (said only for brands and sources).
_EVERYTHING = (("brands", _("all brands")), ("kinds", None), ("sources", _("all sources")),
               ("langs", None), ("sentiments", None))


def describe_dimensions(choices: Choices, lang: str = "en") -> str:
    """The dimension filters in words, in ``lang``, for the header of every page."""
    parts = []
    for field, everything in _EVERYTHING:
        label = LABELS.get(field)
        chosen = tuple(label(v, lang=lang) if label else str(v)
                       for v in getattr(choices, field))
        if chosen:
            parts.append(", ".join(chosen))
        elif everything:
            parts.append(gettext(everything, lang))
    return " · ".join(parts)


def tone_ignored(filters: Filters, what: str, lang: str = "en") -> str:
    """The sentence a view shows, in ``lang``, when a sentiment filter is set but ``what``
    (already in ``lang``) counts every tone (terms, alerts and authors are kept per day and
    brand, not per tone)."""
    return (gettext("The sentiment filter does not narrow {what}.", lang).format(what=what)
            if filters.sentiments else "")
