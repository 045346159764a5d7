"""Trends over time: volume or tone per brand, spikes shaded, page changes marked, two periods."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from charts.colors import color_of
from charts.drill import HIDDEN_MARKER, meaning, with_meanings
from charts.style import HEIGHT, _, date_axis, day_text, empty_figure, localized, plain, styled
from i18n.catalog import gettext
from i18n.formats import signed_percent

_STEP = {"hour": pd.Timedelta(hours=1), "day": pd.Timedelta(days=1),
         "week": pd.Timedelta(days=7), "month": pd.Timedelta(days=31)}
# What each measure is called on screen (a msgid) and how its value is written on hover.
MEASURES = {
    "mentions": (_("Mentions"), "%{y:,}"),
    "net_sentiment": (_("Net sentiment"), "%{y:+.0%}"),
    "negative_share": (_("Negative share"), "%{y:.0%}"),
}
SPIKE_OPACITY = 0.14


def trend_chart(df: pd.DataFrame, colors: Mapping[str, str], grain: str = "day",
                measure: str = "mentions", alerts: pd.DataFrame | None = None,
                changes: pd.DataFrame | None = None, title: str | None = None,
                height: int = HEIGHT, lang: str = "en") -> go.Figure:
    """One line per brand of ``measure`` per period, spikes shaded, page changes marked.

    ``df`` has the columns of :func:`store.trends.volume_over_time`. ``alerts`` (columns of
    :func:`store.alerts.list_alerts`: ``brand``, ``kind``, ``started_at``, ``ended_at``,
    ``ratio``) are drawn as a band in the brand's colour over the days above normal, with a
    marker on top that says how far above; ``changes`` (columns of
    :func:`store.snapshots.page_changes`: ``published_at``, ``brand``, ``source``,
    ``title``) are diamonds at the foot of the chart. Brands follow the order of ``colors``.
    The hover, and a click, pick the point nearest the pointer: a brand's period, a spike (its
    brand, source and days) or a page change (its brand, source and day), as each point's
    customdata says (see :mod:`charts.drill`). Its texts are in ``lang``.
    """
    name, value_format = MEASURES[measure]
    if df.empty:
        return empty_figure(gettext("No mentions in this period", lang), title, height)
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
        # Markers show on a line too short to read; hidden ones still take the clicks.
        fig.add_trace(go.Scatter(
            x=x, y=y.to_numpy(), name=brand, mode="lines+markers",
            marker=None if len(y) < 3 else HIDDEN_MARKER,
            line={"color": color_of(brand, colors), "width": 2.5},
            hovertemplate=f"%{{fullData.name}}, %{{x}}: {value_format}<extra></extra>"))
    lines = len(fig.data)
    lo, hi = pd.Timestamp(df["period"].min()), pd.Timestamp(df["period"].max()) + _STEP[grain]
    if alerts is not None and not alerts.empty:
        _spikes(fig, df, alerts, colors, measure, lo, hi, lang)
    if changes is not None and not changes.empty:
        _changes(fig, changes, colors, lo, hi, lang)
    _unpadded(fig, lines)
    # The nearest point, not the whole period: a unified hover reports one brand's point on
    # click, whichever line was hit.
    fig.update_layout(hovermode="closest", hoverdistance=-1)
    date_axis(fig, grain, lang, df["period"], ticks=False)
    if measure == "mentions":
        fig.update_yaxes(rangemode="tozero", tickformat=",d", title=None)
    else:
        fig.update_yaxes(tickformat=".0%", title=None)
    return styled(fig, title or gettext("{measure} per {grain}", lang).format(
        measure=gettext(name, lang), grain=gettext(grain, lang)), height)


def _unpadded(fig: go.Figure, lines: int) -> None:
    """Keep the time axis where the lines alone put it, although they now carry markers.

    Plotly pads an axis around markers but not around bare lines: each end is held at the
    furthest line point or shaded band, unless a spike or page change marker reaches that
    end (it was padded before too). ``lines`` is the number of brand traces, drawn first.
    """
    tight = pd.to_datetime(pd.Series(
        [x for trace in fig.data[:lines] for x in trace.x]
        + [edge for shape in fig.layout.shapes for edge in (shape.x0, shape.x1)]))
    marked = pd.to_datetime(pd.Series([x for trace in fig.data[lines:] for x in trace.x]))
    limits = {}
    # Plotly reads dates from text; a Timestamp would reach it as a number of milliseconds.
    if marked.empty or marked.min() > tight.min():
        limits["clipmin"] = tight.min().isoformat(sep=" ")
    if marked.empty or marked.max() < tight.max():
        limits["clipmax"] = tight.max().isoformat(sep=" ")
    fig.update_xaxes(autorangeoptions=limits)


def _spikes(fig: go.Figure, df: pd.DataFrame, alerts: pd.DataFrame,
            colors: Mapping[str, str], measure: str, lo: pd.Timestamp,
            hi: pd.Timestamp, lang: str = "en") -> None:
    xs, ys, texts, marker_colors, meanings = [], [], [], [], []
    top = float(df[measure].max())
    for row in alerts.itertuples(index=False):
        start = pd.Timestamp(row.started_at)
        stop = pd.Timestamp(row.ended_at) + pd.Timedelta(days=1)
        if stop <= lo or start >= hi:
            continue
        color = color_of(row.brand, colors)
        fig.add_vrect(x0=max(start, lo), x1=min(stop, hi), fillcolor=color,
                      opacity=SPIKE_OPACITY, line_width=0, layer="below")
        ratio = (f"{row.ratio:.1f}" if lang == "en" else f"{row.ratio:.1f}".replace(".", ",")
                 ) if pd.notna(row.ratio) else ""
        what = (gettext("volume ×{ratio}", lang).format(ratio=ratio) if row.kind == "volume"
                else gettext("negative share ×{ratio}", lang).format(ratio=ratio) if ratio
                else gettext("negative share up", lang))
        source = getattr(row, "source", None)
        texts.append((gettext("Spike · {brand} on {source}: {what} since {day}", lang)
                      if source else gettext("Spike · {brand}: {what} since {day}", lang))
                     .format(brand=row.brand, source=plain(source), what=what,
                             day=day_text(start, lang)))
        xs.append(max(start, lo))
        ys.append(top)
        marker_colors.append(color)
        meanings.append(meaning(brand=row.brand, source=getattr(row, "source", None),
                                start=start, end=pd.Timestamp(row.ended_at)))
    if xs:
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="markers", name=gettext("Spikes", lang), text=texts,
            customdata=meanings,
            marker={"symbol": "triangle-down", "size": 16, "color": marker_colors,
                    "line": {"width": 1, "color": "#31333f"}},
            hovertemplate="%{text}<extra></extra>"))


def _changes(fig: go.Figure, changes: pd.DataFrame, colors: Mapping[str, str],
             lo: pd.Timestamp, hi: pd.Timestamp, lang: str = "en") -> None:
    rows = changes[(pd.to_datetime(changes["published_at"]) >= lo)
                   & (pd.to_datetime(changes["published_at"]) < hi)]
    if rows.empty:
        return
    first_brand = [str(b).split(", ")[0] if b else "" for b in rows["brand"]]
    moments = pd.to_datetime(rows["published_at"])
    # A change stands for the web page's mentions that day (of its first brand, if any).
    sources = rows["source"] if "source" in rows else [None] * len(rows)
    meanings = [meaning(brand=b or None, kind="web", source=source, start=moment, end=moment)
                for b, source, moment in zip(first_brand, sources, moments, strict=True)]
    fig.add_trace(go.Scatter(
        x=moments, y=[0] * len(rows), mode="markers",
        name=gettext("Page changes", lang), text=[plain(t) for t in rows["title"]],
        customdata=with_meanings([plain(b) or gettext("no brand", lang) for b in rows["brand"]],
                                 meanings),
        marker={"symbol": "diamond", "size": 14, "line": {"width": 1, "color": "#31333f"},
                "color": [color_of(b, colors) if b else "#808495" for b in first_brand]},
        hovertemplate=gettext("Page change", lang)
                      + " · %{customdata[0]}: %{text}<extra></extra>"))


# The comparison legend's swatches: the periods, not a brand.
LEGEND_GREY = "#5f6368"


def comparison_chart(df: pd.DataFrame, colors: Mapping[str, str], now_label: str = "This period",
                     before_label: str = "Previous period", title: str | None = None,
                     height: int = HEIGHT, now_days: tuple[date, date] | None = None,
                     before_days: tuple[date, date] | None = None,
                     lang: str = "en") -> go.Figure:
    """Mentions per brand in two periods, side by side: the earlier pale, the current solid.

    ``df`` has the columns of :func:`store.trends.compare_periods`. The change is written
    above the current bar so the chart reads without hovering. Each bar's customdata is its
    meaning (see :mod:`charts.drill`): its brand, and its period's first and last days when
    ``now_days`` and ``before_days`` give them. Its texts are in ``lang`` (the labels and
    ``title`` come translated).
    """
    if df.empty or (df["mentions"].sum() == 0 and df["mentions_before"].sum() == 0):
        return empty_figure(gettext("No mentions in either period", lang), title, height)
    brands = list(df["brand"])
    bar_colors = [color_of(b, colors) for b in brands]
    changes = [gettext("new", lang) if pd.isna(c)
               else f"{c:+.0%}" if lang == "en" else signed_percent(c, lang).replace("−", "-")
               for c in df["change"]]
    mentions = gettext("mentions", lang)
    before, now = ([meaning(brand=b, start=days[0], end=days[1]) if days else meaning(brand=b)
                    for b in brands] for days in (before_days, now_days))
    fig = go.Figure()
    fig.add_trace(go.Bar(x=brands, y=df["mentions_before"], name=before_label,
                         marker={"color": bar_colors, "opacity": 0.35}, customdata=before,
                         hovertemplate=f"%{{x}}: %{{y:,}} {mentions}<extra>{before_label}</extra>"))
    fig.add_trace(go.Bar(x=brands, y=df["mentions"], name=now_label,
                         marker={"color": bar_colors}, text=changes, textposition="outside",
                         customdata=now,
                         cliponaxis=False,
                         hovertemplate=f"%{{x}}: %{{y:,}} {mentions} (%{{text}})<extra>{now_label}"
                                       "</extra>"))
    # Each bar has its brand's colour, so the legend would show the first brand's red twice:
    # it gets two neutral swatches of its own, pale and solid, that draw nothing on the chart.
    for trace in fig.data:
        trace.showlegend = False
    for label, opacity in ((before_label, 0.35), (now_label, 1.0)):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=label,
                                 marker={"symbol": "square", "size": 14, "color": LEGEND_GREY,
                                         "opacity": opacity}, hoverinfo="skip"))
    fig.update_layout(barmode="group", bargap=0.25, bargroupgap=0.05)
    fig.update_yaxes(rangemode="tozero", tickformat=",d", fixedrange=True)
    fig.update_xaxes(fixedrange=True)
    return localized(styled(fig, title or gettext("Mentions: this period vs the previous one",
                                                  lang), height), lang)
