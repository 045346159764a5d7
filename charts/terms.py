"""Charts of the Topics page: each topic's share of each brand's conversation."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from charts.colors import color_of
from charts.drill import meaning
from charts.style import empty_figure, localized, styled
from i18n.catalog import gettext


def topic_share_chart(df: pd.DataFrame, colors: Mapping[str, str],
                      title: str | None = None,
                      terms: Mapping[str, str] | None = None, lang: str = "en") -> go.Figure:
    """Grouped horizontal bars: per topic (``label``), each brand's ``share`` (0–1).

    One trace per brand, in its colour; topics listed in the order of ``df``. Each bar's
    customdata is its meaning (see :mod:`charts.drill`): its brand, and the word ``terms``
    gives for its topic (the word a click searches for), when given. Its texts are in
    ``lang`` (``title`` comes translated).
    """
    if df.empty:
        return empty_figure(gettext("No topic found in this period.", lang), title)
    labels = list(dict.fromkeys(df["label"]))
    terms = terms or {}
    fig = go.Figure()
    for brand, rows in df.groupby("brand", sort=False):
        rows = rows.set_index("label").reindex(labels)
        fig.add_trace(go.Bar(
            name=str(brand), y=labels, x=rows["share"].fillna(0).tolist(), orientation="h",
            marker={"color": color_of(str(brand), colors)},
            customdata=[meaning(brand=str(brand), term=terms.get(label)) for label in labels],
            hovertemplate="%{y}<br>" + str(brand) + ": %{x:.0%}<extra></extra>"))
    styled(fig, title, height=max(320, 70 * len(labels) + 120))
    fig.update_layout(barmode="group")
    fig.update_xaxes(tickformat=".0%", title=None)
    fig.update_yaxes(autorange="reversed", title=None)
    return localized(fig, lang)
