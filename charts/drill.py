"""What a chart's point stands for, carried in its customdata so a click can open its mentions.

A point's customdata is its meaning (a dict), or a list of values the hover shows followed by
its meaning. A chart whose hover covers a whole period (``hovermode="x unified"``) gets, on a
click, one trace's point at that period whatever band or line was hit: such a chart puts in
its points only what holds for the whole period.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd

# The dimensions a point can stand for; ``start`` and ``end`` are ISO days. The app checks
# every value against the watch's own brands, kinds, sources and languages before using it.
KEYS = ("brand", "kind", "source", "lang", "sentiment", "term", "start", "end")
# Markers nobody sees (not even in the legend), and that widen no axis: a point plotly can
# report on click where the chart draws only lines. Plotly finds them at 3 px of the pointer.
HIDDEN_MARKER = {"size": 0, "opacity": 0, "color": "rgba(0, 0, 0, 0)", "line": {"width": 0}}


def meaning(**values: Any) -> dict[str, str]:
    """The meaning of one point: ``values`` (keys from :data:`KEYS`) as strings, blanks left out.

    Dates and timestamps become ISO days. Raises ValueError for a key outside :data:`KEYS`.
    """
    out: dict[str, str] = {}
    for key, value in values.items():
        if key not in KEYS:
            raise ValueError(f"a point cannot stand for {key!r}")
        if value is None or value == "" or (not isinstance(value, str) and pd.isna(value)):
            continue
        out[key] = value.isoformat()[:10] if isinstance(value, date) else str(value)
    return out


def with_meanings(shown: list[Any], meanings: list[dict[str, str]]) -> list[list[Any]]:
    """Per-point customdata: the value the hover shows first (``%{customdata[0]}``), then its
    meaning last, where :func:`meaning_of` reads it."""
    return [[value, point] for value, point in zip(shown, meanings, strict=True)]


def meaning_of(customdata: Any) -> Mapping[str, Any]:
    """The meaning a point's customdata carries (a dict, or a list ending with one), or ``{}``."""
    if isinstance(customdata, Mapping):
        return customdata
    if isinstance(customdata, list | tuple) and customdata and isinstance(customdata[-1],
                                                                             Mapping):
        return customdata[-1]
    return {}
