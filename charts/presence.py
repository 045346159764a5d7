"""Presence charts: each brand's own posts per week on each channel, and how fast it answers."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.style import HEIGHT, date_axis, empty_figure, styled
from i18n.catalog import gettext
from i18n.formats import number


def presence_chart(table: pd.DataFrame, channel_names: dict[str, str], title: str,
                   lang: str = "en", height: int = HEIGHT) -> go.Figure:
    """A brand × channel grid of own posts per week; an empty cell is a brand absent there.

    ``table`` has the columns of :func:`store.presence.presence`; ``channel_names`` names each
    stored kind for people.
    """
    if table.empty or not table["posts"].any():
        return empty_figure(gettext("No brand posted from its own account in this period",
                                    lang), title, height)
    grid = table.pivot_table(index="brand", columns="channel", values="per_week",
                             sort=False, aggfunc="sum")
    brands = list(dict.fromkeys(table["brand"]))
    channels = list(dict.fromkeys(table["channel"]))
    grid = grid.reindex(index=brands, columns=channels)
    text = [[number(v, lang, 1) if v > 0 else gettext("absent", lang) for v in row]
            for row in grid.to_numpy()]
    per_week = gettext("own posts a week", lang)
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(), x=[channel_names.get(c, c) for c in channels], y=brands,
        text=text, texttemplate="%{text}", colorscale="Blues", showscale=False,
        hovertemplate="%{y} · %{x}: %{text} " + per_week + "<extra></extra>", zmin=0))
    fig.update_yaxes(autorange="reversed", fixedrange=True)
    fig.update_xaxes(side="top", fixedrange=True)
    return styled(fig, title, max(height, 80 + 44 * len(brands)))


def answered_chart(weekly: pd.DataFrame, colors: dict[str, str], title: str,
                   lang: str = "en", height: int = HEIGHT) -> go.Figure:
    """One line per brand: the share of questions and complaints its account answered, weekly.

    ``weekly`` has the columns of :func:`store.presence.responsiveness` with ``by_week``.
    """
    if weekly.empty:
        return empty_figure(gettext("No question or complaint on a channel where a brand "
                                    "answers", lang), title, height)
    fig = go.Figure()
    answered = gettext("answered", lang)
    for brand, rows in weekly.groupby("brand", sort=False):
        rows = rows.sort_values("week")
        fig.add_trace(go.Scatter(
            x=pd.to_datetime(rows["week"]), y=rows["answered_share"].to_numpy(), name=brand,
            mode="lines+markers", line={"color": colors.get(brand)},
            customdata=rows[["answered", "asked"]].to_numpy(),
            hovertemplate=(f"{brand}: %{{y:.0%}} {answered} "
                           "(%{customdata[0]:,} / %{customdata[1]:,})<extra></extra>")))
    fig.update_yaxes(tickformat=".0%", rangemode="tozero", fixedrange=True)
    date_axis(fig, "week", lang, pd.to_datetime(weekly["week"]))
    return styled(fig, title, height)
