"""The look shared by every chart: large type for a wall screen, quiet grid, legend on top."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from i18n.catalog import gettext

FONT_FAMILY = "'Source Sans Pro', 'Source Sans 3', 'DejaVu Sans', Arial, sans-serif"
FONT_SIZE = 16
TEXT_COLOR = "#31333f"
GRID_COLOR = "#e6e6e6"
HEIGHT = 480

# Every new figure copies the default template: naming ours as the default costs one copy per
# figure where setting it in styled() cost a second one, validated (10 ms, a third of styling).
pio.templates.default = "plotly_white"


def styled(fig: go.Figure, title: str | None = None, height: int = HEIGHT) -> go.Figure:
    """Apply the app's look to ``fig`` in place and return it.

    ``title`` is drawn in the figure itself so a PDF export carries it too.
    """
    # The title is pinned to the top of the figure: placed in the middle of the top margin
    # (plotly's default), it lands on a legend that wraps to a second row on a narrow chart.
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": FONT_SIZE + 4},
               "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 8}}
        if title else None,
        font={"family": FONT_FAMILY, "size": FONT_SIZE, "color": TEXT_COLOR},
        height=height,
        margin={"l": 10, "r": 10, "t": 90 if title else 40, "b": 10},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        hoverlabel={"font": {"size": FONT_SIZE}},
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom",
                "font": {"size": FONT_SIZE}, "title": None},
    )
    fig.update_xaxes(gridcolor=GRID_COLOR, zeroline=False, automargin=True)
    fig.update_yaxes(gridcolor=GRID_COLOR, zeroline=False, automargin=True)
    return fig


def _(message: str) -> str:
    """Mark ``message`` for the catalog; translated where used."""
    return message


# How a date axis writes its ticks and its hover, per time step. The hover formats are plotly's
# (d3) and msgids too: plotly writes month names in English only, so other languages write
# days as numbers there ("%d/%m/%Y") and get their tick labels from Babel (see date_axis).
TICK_FORMAT = {"day": "%d %b", "week": "%d %b", "month": "%b %Y"}
HOVER_FORMAT = {"hour": _("%a %d %b %H:00"), "day": _("%a %d %b %Y"),
                "week": _("Week of %d %b %Y"), "month": _("%B %Y")}
_BABEL_TICK = {"hour": "d MMM HH:mm", "day": "d MMM", "week": "d MMM", "month": "MMM y"}
MAX_DATE_TICKS = 10
# The time steps and what is counted, as titles name them ("Mentions per {grain}"): msgids.
WORDS = (_("hour"), _("day"), _("week"), _("month"), _("mentions"), _("stories"),
         _("Stories"))
# Plotly's decimal and thousands separators per language (English: its default).
SEPARATORS = {"fr": ",\u202f"}


def localized(fig: go.Figure, lang: str = "en") -> go.Figure:
    """Write ``fig``'s numbers (axes, hover, bar texts) the way ``lang`` does: ``12 345,5``."""
    if lang in SEPARATORS:
        fig.update_layout(separators=SEPARATORS[lang])
    return fig


def date_axis(fig: go.Figure, grain: str, lang: str = "en", x: Iterable | None = None,
              ticks: bool = True) -> go.Figure:
    """Set the time axis of ``fig`` for ``grain``: tick and hover formats in ``lang``.

    In English the ticks are plotly's (``%d %b``); in another language, the periods ``x``
    (at most :data:`MAX_DATE_TICKS` of them, evenly picked) get tick labels written by Babel
    (``6 déc.``), since plotly's month names are English. ``ticks=False`` sets the hover only.
    """
    hover = gettext(HOVER_FORMAT.get(grain, "%d %b %Y"), lang)
    if lang == "en" or x is None:
        if ticks:
            fig.update_xaxes(tickformat=TICK_FORMAT.get(grain, "%d %b"), hoverformat=hover)
            if x is not None and grain in ("week", "month"):
                # Ticks on the periods themselves: plotly's own fall on Sundays, so a chart
                # beside another labelled the same week "01 Nov" where its neighbour said
                # "02 Nov" (weeks start on Monday).
                periods = sorted(set(pd.to_datetime(pd.Series(list(x)))))
                fig.update_xaxes(
                    tickvals=periods[::max(1, math.ceil(len(periods) / MAX_DATE_TICKS))])
        else:
            fig.update_xaxes(hoverformat=hover)
        return localized(fig, lang)
    from babel.dates import format_datetime

    from i18n.formats import LOCALES

    periods = sorted(set(pd.to_datetime(pd.Series(list(x)))))
    step = max(1, math.ceil(len(periods) / MAX_DATE_TICKS))
    shown = periods[::step]
    pattern = _BABEL_TICK.get(grain, "d MMM")
    fig.update_xaxes(hoverformat=hover, tickvals=shown,
                     ticktext=[format_datetime(p.to_pydatetime(), pattern,
                                               locale=LOCALES.get(lang, lang)) for p in shown])
    return localized(fig, lang)


def day_text(value: date, lang: str = "en") -> str:
    """A day without its year in a chart's text (``06 Jun``, ``6 juin``)."""
    if lang == "en":
        return f"{value:%d %b}"
    from babel.dates import format_date

    from i18n.formats import LOCALES

    return format_date(value, "d MMM", locale=LOCALES.get(lang, lang))


def empty_figure(message: str, title: str | None = None, height: int = HEIGHT) -> go.Figure:
    """A figure with no data that says why, instead of empty axes."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper",
                       yref="paper", font={"size": FONT_SIZE + 2, "color": "#808495"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return styled(fig, title, height)


def plain(text: object) -> str:
    """Collected text made inert for plotly, whose labels read a few HTML tags and entities."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
