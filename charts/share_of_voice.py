"""Share of voice over time: each brand's part of the conversation, period by period."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from charts.colors import color_of
from charts.drill import HIDDEN_MARKER
from charts.style import HEIGHT, date_axis, empty_figure, styled
from i18n.catalog import gettext

MAX_LABELLED_PERIODS = 14


def share_of_voice_chart(df: pd.DataFrame, colors: Mapping[str, str], grain: str = "week",
                         title: str | None = "Share of voice", height: int = HEIGHT,
                         lang: str = "en", unit: str = "mentions") -> go.Figure:
    """Stacked area of each brand's share of mentions per period, with mentions on hover.

    ``df`` has the columns of :func:`store.queries.share_of_voice`: ``period``, ``brand``,
    ``mentions`` (``share`` is recomputed here after filling the periods a brand was silent in
    with zero, so every period's stack adds up to 100 %). ``colors`` maps brands to colours
    (:func:`charts.colors.brand_colors`); its order is the stacking order, bottom first, and
    brands it lacks come after in name order. One trace per brand. A single period is drawn
    as one stacked bar, since an area needs two points. ``lang`` is the language of its
    texts (``title`` comes translated); the hover counts ``unit`` (mentions or stories).
    """
    if df.empty:
        return empty_figure(gettext("No mentions in this period", lang), title, height)
    mentions = (df.pivot_table(index="period", columns="brand", values="mentions",
                               aggfunc="sum", fill_value=0)
                .sort_index())
    totals = mentions.sum(axis=1)
    share = mentions.div(totals.where(totals > 0), axis=0).fillna(0.0) * 100
    present = set(mentions.columns)
    order = [b for b in colors if b in present] + sorted(present - set(colors))
    x = pd.to_datetime(mentions.index)
    single = len(x) == 1
    fig = go.Figure()
    for brand in order:
        color = color_of(brand, colors)
        common = {
            "x": x, "y": share[brand].to_numpy(), "name": brand,
            "customdata": mentions[brand].to_numpy(),
            "hovertemplate": "%{fullData.name}: %{y:.1f} % (%{customdata:,} "
                             + gettext(unit, lang) + ")<extra></extra>",
        }
        if single:
            fig.add_trace(go.Bar(marker_color=color, **common))
        else:
            # Hidden markers: plotly reports a click only on a marker, never on a bare line.
            fig.add_trace(go.Scatter(mode="lines+markers", stackgroup="share",
                                     line={"width": 1, "color": color}, fillcolor=color,
                                     marker=HIDDEN_MARKER, **common))
    if single:
        fig.update_layout(barmode="stack")
    # Weeks lie far apart on a wide screen: hover the nearest one wherever the pointer is. A
    # click then reports one brand's point whichever band it hit, so it stands for the period.
    fig.update_layout(hovermode="x unified", hoverdistance=-1)
    fig.update_yaxes(range=[0, 100], ticksuffix=" %", fixedrange=True, ticklabelstandoff=10)
    fig.update_xaxes(fixedrange=True, ticklabelstandoff=6)
    date_axis(fig, grain, lang, x)
    if len(x) <= MAX_LABELLED_PERIODS:
        # Few periods: one tick per period start, so a week reads as a week.
        if lang == "en":
            fig.update_xaxes(tickvals=x)
        fig.update_xaxes(ticklabeloverflow="allow")
    styled(fig, title, height)
    # Stacked traces get a reversed legend by default; keep the configured order.
    fig.update_layout(legend={"traceorder": "normal"})
    return fig
