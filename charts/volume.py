"""Volume per brand: how many mentions each brand had over the period, biggest on top."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from charts.colors import color_of
from charts.style import HEIGHT, empty_figure, localized, styled
from i18n.catalog import gettext
from i18n.formats import number


def volume_chart(df: pd.DataFrame, colors: Mapping[str, str],
                 title: str | None = "Mentions per brand", height: int = HEIGHT,
                 lang: str = "en") -> go.Figure:
    """Horizontal bars of mentions per brand, largest at the top, mean sentiment on hover.

    ``df`` has the columns of :func:`store.queries.volume_by_brand`: ``brand``, ``mentions``
    and ``sentiment`` (mean score in [-1, 1]). One trace per brand, in its colour from
    ``colors``; the bar carries its count so the chart reads without hovering. Its texts are
    in ``lang`` (``title`` comes translated).
    """
    if df.empty:
        return empty_figure(gettext("No mentions in this period", lang), title, height)
    rows = df.sort_values(["mentions", "brand"], ascending=[False, True])
    fig = go.Figure()
    for brand, count, sentiment in zip(rows["brand"], rows["mentions"], rows["sentiment"],
                                       strict=True):
        fig.add_trace(go.Bar(
            x=[int(count)], y=[brand], name=brand, orientation="h",
            marker_color=color_of(brand, colors),
            text=[f"{int(count):,}" if lang == "en" else number(int(count), lang)],
            textposition="auto", insidetextanchor="end",
            cliponaxis=False,
            customdata=[0.0 if pd.isna(sentiment) else float(sentiment)],
            hovertemplate=gettext("%{y}: %{x:,} mentions<br>mean sentiment "
                                  "%{customdata:+.2f}", lang) + "<extra></extra>",
            showlegend=False,
        ))
    # Plotly draws the first category at the bottom; list them reversed so the largest is on top.
    fig.update_yaxes(categoryorder="array", categoryarray=list(rows["brand"])[::-1],
                     ticklabelstandoff=8, fixedrange=True)
    fig.update_xaxes(rangemode="tozero", fixedrange=True, tickformat=",d")
    fig.update_layout(bargap=0.3, uniformtext={"minsize": 12, "mode": "hide"})
    return localized(styled(fig, title, height), lang)
