"""The global filter sidebar and its mirror in the URL, so a copied link shows the same view."""

from __future__ import annotations

from datetime import date
from functools import partial

import streamlit as st

from i18n.catalog import translator

# The filter model lives in views.filters (the reports use it without Streamlit); its names
# are re-exported here for the frame and the pages.
from views.filters import (  # noqa: F401
    DEFAULT_PERIOD,
    LABELS,
    LIST_PARAMS,
    PARAMS,
    PERIOD_NAMES,
    PERIODS,
    Choices,
    Options,
    bounds,
    describe,
    describe_dimensions,
    grain_for,
    parse_params,
    to_filters,
    to_params,
    tone_ignored,
)

KEY_PERIOD = "flt_period"
KEY_DATES = "flt_dates"
KEY_LISTS = {field: f"flt_{field}" for field in LIST_PARAMS.values()}


def _(message: str) -> str:
    """``message`` itself: marks it for the catalog (the extractor reads ``_``); it is
    translated where it is shown, by a ``_`` bound to the reader's language."""
    return message


# What a filter needs saying.
_HELP = {"sentiments": _("Keeps the mentions of these tones, as corrected by people on the "
                          "Mentions page. Topics, Alerts and Community count every tone.")}
# Each dimension's label and what an empty choice means.
_DIMENSIONS = (("brands", _("Brands"), _("All brands")),
               ("kinds", _("Source kinds"), _("All kinds")),
               ("sources", _("Sources"), _("All sources")),
               ("langs", _("Languages"), _("All languages")),
               ("sentiments", _("Sentiment"), _("Any sentiment")))
_LOADED = "_flt_loaded"
_NOTICES = "_flt_notices"
_LAST_RANGE = "_flt_last_range"


def sidebar(options: Options, lang: str = "en") -> Choices:
    """Draw the filter sidebar in ``lang`` and keep the URL in step with it; return the choices.

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
    _ = translator(lang)
    with st.sidebar:
        st.header(_("Filters"), anchor=False)
        st.segmented_control(
            _("Period"), list(PERIODS), format_func=lambda p: _(PERIODS[p]), required=True,
            key=KEY_PERIOD, on_change=_on_period, args=(options,),
            help=_("Counted back from the newest day in the database. Changes are compared "
                   "with the period of the same length just before."))
        if state[KEY_PERIOD] == "custom":
            st.date_input(_("Days"), min_value=options.first_day, max_value=options.last_day,
                          key=KEY_DATES, format="DD/MM/YYYY" if lang == "fr" else "YYYY-MM-DD",
                          on_change=_clear_notices)
        for field, label, everything in _DIMENSIONS:
            values = getattr(options, field)
            if len(values) < 2:
                continue  # one value is no choice; the filter would only take room
            st.multiselect(_(label), values, key=KEY_LISTS[field], placeholder=_(everything),
                           format_func=(partial(LABELS[field], lang=lang) if field in LABELS
                                        else str),
                           on_change=_clear_notices,
                           help=_(_HELP[field]) if field in _HELP else None)
        st.button(_("Reset filters"), on_click=_reset, icon=":material/restart_alt:",
                  width="stretch")
        if state.get(_NOTICES):
            st.warning(_("Part of the link was ignored: {notices}.").format(
                notices="; ".join(state[_NOTICES])), icon=":material/link_off:")
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
