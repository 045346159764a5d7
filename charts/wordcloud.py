"""A brand's word cloud: our cleaned term counts drawn by wordcloud, shown as a plotly image."""

from __future__ import annotations

import base64
import colorsys
import io

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from PIL import Image, ImageDraw, ImageFont
from wordcloud import WordCloud

from charts.drill import meaning
from charts.style import empty_figure, localized, plain, styled
from i18n.catalog import gettext

# On screen a cloud sits in a third of a wall screen, about 600 pixels wide: drawing it bigger
# only costs time (the layout grows with the canvas). Reports print it larger.
WIDTH, HEIGHT = 640, 320
PRINT_SIZE = (1000, 500)
# Image pixels: the words answer clicks by squares of this side, merged into bars.
CELL = 5
# The layout is searched on a canvas this many times smaller, then drawn at full size: half
# the time of a full-size search (0.05 s instead of 0.10 s for 60 words), the words packed
# as tightly to the eye.
LAYOUT_SCALE = 2


def _shades(color: str):
    """A wordcloud colour function: the brand's hue, darker for bigger words."""
    r, g, b = (int(color[i:i + 2], 16) / 255 for i in (1, 3, 5))
    hue, light, sat = colorsys.rgb_to_hls(r, g, b)

    def paint(word, font_size, position, orientation, random_state=None, **_):
        # Small words lighter, never so light they fade into the white background (sizes
        # as drawn, not as laid out).
        lightness = min(0.62, max(0.25, light + (60 - font_size * LAYOUT_SCALE) / 300))
        rr, gg, bb = colorsys.hls_to_rgb(hue, lightness, sat)
        return f"rgb({int(rr * 255)}, {int(gg * 255)}, {int(bb * 255)})"

    return paint


def _cloud(df: pd.DataFrame, color: str, width: int, height: int) -> WordCloud:
    if df.empty:
        raise ValueError("a word cloud needs at least one term")
    frequencies = {str(t): float(n) for t, n in zip(df["term"], df["n"], strict=True) if n > 0}
    cloud = WordCloud(width=width // LAYOUT_SCALE, height=height // LAYOUT_SCALE,
                      scale=LAYOUT_SCALE, background_color="white", random_state=7,
                      prefer_horizontal=0.95, max_words=len(frequencies),
                      margin=4 // LAYOUT_SCALE, color_func=_shades(color), collocations=False,
                      # Smaller words can be neither read on a wall screen nor clicked: a
                      # cloud is shown a third of a screen wide, about 0.55 of its pixels,
                      # so 14 pixels show as 8. Words left out are in the key terms table.
                      min_font_size=max(14, height // 22) // LAYOUT_SCALE)
    return cloud.generate_from_frequencies(frequencies)


def _png(cloud: WordCloud) -> bytes:
    buffer = io.BytesIO()
    # optimize=True saves 2 % of the bytes for 5x the encoding time.
    cloud.to_image().save(buffer, format="PNG")
    return buffer.getvalue()


def cloud_png(df: pd.DataFrame, color: str, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """PNG bytes of a word cloud of ``df`` (columns ``term`` and ``n``) in shades of ``color``.

    The terms are drawn as given (already cleaned of stopwords, accents kept): wordcloud's
    own English stopwords and its splitting are not used. Raises ValueError when ``df`` is
    empty.
    """
    return _png(_cloud(df, color, width, height))


def _drawn_size(cloud: WordCloud) -> tuple[int, int]:
    """The image's (width, height) in pixels, as ``WordCloud.to_image`` draws it."""
    return int(cloud.width * cloud.scale), int(cloud.height * cloud.scale)


def _owners(cloud: WordCloud) -> np.ndarray:
    """Which word each pixel of the image belongs to: its index in ``cloud.layout_``, or -1.

    Ink belongs to the word that drew it. A blank pixel belongs to the smallest text box
    around it: wordcloud tucks small words into the blank parts of big words' boxes (above
    short letters, beside a descender), and a gap between two letters is its own word's.
    """
    width, height = _drawn_size(cloud)
    ink = np.full((height, width), -1, dtype=np.int16)
    boxes = np.full((height, width), -1, dtype=np.int16)
    draw = ImageDraw.Draw(Image.new("L", (1, 1)))
    placed = []
    for index, ((word, _), size, (y, x), orientation, _) in enumerate(cloud.layout_):
        # Where and how big to_image draws the word (the layout is on a smaller canvas).
        size, x, y = (int(v * cloud.scale) for v in (size, x, y))
        font = ImageFont.TransposedFont(ImageFont.truetype(cloud.font_path, size),
                                        orientation=orientation)
        left, top, right, bottom = (int(v) for v in draw.textbbox((x, y), word, font=font))
        left, top = max(0, left), max(0, top)
        right, bottom = min(width, right), min(height, bottom)
        if right <= left or bottom <= top:
            continue
        mask = Image.new("L", (right - left, bottom - top))
        ImageDraw.Draw(mask).text((x - left, y - top), word, fill=255, font=font)
        ink[top:bottom, left:right][np.asarray(mask) > 0] = index
        placed.append(((right - left) * (bottom - top), index, (left, top, right, bottom)))
    for _, index, (left, top, right, bottom) in sorted(placed, reverse=True):
        boxes[top:bottom, left:right] = index  # the smaller boxes, painted last, win
    return np.where(ink >= 0, ink, boxes)


def _cells(owners: np.ndarray) -> list[tuple[int, int, int, int, int]]:
    """The image cut into :data:`CELL`-pixel squares, each given to the word owning most of it,
    merged into rectangles: (word index, left, top, right, bottom) in image pixels."""
    height, width = owners.shape
    rows, columns = -(-height // CELL), -(-width // CELL)
    # Every square's pixels counted by owner at once (owner + 1, so that 0 is nobody's): the
    # owner of a square is its most frequent word, the first one on a tie, -1 for none.
    square = (np.arange(height)[:, None] // CELL) * columns + np.arange(width)[None, :] // CELL
    owners_n = max(int(owners.max()), 0) + 2
    counts = np.bincount((square * owners_n + owners + 1).ravel(),
                         minlength=rows * columns * owners_n).reshape(rows * columns, owners_n)
    best = counts[:, 1:].argmax(axis=1)
    grid = np.where(counts[:, 1:].max(axis=1) > 0, best, -1).reshape(rows, columns).tolist()
    rectangles: list[list[int]] = []
    open_runs: dict[tuple[int, int, int], list[int]] = {}
    for top, labels in zip(range(0, height, CELL), grid, strict=True):
        runs, start = {}, 0
        for i in range(1, len(labels) + 1):
            if i == len(labels) or labels[i] != labels[start]:
                if labels[start] >= 0:
                    key = (labels[start], start * CELL, min(width, i * CELL))
                    # The same word over the same columns as the row above: grow that one down.
                    grown = open_runs.get(key)
                    if grown is not None and grown[4] == top:
                        grown[4] = min(height, top + CELL)
                    else:
                        grown = [key[0], key[1], top, key[2], min(height, top + CELL)]
                        rectangles.append(grown)
                    runs[key] = grown
                start = i
        open_runs = runs
    return [(a, b, c, d, e) for a, b, c, d, e in rectangles]


def word_areas(cloud: WordCloud) -> list[tuple[str, list[tuple[int, int, int, int]]]]:
    """Each word of a generated ``cloud`` with the rectangles that answer for it, (left, top,
    right, bottom) in image pixels: its ink and the blanks around it, never another word's."""
    areas: list[tuple[str, list[tuple[int, int, int, int]]]] = [
        (word, []) for (word, _), *_ in cloud.layout_]
    for index, left, top, right, bottom in _cells(_owners(cloud)):
        areas[index][1].append((left, top, right, bottom))
    return areas


def _hit_areas(cloud: WordCloud, counts: dict[str, float], color: str,
               brand: str | None, lang: str = "en") -> go.Bar:
    """Invisible bars over the words: plotly reports a click on them, never on an image."""
    boxes = [(word, box) for word, spans in word_areas(cloud) for box in spans]
    shown = [[plain(word), int(counts.get(word, 0)),
              meaning(brand=brand, term=word)] for word, _ in boxes]
    return go.Bar(
        orientation="h", base=[box[0] for _, box in boxes],
        x=[box[2] - box[0] for _, box in boxes], y=[(box[1] + box[3]) / 2 for _, box in boxes],
        width=[box[3] - box[1] for _, box in boxes], customdata=shown,
        marker={"color": "rgba(0, 0, 0, 0)", "line": {"width": 0}}, showlegend=False,
        hoverlabel={"bgcolor": color},
        hovertemplate="%{customdata[0]}: %{customdata[1]:,} " + gettext("mentions", lang)
                      + "<extra></extra>")


def wordcloud_chart(df: pd.DataFrame, color: str, title: str | None = None,
                    height: int = 340, brand: str | None = None,
                    size: tuple[int, int] = (WIDTH, HEIGHT), lang: str = "en") -> go.Figure:
    """A figure holding the word cloud of ``df`` (``term``, ``n``), or a note when empty.

    The terms are also listed in the figure's hover-free metadata (``layout.meta``), so
    tests and exports can read which words are drawn. Invisible bars lie over the words: the
    hover names a word and its mentions, and each bar's customdata ends with its meaning (the
    word, and ``brand``; see :mod:`charts.drill`). ``size`` is the image's in pixels
    (:data:`PRINT_SIZE` for a report). Its texts are in ``lang``.
    """
    if df.empty:
        return empty_figure(gettext("No key terms for this brand in this period.", lang),
                            title, height)
    cloud = _cloud(df, color, *size)
    width, tall = _drawn_size(cloud)
    source = "data:image/png;base64," + base64.b64encode(_png(cloud)).decode("ascii")
    counts = {str(t): float(n) for t, n in zip(df["term"], df["n"], strict=True)}
    fig = go.Figure(go.Image(source=source, hoverinfo="skip"))
    fig.add_trace(_hit_areas(cloud, counts, color, brand, lang))
    localized(fig, lang)
    # The bars would otherwise turn the image's axes back upright and unlock its aspect ratio:
    # pin them where the image alone puts them.
    fig.update_xaxes(visible=False, range=[-0.5, width - 0.5], fixedrange=True)
    fig.update_yaxes(visible=False, range=[tall - 0.5, -0.5], fixedrange=True,
                     scaleanchor="x")
    styled(fig, title, height)
    # The words drawn: a word that finds no room on the canvas is left out by the layout.
    fig.update_layout(meta={"terms": [str(word) for (word, _), *_ in cloud.layout_]},
                      margin={"l": 0, "r": 0, "t": 50 if title else 0, "b": 0})
    return fig
