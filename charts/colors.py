"""The one brand-colour map of the app: a brand keeps its colour in every chart and report."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping

import pandas as pd

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
# For brands found in the data but no longer configured: muted tones that stay apart from the
# configured palette, picked by a stable hash so a name gets the same one every time.
FALLBACK = ["#7f7f7f", "#a0522d", "#4b6584", "#8e7cc3", "#6aa84f", "#b45f06", "#3d85c6",
            "#a64d79"]


def brand_colors(brands: pd.DataFrame | Iterable[tuple[str, str]],
                 extra: Iterable[str] = ()) -> dict[str, str]:
    """Map every brand name to the colour it is drawn in, in configuration order.

    ``brands`` is the table :func:`store.queries.brands` returns (columns ``name`` and
    ``color``) or pairs of ``(name, color)``. A colour that is not ``#rrggbb`` is replaced by a
    fallback. ``extra`` names brands seen in the data but not configured (a brand removed from
    watch.toml keeps its history); each gets a colour chosen from :data:`FALLBACK` by the md5 of
    its name, so it is the same in every chart, page and session.
    """
    if isinstance(brands, pd.DataFrame):
        pairs = zip(brands["name"], brands["color"], strict=True) if len(brands) else []
    else:
        pairs = brands
    out: dict[str, str] = {}
    for name, color in pairs:
        name = str(name)
        out[name] = color if isinstance(color, str) and _HEX.match(color) else _fallback(name)
    for name in extra:
        out.setdefault(str(name), _fallback(str(name)))
    return out


def color_of(brand: str, colors: Mapping[str, str]) -> str:
    """The colour of ``brand`` in ``colors``, or its stable fallback when it is not there."""
    return colors.get(brand) or _fallback(brand)


def _fallback(name: str) -> str:
    digest = hashlib.md5(name.encode("utf-8"), usedforsecurity=False).digest()
    return FALLBACK[digest[0] % len(FALLBACK)]
