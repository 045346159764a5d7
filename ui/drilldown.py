"""Drill-down: a click on a chart's bar or point opens the Mentions view filtered to it."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import streamlit as st

from charts.drill import meaning_of
from store import queries
from store.filters import Filters
from store.mentions import MAX_SEARCH_CHARS
from ui import filters as global_filters
from ui import live
from ui.state import View, read

MENTIONS_PAGE = "pages/mentions.py"
# Page-level parameters of the Mentions view (the global ones belong to ui.filters).
PARAM_SEARCH, PARAM_SENTIMENT, PARAM_TAG = "q", "sentiment", "tag"
PARAM_ANSWERED, PARAM_SORT, PARAM_SIZE = "answered", "sort", "size"
# The sentiment is a global filter (ui/filters.py) of the same name; a click sets it too.
MENTIONS_PARAMS = (PARAM_SEARCH, PARAM_TAG, PARAM_ANSWERED, PARAM_SORT,
                   PARAM_SIZE)
# Set when the Mentions view must take its filters from the URL on its next run.
FROM_URL = "_mentions_from_url"
_HANDLED = "_drill_handled"
SENTIMENTS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class Target:
    """What a clicked point stands for: a brand, a range of days, a kind, a sentiment, a
    source, a language, a word to search for."""

    brand: str | None = None
    start: date | None = None
    end: date | None = None
    kind: str | None = None
    sentiment: str | None = None
    source: str | None = None
    lang: str | None = None
    term: str | None = None


def known(view: View) -> global_filters.Options:
    """The watch's brands, kinds, sources and languages: what a click may name."""
    values = read(queries.filter_options, view.db)
    return global_filters.Options(
        first_day=view.info.first_day, last_day=view.info.last_day, brands=tuple(view.colors),
        kinds=tuple(values.get("kind", ())), sources=tuple(values.get("source", ())),
        langs=tuple(values.get("lang", ())))


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


def _allowed(choices: Iterable[str] | global_filters.Options) -> dict[str, set[str]]:
    """The values a click may name, per dimension; a bare list names brands only."""
    if isinstance(choices, global_filters.Options):
        return {"brand": set(choices.brands), "kind": set(choices.kinds),
                "source": set(choices.sources), "lang": set(choices.langs),
                "sentiment": set(SENTIMENTS)}
    return {"brand": set(choices), "sentiment": set(SENTIMENTS)}


def _pick(allowed: set[str], *candidates: Any) -> str | None:
    """The first candidate that is one of ``allowed`` (a plain string, compared exactly)."""
    return next((c for c in candidates if isinstance(c, str) and c in allowed), None)


def _search_term(value: Any) -> str | None:
    """A word to search for, as the Mentions search box would take it, or None."""
    if not isinstance(value, str):
        return None
    term = " ".join(value.split())[:MAX_SEARCH_CHARS]
    return term if term and term.isprintable() else None


def _days(said: Mapping[str, Any], x: Any, grain: str | None) -> tuple[date | None, date | None]:
    """The days a point stands for: its own ``start``/``end``, else its x date widened to
    the chart's ``grain``."""
    start, end = _as_day(said.get("start")), _as_day(said.get("end"))
    if start and end:
        return min(start, end), max(start, end)
    day = _as_day(x)
    return period_of(day, grain) if day else (None, None)


def target_of(point: Mapping[str, Any], traces: list[Mapping[str, Any]], grain: str | None,
              brands: Iterable[str] | global_filters.Options, *, kind: str | None = None,
              sentiment: str | None = None, unified: bool = False) -> Target | None:
    """Read what a selected plotly point designates, or None when it names nothing we filter.

    What the chart put in the point's customdata comes first (see :mod:`charts.drill`):
    brand, kind, source, language, sentiment, a search term, first and last day. Otherwise
    the brand is the point's trace name, or its x/y category; the days come from a date on
    the x axis, widened to the chart's ``grain``; ``kind`` and ``sentiment`` are what the
    whole chart is about, if anything. ``brands`` is what a click may name: the brands, or
    the watch's :class:`ui.filters.Options` (brands, kinds, sources, languages); any other
    value is dropped, so a figure cannot put anything else in the link. ``unified`` says the
    chart hovers a whole period at once: plotly then reports one trace's point wherever
    the click landed, so the trace name says nothing. ``traces`` is the figure's
    ``data`` (a list of trace dicts).
    """
    allowed = _allowed(brands)
    said = meaning_of(point.get("customdata"))
    curve = point.get("curve_number")
    name = None
    if not unified and isinstance(curve, int) and 0 <= curve < len(traces):
        name = traces[curve].get("name")
    brand = _pick(allowed["brand"], said.get("brand"), name, point.get("y"), point.get("x"))
    start, end = _days(said, point.get("x"), grain)
    found = {dim: _pick(allowed.get(dim, set()), said.get(dim))
             for dim in ("kind", "source", "lang", "sentiment")}
    term = _search_term(said.get("term"))
    if brand is None and start is None and term is None and not any(found.values()):
        return None
    return Target(brand=brand, start=start, end=end, kind=found["kind"] or kind,
                  sentiment=found["sentiment"] or _pick(allowed["sentiment"], sentiment),
                  source=found["source"], lang=found["lang"], term=term)


def target_in_figure(point: Mapping[str, Any], fig: Any, grain: str | None,
                     brands: Iterable[str] | global_filters.Options, *,
                     kind: str | None = None, sentiment: str | None = None) -> Target | None:
    """:func:`target_of` a point plotly reported on the plotly figure ``fig``.

    A figure hovering a whole period at once (``hovermode`` ``"x unified"`` and the like) with
    several traces reports one trace's point wherever the click landed: only the period counts.
    """
    traces = [trace.to_plotly_json() if hasattr(trace, "to_plotly_json") else dict(trace)
              for trace in fig.data]
    hovermode = getattr(getattr(fig, "layout", None), "hovermode", None)
    unified = isinstance(hovermode, str) and hovermode != "closest" and len(traces) > 1
    return target_of(point, traces, grain, brands, kind=kind, sentiment=sentiment,
                     unified=unified)


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
        sources=(target.source,) if target.source else current.sources,
        langs=(target.lang,) if target.lang else current.langs,
        sentiments=(target.sentiment,) if target.sentiment else current.sentiments)
    params = global_filters.to_params(choices)
    if target.term:
        params[PARAM_SEARCH] = [target.term]
    return params


def open_mentions(params: Mapping[str, list[str]]) -> None:
    """Switch to the Mentions view with ``params`` as its URL (global and page filters)."""
    # The sidebar reads the URL only on a session's first run; ask it to read it again.
    st.session_state[global_filters._LOADED] = False
    st.session_state[FROM_URL] = True
    st.switch_page(MENTIONS_PAGE, query_params={k: list(v) for k, v in params.items()})


def drill(event: Any, fig: Any, current: Filters,
          brands: Iterable[str] | global_filters.Options, *, key: str,
          grain: str | None = None, kind: str | None = None,
          sentiment: str | None = None) -> None:
    """Open the Mentions view for the point selected in ``event``; do nothing without one.

    ``event`` is what ``st.plotly_chart(..., on_select="rerun")`` returned, ``fig`` the figure
    drawn, ``key`` the chart's key (a selection is followed once, not again on every rerun).
    ``brands`` is what a click may name (see :func:`target_of`).
    """
    points = list(getattr(getattr(event, "selection", None), "points", None) or [])
    handled = st.session_state.setdefault(_HANDLED, {})
    if not points:
        handled.pop(key, None)
        return
    signature = repr(points[0])
    if handled.get(key) == signature:
        return
    target = target_in_figure(points[0], fig, grain, brands, kind=kind, sentiment=sentiment)
    handled[key] = signature
    if target is not None:
        open_mentions(params_for(target, current, st.query_params.get("period")))


def chart(fig: Any, current: Filters, brands: Iterable[str] | global_filters.Options, *,
          key: str, grain: str | None = None, kind: str | None = None,
          sentiment: str | None = None, config: Mapping[str, Any] | None = None) -> None:
    """Draw ``fig`` so that clicking a bar or point opens the Mentions view filtered to it.

    A drop-in for ``st.plotly_chart(fig, theme=None, config=..., key=...)``. ``brands`` is
    what a click may name: the brands, or :func:`known` for kinds, sources and languages too.
    """
    # On the wall screen (live mode) the same figure is drawn larger; clicks read the original.
    event = st.plotly_chart(live.presented(fig), theme=None, config=dict(config or {}), key=key,
                            on_select="rerun", selection_mode=("points",))
    drill(event, fig, current, brands, key=key, grain=grain, kind=kind, sentiment=sentiment)
