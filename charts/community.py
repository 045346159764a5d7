"""Community charts: new and returning authors over time, and the kinds of authors per source."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.drill import meaning, with_meanings
from charts.style import HEIGHT, _, date_axis, empty_figure, localized, styled
from i18n.catalog import gettext
from i18n.formats import number

NEW_COLOR = "#2e86de"
RETURNING_COLOR = "#a5b1c2"
SEGMENT_COLORS = {"regular": "#1b4f72", "returning": "#5dade2", "one_time": "#d5d8dc"}
SEGMENT_NAMES = {"regular": _("Regulars"), "returning": _("Came back"),
                 "one_time": _("Posted once")}


def newcomers_chart(df: pd.DataFrame, grain: str = "week", title: str | None = None,
                    height: int = HEIGHT, lang: str = "en") -> go.Figure:
    """Stacked bars per period: authors posting for the first time, and those seen before.

    ``df`` has the columns of :func:`store.community.newcomers` (``period``, ``source``,
    ``active``, ``newcomers``); sources are added up, so a bar stands for its period (and
    its source, when only one source had authors then). Its texts are in ``lang``.
    """
    title = title or gettext("New and returning authors per {grain}", lang).format(
        grain=gettext(grain, lang))
    if df.empty:
        return empty_figure(gettext("No authors in this period", lang), title, height)
    per = df.groupby("period")[["active", "newcomers"]].sum().sort_index()
    x = pd.to_datetime(per.index)
    # A period whose authors all posted on one source stands for that source too.
    sources = df.groupby("period")["source"].unique()
    meanings = [meaning(source=sources[p][0] if len(sources[p]) == 1 else None)
                for p in per.index]
    first, before = gettext("First post", lang), gettext("Seen before", lang)
    fig = go.Figure()
    fig.add_trace(go.Bar(x=x, y=per["newcomers"].to_numpy(), name=first,
                         marker_color=NEW_COLOR, customdata=meanings,
                         hovertemplate=first + ": %{y:,}<extra></extra>"))
    fig.add_trace(go.Bar(x=x, y=(per["active"] - per["newcomers"]).to_numpy(),
                         name=before, marker_color=RETURNING_COLOR, customdata=meanings,
                         hovertemplate=before + ": %{y:,}<extra></extra>"))
    fig.update_layout(barmode="stack", bargap=0.25, hovermode="x unified")
    fig.update_xaxes(fixedrange=True)
    date_axis(fig, grain, lang, x)
    fig.update_yaxes(rangemode="tozero", tickformat=",d", fixedrange=True)
    styled(fig, title, height)
    fig.update_layout(legend={"traceorder": "normal"})
    return fig


def segments_chart(df: pd.DataFrame, title: str | None = "Who posts, per source",
                   height: int = 360, lang: str = "en") -> go.Figure:
    """One 100 % bar per source: regulars, authors who came back, and one-time posters.

    ``df`` has the columns of :func:`store.community.segments`; the share of one-time
    posters is written on its part of the bar. Each part's customdata is its number of authors
    and its meaning (its source, see :mod:`charts.drill`). Its texts are in ``lang``
    (``title`` comes translated).
    """
    if df.empty:
        return empty_figure(gettext("No authors in this period", lang), title, height)
    rows = df.sort_values("authors")
    labels = [f"{s} ({_count(n, lang)})"
              for s, n in zip(rows["source"], rows["authors"], strict=True)]
    total = rows["authors"].where(rows["authors"] > 0)
    meanings = [meaning(source=source) for source in rows["source"]]
    authors = gettext("authors", lang)
    fig = go.Figure()
    for column in ("regular", "returning", "one_time"):
        share = (rows[column] / total * 100).fillna(0.0).to_numpy()
        segment = gettext(SEGMENT_NAMES[column], lang)
        fig.add_trace(go.Bar(
            x=share, y=labels, orientation="h", name=segment,
            marker_color=SEGMENT_COLORS[column],
            customdata=with_meanings([int(n) for n in rows[column]], meanings),
            text=[f"{v:.0f} %" if v >= 8 else "" for v in share], textposition="inside",
            hovertemplate=f"{segment}: %{{x:.1f}} % (%{{customdata[0]:,}} "
                          f"{authors})<extra></extra>"))
    fig.update_layout(barmode="stack", bargap=0.35, uniformtext={"minsize": 11, "mode": "hide"})
    fig.update_xaxes(range=[0, 100], ticksuffix=" %", fixedrange=True)
    fig.update_yaxes(fixedrange=True, ticklabelstandoff=8)
    styled(fig, title, height)
    localized(fig, lang)
    fig.update_layout(legend={"traceorder": "normal"})
    return fig


def _count(n: object, lang: str) -> str:
    return f"{int(n):,}" if lang == "en" else number(int(n), lang)
