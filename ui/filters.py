"""The global filter sidebar and its mirror in the URL, so a copied link shows the same view."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import streamlit as st

from store.filters import SENTIMENTS, Filters
from ui import format as fmt

# Period presets, counted back from the newest day in the database (not from today: a demo
# or a paused watch may end months ago).
PERIODS: dict[str, str] = {
    "7d": "7 days", "30d": "30 days", "90d": "90 days", "quarter": "Quarter", "all": "All",
    "custom": "Custom",
}
PERIOD_NAMES: dict[str, str] = {
    "7d": "Last 7 days", "30d": "Last 30 days", "90d": "Last 90 days", "quarter": "This quarter",
    "all": "All dates", "custom": "Custom dates",
}
DEFAULT_PERIOD = "30d"
_PRESET_DAYS = {"7d": 7, "30d": 30, "90d": 90}

# URL parameter -> field of Choices and Options holding the same dimension.
LIST_PARAMS: dict[str, str] = {"brand": "brands", "kind": "kinds", "source": "sources",
                               "lang": "langs", "sentiment": "sentiments"}
_NOUNS = {"brand": "brand", "kind": "source kind", "source": "source", "lang": "language",
          "sentiment": "sentiment"}
PARAMS = ("period", "from", "to", *LIST_PARAMS)
# A link is typed or pasted by people; anything past these sizes is not a real choice.
MAX_VALUES = 100
MAX_DATE_CHARS = 10

KEY_PERIOD = "flt_period"
KEY_DATES = "flt_dates"
KEY_LISTS = {field: f"flt_{field}" for field in LIST_PARAMS.values()}
# How a dimension's values read on screen, and what a filter needs saying.
_LABELS = {"langs": fmt.language, "sentiments": str.capitalize}
_HELP = {"sentiments": "Keeps the mentions of these tones, as corrected by people on the "
                       "Mentions page. Topics, Alerts and Community count every tone."}
_LOADED = "_flt_loaded"
_NOTICES = "_flt_notices"
_LAST_RANGE = "_flt_last_range"


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


# --- plain functions: URL <-> choices <-> Filters -------------------------------------------


def parse_params(params: Mapping[str, str | Sequence[str]], options: Options
                 ) -> tuple[Choices, list[str]]:
    """Read the choices a link carries, keeping only what fits this database.

    ``params`` maps URL parameter names to their values (repeated parameters as a list).
    Unknown periods, brands, kinds, sources or languages, unreadable dates and oversized values
    are dropped; reversed dates are swapped and dates outside the data are clamped. Returns the
    choices and one short notice per correction; a notice never repeats the value itself (a
    link is untrusted text).
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
            notices.append(f"the period in the link is not one Veille knows, so this shows "
                           f"{PERIOD_NAMES[DEFAULT_PERIOD].lower()}")
    start, end = None, None
    if values("from") or values("to"):
        start, end, date_notices = _parse_range(values("from"), values("to"), options)
        if not asked and start is not None:
            period = "custom"
        if period == "custom":
            notices.extend(date_notices)
    if period == "custom" and (start is None or end is None):
        if not any("dates" in n for n in notices):
            notices.append("a custom period needs both a start and an end date")
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
            noun = _NOUNS[param]
            plural = "s" if dropped > 1 else ""
            notices.append(f"{dropped} {noun}{plural} in the link {'are' if plural else 'is'} "
                           f"not in this watch and {'were' if plural else 'was'} left out")
    return Choices(period=period, start=start, end=end, **lists), notices


def _parse_range(raw_start: list[str], raw_end: list[str], options: Options
                 ) -> tuple[date | None, date | None, list[str]]:
    start, end = _parse_day(raw_start), _parse_day(raw_end)
    if start is None or end is None:
        return None, None, ["the dates in the link could not be read"]
    notices = []
    if start > end:
        start, end = end, start
        notices.append("the dates in the link were in reverse order and were swapped")
    if end < options.first_day or start > options.last_day:
        return None, None, ["the dates in the link are outside the collected data"]
    if start < options.first_day or end > options.last_day:
        start, end = max(start, options.first_day), min(end, options.last_day)
        notices.append(f"the dates in the link were limited to the collected data "
                       f"({fmt.span(options.first_day, options.last_day)})")
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


def describe(choices: Choices, filters: Filters, options: Options) -> tuple[str, str | None]:
    """Say in words which days are shown and which days they are compared with.

    Returns ``(shown, previous)``; ``previous`` is None when all dates are shown.
    """
    name = PERIOD_NAMES[choices.period]
    if filters.start is None or filters.end is None:
        return f"{name}: {fmt.span(options.first_day, options.last_day)}", None
    shown = f"{name}: {fmt.span(filters.start, filters.end)}"
    if choices.period not in _PRESET_DAYS:
        shown += f" ({fmt.days(filters.days)})"
    previous = filters.previous()
    return shown, (f"the previous {fmt.days(filters.days)}: "
                   f"{fmt.span(previous.start, previous.end)}")


def describe_dimensions(choices: Choices) -> str:
    """The dimension filters in words, for the header of every page."""
    parts = []
    for field, everything in (("brands", "all brands"), ("kinds", "all source kinds"),
                              ("sources", "all sources"), ("langs", "all languages"),
                              ("sentiments", "any sentiment")):
        chosen = tuple(_LABELS.get(field, str)(v) for v in getattr(choices, field))
        if chosen:
            parts.append(", ".join(chosen))
        elif field in ("brands", "sources"):
            parts.append(everything)
    return " · ".join(parts)


# --- Streamlit: the sidebar widgets and the URL ---------------------------------------------


def sidebar(options: Options) -> Choices:
    """Draw the filter sidebar and keep the URL in step with it; return the choices.

    On a session's first run the choices come from the URL (corrections are listed in a small
    notice); afterwards the widgets hold them and every change is written back to the URL.
    """
    state = st.session_state
    if not state.get(_LOADED):
        choices, notices = parse_params(_url_params(), options)
        _seed(choices)
        state[_NOTICES] = notices
        state[_LOADED] = True
    _repair(options)
    with st.sidebar:
        st.header("Filters", anchor=False)
        st.segmented_control(
            "Period", list(PERIODS), format_func=PERIODS.__getitem__, required=True,
            key=KEY_PERIOD, on_change=_on_period, args=(options,),
            help="Counted back from the newest day in the database. Changes are compared with "
                 "the period of the same length just before.")
        if state[KEY_PERIOD] == "custom":
            st.date_input("Days", min_value=options.first_day, max_value=options.last_day,
                          key=KEY_DATES, format="YYYY-MM-DD", on_change=_clear_notices)
        for field, label, everything in (("brands", "Brands", "All brands"),
                                         ("kinds", "Source kinds", "All kinds"),
                                         ("sources", "Sources", "All sources"),
                                         ("langs", "Languages", "All languages"),
                                         ("sentiments", "Sentiment", "Any sentiment")):
            values = getattr(options, field)
            if len(values) < 2:
                continue  # one value is no choice; the filter would only take room
            st.multiselect(label, values, key=KEY_LISTS[field], placeholder=everything,
                           format_func=_LABELS.get(field, str), on_change=_clear_notices,
                           help=_HELP.get(field))
        st.button("Reset filters", on_click=_reset, icon=":material/restart_alt:",
                  width="stretch")
        if state.get(_NOTICES):
            st.warning("Part of the link was ignored: " + "; ".join(state[_NOTICES]) + ".",
                       icon=":material/link_off:")
    choices = _current(options)
    _write_url(choices)
    return choices


def _url_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in PARAMS}


def _seed(choices: Choices) -> None:
    state = st.session_state
    state[KEY_PERIOD] = choices.period
    if choices.period == "custom":
        state[KEY_DATES] = (choices.start, choices.end)
    for field, key in KEY_LISTS.items():
        state[key] = list(getattr(choices, field))


def _repair(options: Options) -> None:
    """Bring widget values back within what the database offers before drawing the widgets."""
    state = st.session_state
    if state.get(KEY_PERIOD) not in PERIODS:
        state[KEY_PERIOD] = DEFAULT_PERIOD
    if state[KEY_PERIOD] == "custom":
        dates = state.get(KEY_DATES)
        # A one-day tuple is a range being picked: leave it, or the second click is lost.
        if not isinstance(dates, tuple) or not dates or any(
                d < options.first_day or d > options.last_day for d in dates):
            state[KEY_DATES] = _last_range(options)
    for field, key in KEY_LISTS.items():
        allowed = getattr(options, field)
        current = state.get(key)
        if not isinstance(current, list) or any(v not in allowed for v in current):
            state[key] = [v for v in (current or []) if v in allowed]


def _last_range(options: Options) -> tuple[date, date]:
    start, end = st.session_state.get(_LAST_RANGE) or (None, None)
    if start is None or end is None:
        start, end = options.first_day, options.last_day
    start = min(max(start, options.first_day), options.last_day)
    end = min(max(end, start), options.last_day)
    return start, end


def _current(options: Options) -> Choices:
    state = st.session_state
    period = state.get(KEY_PERIOD)
    if period not in PERIODS:
        # A rerun requested mid-run can hand the widget back empty; never show "None".
        period = DEFAULT_PERIOD
    start = end = None
    if period == "custom":
        dates = state.get(KEY_DATES)
        if isinstance(dates, tuple) and len(dates) == 2:
            start, end = dates
        else:
            start, end = _last_range(options)
    lists = {field: tuple(state.get(key) or ()) for field, key in KEY_LISTS.items()}
    choices = Choices(period=period, start=start, end=end, **lists)
    shown = bounds(choices, options)
    state[_LAST_RANGE] = (shown if shown[0] is not None
                          else (options.first_day, options.last_day))
    return choices


def _on_period(options: Options) -> None:
    _clear_notices()
    if st.session_state[KEY_PERIOD] == "custom":
        # Start the custom range from the days that were on screen.
        st.session_state[KEY_DATES] = _last_range(options)


def _clear_notices() -> None:
    st.session_state[_NOTICES] = []


def _reset() -> None:
    _seed(Choices())
    _clear_notices()


def _write_url(choices: Choices) -> None:
    wanted = to_params(choices)
    if all(st.query_params.get_all(key) == wanted.get(key, []) for key in PARAMS):
        return
    # Rewrite in a fixed order (period, dates, dimensions) so equal views give equal links;
    # parameters of other pages are kept as they are.
    others = {key: st.query_params.get_all(key) for key in st.query_params if key not in PARAMS}
    st.query_params.from_dict({**{k: v if len(v) > 1 else v[0] for k, v in wanted.items()},
                               **{k: v if len(v) > 1 else v[0] for k, v in others.items()}})


def tone_ignored(filters: Filters, what: str) -> str:
    """The sentence a view shows when a sentiment filter is set but ``what`` counts every tone
    (terms, alerts and authors are kept per day and brand, not per tone)."""
    return f"The sentiment filter does not narrow {what}." if filters.sentiments else ""
