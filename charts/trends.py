"""Trends over time: volume or tone per brand, spikes shaded, page changes marked, two periods."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from charts.colors import color_of
from charts.style import HEIGHT, empty_figure, styled

_HOVER_FORMAT = {"hour": "%a %d %b %H:00", "day": "%a %d %b %Y", "week": "Week of %d %b %Y",
                 "month": "%B %Y"}
_STEP = {"hour": pd.Timedelta(hours=1), "day": pd.Timedelta(days=1),
         "week": pd.Timedelta(days=7), "month": pd.Timedelta(days=31)}
# What each measure is called on screen and how its value is written on hover.
MEASURES = {
    "mentions": ("Mentions", "%{y:,}"),
    "net_sentiment": ("Net sentiment", "%{y:+.0%}"),
    "negative_share": ("Negative share", "%{y:.0%}"),
}
SPIKE_OPACITY = 0.14


def trend_chart(df: pd.DataFrame, colors: Mapping[str, str], grain: str = "day",
                measure: str = "mentions", alerts: pd.DataFrame | None = None,
                changes: pd.DataFrame | None = None, title: str | None = None,
                height: int = HEIGHT) -> go.Figure:
    """One line per brand of ``measure`` per period, spikes shaded, page changes marked.

    ``df`` has the columns of :func:`store.trends.volume_over_time`. ``alerts`` (columns of
    :func:`store.alerts.list_alerts`: ``brand``, ``kind``, ``started_at``, ``ended_at``,
    ``ratio``) are drawn as a band in the brand's colour over the days above normal, with a
    marker on top that says how far above; ``changes`` (columns of
    :func:`store.snapshots.page_changes`: ``published_at``, ``brand``, ``title``) are
    diamonds at the foot of the chart. Brands follow the order of ``colors``.
    """
    name, value_format = MEASURES[measure]
    if df.empty:
        return empty_figure("No mentions in this period", title, height)
    present = set(df["brand"])
    order = [b for b in colors if b in present] + sorted(present - set(colors))
    fig = go.Figure()
    for brand in order:
        rows = df[df["brand"] == brand].sort_values("period")
        y, x = rows[measure].astype(float), rows["period"]
        if measure == "mentions" and grain in ("hour", "day"):
            # A period without mentions is a real zero for a count, not a gap in the line.
            full = pd.date_range(df["period"].min(), df["period"].max(),
                                 freq="h" if grain == "hour" else "D")
            y = rows.set_index("period")[measure].reindex(full, fill_value=0).astype(float)
            x = y.index
        fig.add_trace(go.Scatter(
            x=x, y=y.to_numpy(), name=brand, mode="lines+markers" if len(y) < 3 else "lines",
            line={"color": color_of(brand, colors), "width": 2.5},
            hovertemplate=f"%{{fullData.name}}: {value_format}<extra></extra>"))
    lo, hi = pd.Timestamp(df["period"].min()), pd.Timestamp(df["period"].max()) + _STEP[grain]
    if alerts is not None and not alerts.empty:
        _spikes(fig, df, alerts, colors, measure, lo, hi)
    if changes is not None and not changes.empty:
        _changes(fig, changes, colors, lo, hi)
    fig.update_layout(hovermode="x unified", hoverdistance=-1)
    fig.update_xaxes(hoverformat=_HOVER_FORMAT.get(grain))
    if measure == "mentions":
        fig.update_yaxes(rangemode="tozero", tickformat=",d", title=None)
    else:
        fig.update_yaxes(tickformat=".0%", title=None)
    return styled(fig, title or f"{name} per {grain}", height)


def _spikes(fig: go.Figure, df: pd.DataFrame, alerts: pd.DataFrame,
            colors: Mapping[str, str], measure: str, lo: pd.Timestamp,
            hi: pd.Timestamp) -> None:
    xs, ys, texts, marker_colors = [], [], [], []
    top = float(df[measure].max())
    for row in alerts.itertuples(index=False):
        start = pd.Timestamp(row.started_at)
        stop = pd.Timestamp(row.ended_at) + pd.Timedelta(days=1)
        if stop <= lo or start >= hi:
            continue
        color = color_of(row.brand, colors)
        fig.add_vrect(x0=max(start, lo), x1=min(stop, hi), fillcolor=color,
                      opacity=SPIKE_OPACITY, line_width=0, layer="below")
        what = (f"volume ×{row.ratio:.1f}" if row.kind == "volume"
                else f"negative share ×{row.ratio:.1f}" if pd.notna(row.ratio)
                else "negative share up")
        where = f" on {plain(row.source)}" if getattr(row, "source", None) else ""
        xs.append(max(start, lo))
        ys.append(top)
        texts.append(f"Spike · {row.brand}{where}: {what} since {start:%d %b}")
        marker_colors.append(color)
    if xs:
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="markers", name="Spikes", text=texts,
            marker={"symbol": "triangle-down", "size": 16, "color": marker_colors,
                    "line": {"width": 1, "color": "#31333f"}},
            hovertemplate="%{text}<extra></extra>"))


def plain(text: object) -> str:
    """Collected text made inert for plotly, whose labels read a few HTML tags and entities."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _changes(fig: go.Figure, changes: pd.DataFrame, colors: Mapping[str, str],
             lo: pd.Timestamp, hi: pd.Timestamp) -> None:
    rows = changes[(pd.to_datetime(changes["published_at"]) >= lo)
                   & (pd.to_datetime(changes["published_at"]) < hi)]
    if rows.empty:
        return
    first_brand = [str(b).split(", ")[0] if b else "" for b in rows["brand"]]
    fig.add_trace(go.Scatter(
        x=pd.to_datetime(rows["published_at"]), y=[0] * len(rows), mode="markers",
        name="Page changes", text=[plain(t) for t in rows["title"]],
        customdata=[plain(b) or "no brand" for b in rows["brand"]],
        marker={"symbol": "diamond", "size": 14, "line": {"width": 1, "color": "#31333f"},
                "color": [color_of(b, colors) if b else "#808495" for b in first_brand]},
        hovertemplate="Page change · %{customdata}: %{text}<extra></extra>"))


def comparison_chart(df: pd.DataFrame, colors: Mapping[str, str], now_label: str = "This period",
                     before_label: str = "Previous period", title: str | None = None,
                     height: int = HEIGHT) -> go.Figure:
    """Mentions per brand in two periods, side by side: the earlier pale, the current solid.

    ``df`` has the columns of :func:`store.trends.compare_periods`. The change is written
    above the current bar so the chart reads without hovering.
    """
    if df.empty or (df["mentions"].sum() == 0 and df["mentions_before"].sum() == 0):
        return empty_figure("No mentions in either period", title, height)
    brands = list(df["brand"])
    bar_colors = [color_of(b, colors) for b in brands]
    changes = ["new" if pd.isna(c) else f"{c:+.0%}" for c in df["change"]]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=brands, y=df["mentions_before"], name=before_label,
                         marker={"color": bar_colors, "opacity": 0.35},
                         hovertemplate="%{x}: %{y:,} mentions<extra>" + before_label + "</extra>"))
    fig.add_trace(go.Bar(x=brands, y=df["mentions"], name=now_label,
                         marker={"color": bar_colors}, text=changes, textposition="outside",
                         cliponaxis=False,
                         hovertemplate="%{x}: %{y:,} mentions (%{text})<extra>" + now_label
                                       + "</extra>"))
    fig.update_layout(barmode="group", bargap=0.25, bargroupgap=0.05)
    fig.update_yaxes(rangemode="tozero", tickformat=",d", fixedrange=True)
    fig.update_xaxes(fixedrange=True)
    return styled(fig, title or "Mentions: this period vs the previous one", height)
