"""Share of voice broken down: over time in mentions or stories, by kind, language, tone, rank."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from charts.colors import color_of
from charts.drill import meaning, with_meanings
from charts.share_of_voice import share_of_voice_chart
from charts.style import HEIGHT, _, date_axis, empty_figure, localized, styled
from i18n.catalog import gettext
from i18n.formats import number

# One line per brand: hover (and click) the point nearest the pointer, not the whole period,
# so a click names the brand of the line it lands on (a unified hover reports any one).
_NEAREST_POINT = "closest"


NO_MENTIONS, NO_STORIES = _("No mentions in this period"), _("No stories in this period")


def _nothing(unit: str, lang: str) -> str:
    """What an empty chart of ``unit`` says."""
    return gettext(NO_STORIES if unit == "stories" else NO_MENTIONS, lang)


def _count(n: object, lang: str) -> str:
    return f"{int(n):,}" if lang == "en" else number(int(n), lang)


def _order(present: Sequence[str], colors: Mapping[str, str]) -> list[str]:
    """Brands in configuration order, then any others by name."""
    present = list(dict.fromkeys(present))
    return [b for b in colors if b in present] + sorted(set(present) - set(colors))


def share_over_time_chart(df: pd.DataFrame, colors: Mapping[str, str], grain: str = "week",
                          unit: str = "mentions", title: str | None = None,
                          height: int = HEIGHT, lang: str = "en") -> go.Figure:
    """Stacked share per period, counted in ``unit`` (``mentions`` or ``stories``), in ``lang``.

    ``df`` has ``period``, ``brand`` and a column named ``unit`` (the frames of
    :func:`store.queries.share_of_voice` and :func:`store.stories.share_of_voice_stories`).
    Drawn by :func:`charts.share_of_voice_chart`, with the hover naming the unit.
    """
    data = df.rename(columns={unit: "mentions"}) if unit != "mentions" else df
    title = title or gettext("Share of voice per {grain} ({unit})", lang).format(
        grain=gettext(grain, lang), unit=gettext(unit, lang))
    return share_of_voice_chart(data, colors, grain, title=title, height=height, lang=lang,
                                unit=unit)


def volume_over_time_chart(df: pd.DataFrame, colors: Mapping[str, str], grain: str = "week",
                           unit: str = "mentions", title: str | None = None,
                           height: int = HEIGHT, lang: str = "en") -> go.Figure:
    """One line per brand: how many ``unit`` it had each period (absolute, not share).

    ``df`` has ``period``, ``brand`` and the ``unit`` column. Periods a brand was silent in
    are drawn as zero. Its texts are in ``lang``.
    """
    title = title or gettext("{Unit} per {grain}", lang).format(
        Unit=gettext(unit.capitalize(), lang), grain=gettext(grain, lang))
    if df.empty:
        return empty_figure(_nothing(unit, lang), title, height)
    counts = df.pivot_table(index="period", columns="brand", values=unit, aggfunc="sum",
                            fill_value=0).sort_index()
    x = pd.to_datetime(counts.index)
    fig = go.Figure()
    for brand in _order(list(counts.columns), colors):
        fig.add_trace(go.Scatter(
            x=x, y=counts[brand].to_numpy(), name=brand, mode="lines+markers",
            line={"width": 3, "color": color_of(brand, colors)}, marker={"size": 6},
            hovertemplate=f"%{{fullData.name}}, %{{x}}: %{{y:,}} {gettext(unit, lang)}"
                          "<extra></extra>"))
    fig.update_layout(hovermode=_NEAREST_POINT, hoverdistance=-1)
    fig.update_xaxes(fixedrange=True)
    date_axis(fig, grain, lang, x)
    fig.update_yaxes(rangemode="tozero", tickformat=",d", fixedrange=True)
    return styled(fig, title, height)


def share_by_chart(df: pd.DataFrame, colors: Mapping[str, str], title: str,
                   labels: Mapping[str, str] | None = None, values: Sequence[str] | None = None,
                   unit: str = "mentions", height: int = 360,
                   dimension: str | None = None, lang: str = "en") -> go.Figure:
    """One 100 % bar per value of a dimension (a source kind, a language, a tone), split by brand.

    ``df`` has the columns of :func:`store.stories.share_by`: ``value``, ``brand``,
    ``count``, ``share``. ``labels`` renames values for display; ``values`` keeps only those
    values, in that order (otherwise the biggest value is on top). The bar's total is in its
    axis label. Each bar part's customdata is its count and its meaning (see
    :mod:`charts.drill`): its brand, and its value under ``dimension`` (``kind``, ``lang``,
    ``sentiment``) when given. ``title`` and ``labels`` come in ``lang``.
    """
    if values is not None:
        df = df[df["value"].isin(values)]
    if df.empty:
        return empty_figure(_nothing(unit, lang), title, height)
    labels = labels or {}
    totals = df.groupby("value")["count"].sum()
    rows = list(values) if values is not None else list(totals.sort_values().index)
    rows = [r for r in rows if r in totals.index]
    names = {v: f"{labels.get(v, v)} ({_count(totals[v], lang)})" for v in rows}
    fig = go.Figure()
    for brand in _order(list(df["brand"]), colors):
        part = df[df["brand"] == brand].set_index("value")
        shares = [float(part["share"].get(v, 0.0)) * 100 for v in rows]
        counts = [int(part["count"].get(v, 0)) for v in rows]
        meanings = [meaning(brand=brand, **({dimension: v} if dimension else {})) for v in rows]
        fig.add_trace(go.Bar(
            x=shares, y=[names[v] for v in rows], name=brand, orientation="h",
            marker_color=color_of(brand, colors), customdata=with_meanings(counts, meanings),
            # Level labels only: a rotated "7 %" on a thin part is unreadable, so it is hidden
            # (uniformtext) rather than turned on its side.
            text=[f"{s:.0f} %" if s >= 6 else "" for s in shares], textposition="inside",
            insidetextanchor="middle", textangle=0,
            hovertemplate=f"%{{fullData.name}}: %{{x:.1f}} % (%{{customdata[0]:,}} "
                          f"{gettext(unit, lang)})<extra></extra>"))
    if values is not None:
        # Plotly draws the first category at the bottom: reverse so the list reads top-down.
        fig.update_yaxes(categoryorder="array", categoryarray=[names[v] for v in rows][::-1])
    fig.update_layout(barmode="stack", bargap=0.35, uniformtext={"minsize": 11, "mode": "hide"})
    fig.update_xaxes(range=[0, 100], ticksuffix=" %", fixedrange=True)
    fig.update_yaxes(fixedrange=True, ticklabelstandoff=8)
    styled(fig, title, height)
    localized(fig, lang)
    fig.update_layout(legend={"traceorder": "normal"})
    return fig


def rank_chart(df: pd.DataFrame, colors: Mapping[str, str], own: str | None = None,
               grain: str = "week", unit: str = "mentions", title: str | None = None,
               height: int = HEIGHT, lang: str = "en") -> go.Figure:
    """Each brand's rank per period (1 at the top), our brand drawn thicker than the others.

    ``df`` has the columns of :func:`store.stories.ranking`: ``period``, ``brand``,
    ``count``, ``rank``. Its texts are in ``lang``.
    """
    title = title or gettext("Rank by {unit} per {grain}", lang).format(
        unit=gettext(unit, lang), grain=gettext(grain, lang))
    if df.empty:
        return empty_figure(_nothing(unit, lang), title, height)
    fig = go.Figure()
    for brand in _order(list(df["brand"]), colors):
        part = df[df["brand"] == brand].sort_values("period")
        ours = brand == own
        fig.add_trace(go.Scatter(
            x=pd.to_datetime(part["period"]), y=part["rank"].to_numpy(), name=brand,
            mode="lines+markers", customdata=part["count"].to_numpy(),
            line={"width": 5 if ours else 2, "color": color_of(brand, colors),
                  "dash": "solid" if ours or own is None else "dot"},
            marker={"size": 10 if ours else 6},
            hovertemplate=f"%{{fullData.name}}, %{{x}}: #%{{y}} (%{{customdata:,}} "
                          f"{gettext(unit, lang)})<extra></extra>"))
    top = int(df["rank"].max())
    fig.update_yaxes(autorange=False, range=[top + 0.5, 0.5], tickvals=list(range(1, top + 1)),
                     tickprefix="#", fixedrange=True)
    fig.update_xaxes(fixedrange=True)
    date_axis(fig, grain, lang, df["period"])
    fig.update_layout(hovermode=_NEAREST_POINT, hoverdistance=-1)
    styled(fig, title, height)
    fig.update_layout(legend={"traceorder": "normal"})
    return fig
