"""Drill-down: a click on a chart's bar or point opens the Mentions view filtered to it."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import streamlit as st

from store.filters import Filters
from ui import filters as global_filters

MENTIONS_PAGE = "pages/mentions.py"
# Page-level parameters of the Mentions view (the global ones belong to ui.filters).
PARAM_SEARCH, PARAM_SENTIMENT, PARAM_TAG = "q", "sentiment", "tag"
PARAM_ANSWERED, PARAM_SORT, PARAM_SIZE = "answered", "sort", "size"
MENTIONS_PARAMS = (PARAM_SEARCH, PARAM_SENTIMENT, PARAM_TAG, PARAM_ANSWERED, PARAM_SORT,
                   PARAM_SIZE)
# Set when the Mentions view must take its filters from the URL on its next run.
FROM_URL = "_mentions_from_url"
_HANDLED = "_drill_handled"
SENTIMENTS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class Target:
    """What a clicked point stands for: a brand, a range of days, a kind, a sentiment."""

    brand: str | None = None
    start: date | None = None
    end: date | None = None
    kind: str | None = None
    sentiment: str | None = None


def period_of(day: date, grain: str | None) -> tuple[date, date]:
    """The first and last day of the ``grain`` (day, week, month) that starts at ``day``."""
    if grain == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if grain == "month":
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day, day


def _as_day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def target_of(point: Mapping[str, Any], traces: list[Mapping[str, Any]], grain: str | None,
              brands: Iterable[str], *, kind: str | None = None,
              sentiment: str | None = None) -> Target | None:
    """Read what a selected plotly point designates, or None when it names nothing we filter.

    The brand is the point's trace name, or its x/y category, when it is one of ``brands``;
    the days come from a date on the x axis, widened to the chart's ``grain``; ``kind`` and
    ``sentiment`` are what the whole chart is about, if anything. ``traces`` is the figure's
    ``data`` (a list of trace dicts).
    """
    known = set(brands)
    brand = None
    curve = point.get("curve_number")
    if isinstance(curve, int) and 0 <= curve < len(traces):
        name = traces[curve].get("name")
        if name in known:
            brand = name
    for axis in ("y", "x"):
        if brand is None and point.get(axis) in known:
            brand = point.get(axis)
    day = _as_day(point.get("x"))
    start, end = period_of(day, grain) if day else (None, None)
    if brand is None and start is None:
        return None
    return Target(brand=brand, start=start, end=end, kind=kind,
                  sentiment=sentiment if sentiment in SENTIMENTS else None)


def params_for(target: Target, current: Filters, period: str | None = None
               ) -> dict[str, list[str]]:
    """The URL parameters of the Mentions view for ``target``, within the current filters.

    What the target does not say (the period, other dimensions) stays as it was on screen;
    ``period`` is the preset on screen (``30d``…), kept as a preset when the target has no days.
    """
    start = target.start or current.start
    end = target.end or current.end
    if target.start is None and period in global_filters.PERIODS and period != "custom":
        chosen, start, end = period, None, None
    else:
        chosen = "custom" if start and end else "all"
    choices = global_filters.Choices(
        period=chosen, start=start, end=end,
        brands=(target.brand,) if target.brand else current.brands,
        kinds=(target.kind,) if target.kind else current.kinds,
        sources=current.sources, langs=current.langs)
    params = global_filters.to_params(choices)
    if target.sentiment:
        params[PARAM_SENTIMENT] = [target.sentiment]
    return params


def open_mentions(params: Mapping[str, list[str]]) -> None:
    """Switch to the Mentions view with ``params`` as its URL (global and page filters)."""
    # The sidebar reads the URL only on a session's first run; ask it to read it again.
    st.session_state[global_filters._LOADED] = False
    st.session_state[FROM_URL] = True
    st.switch_page(MENTIONS_PAGE, query_params={k: list(v) for k, v in params.items()})


def drill(event: Any, fig: Any, current: Filters, brands: Iterable[str], *, key: str,
          grain: str | None = None, kind: str | None = None,
          sentiment: str | None = None) -> None:
    """Open the Mentions view for the point selected in ``event``; do nothing without one.

    ``event`` is what ``st.plotly_chart(..., on_select="rerun")`` returned, ``fig`` the figure
    drawn, ``key`` the chart's key (a selection is followed once, not again on every rerun).
    """
    points = list(getattr(getattr(event, "selection", None), "points", None) or [])
    handled = st.session_state.setdefault(_HANDLED, {})
    if not points:
        handled.pop(key, None)
        return
    signature = repr(points[0])
    if handled.get(key) == signature:
        return
    traces = [trace.to_plotly_json() if hasattr(trace, "to_plotly_json") else dict(trace)
              for trace in fig.data]
    target = target_of(points[0], traces, grain, brands, kind=kind, sentiment=sentiment)
    handled[key] = signature
    if target is not None:
        open_mentions(params_for(target, current, st.query_params.get("period")))


def chart(fig: Any, current: Filters, brands: Iterable[str], *, key: str,
          grain: str | None = None, kind: str | None = None, sentiment: str | None = None,
          config: Mapping[str, Any] | None = None) -> None:
    """Draw ``fig`` so that clicking a bar or point opens the Mentions view filtered to it.

    A drop-in for ``st.plotly_chart(fig, theme=None, config=..., key=...)``.
    """
    event = st.plotly_chart(fig, theme=None, config=dict(config or {}), key=key,
                            on_select="rerun", selection_mode=("points",))
    drill(event, fig, current, brands, key=key, grain=grain, kind=kind, sentiment=sentiment)
