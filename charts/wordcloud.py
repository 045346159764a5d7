"""A brand's word cloud: our cleaned term counts drawn by wordcloud, shown as a plotly image."""

from __future__ import annotations

import base64
import colorsys
import io

import pandas as pd
import plotly.graph_objects as go
from wordcloud import WordCloud

from charts.style import empty_figure, styled

WIDTH, HEIGHT = 800, 400


def _shades(color: str):
    """A wordcloud colour function: the brand's hue, darker for bigger words."""
    r, g, b = (int(color[i:i + 2], 16) / 255 for i in (1, 3, 5))
    hue, light, sat = colorsys.rgb_to_hls(r, g, b)

    def paint(word, font_size, position, orientation, random_state=None, **_):
        # Small words lighter, never so light they fade into the white background.
        lightness = min(0.62, max(0.25, light + (60 - font_size) / 300))
        rr, gg, bb = colorsys.hls_to_rgb(hue, lightness, sat)
        return f"rgb({int(rr * 255)}, {int(gg * 255)}, {int(bb * 255)})"

    return paint


def cloud_png(df: pd.DataFrame, color: str, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """PNG bytes of a word cloud of ``df`` (columns ``term`` and ``n``) in shades of ``color``.

    The terms are drawn as given (already cleaned of stopwords, accents kept): wordcloud's
    own English stopwords and its splitting are not used. Raises ValueError when ``df`` is
    empty.
    """
    if df.empty:
        raise ValueError("a word cloud needs at least one term")
    frequencies = {str(t): float(n) for t, n in zip(df["term"], df["n"], strict=True) if n > 0}
    cloud = WordCloud(width=width, height=height, background_color="white", random_state=7,
                      prefer_horizontal=0.95, max_words=len(frequencies), margin=4,
                      color_func=_shades(color), collocations=False)
    cloud.generate_from_frequencies(frequencies)
    buffer = io.BytesIO()
    cloud.to_image().save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def wordcloud_chart(df: pd.DataFrame, color: str, title: str | None = None,
                    height: int = 340) -> go.Figure:
    """A figure holding the word cloud of ``df`` (``term``, ``n``), or a note when empty.

    The terms are also listed in the figure's hover-free metadata (``layout.meta``), so
    tests and exports can read which words are drawn.
    """
    if df.empty:
        return empty_figure("No key terms for this brand in this period.", title, height)
    png = cloud_png(df, color)
    source = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    fig = go.Figure(go.Image(source=source, hoverinfo="skip"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    styled(fig, title, height)
    fig.update_layout(meta={"terms": [str(t) for t in df["term"]]},
                      margin={"l": 0, "r": 0, "t": 50 if title else 0, "b": 0})
    return fig
