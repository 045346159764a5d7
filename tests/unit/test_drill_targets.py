"""Drill-down: what a click on each chart's point opens, read from the real figures."""

from __future__ import annotations

import json
from datetime import date, datetime

import pandas as pd
import pytest

from charts import breakdown, share_of_voice_chart, volume_chart
from charts import community as community_charts
from charts.drill import meaning, meaning_of
from charts.terms import topic_share_chart
from charts.trends import comparison_chart, trend_chart
from charts.wordcloud import word_areas, wordcloud_chart
from store.filters import Filters
from store.mentions import MAX_SEARCH_CHARS
from tests.conftest import unpack_plotly
from ui import drilldown
from views.filters import Options

COLORS = {"Acme": "#1f77b4", "Bolt": "#d62728"}
KNOWN = Options(first_day=date(2026, 1, 1), last_day=date(2026, 6, 30), brands=("Acme", "Bolt"),
                kinds=("forum", "reddit", "web"), sources=("acme-site", "forum-a", "reddit"),
                langs=("en", "fr"))
JUNE = Filters(start=date(2026, 6, 1), end=date(2026, 6, 30))
WEEKS = [date(2026, 6, 1), date(2026, 6, 8), date(2026, 6, 15)]


def click(fig, curve: int, index: int) -> dict:
    """The point Streamlit reports for a click on point ``index`` of trace ``curve``.

    Built from the figure as the browser receives it (its JSON): the keys of plotly's
    selection event as Streamlit passes them on (curve_number, point_number, point_index, x,
    y, customdata; label and value for bars).
    """
    trace = unpack_plotly(json.loads(fig.to_json()))["data"][curve]
    point = {"curve_number": curve, "point_number": index, "point_index": index,
             "x": trace["x"][index], "y": trace["y"][index]}
    if trace.get("customdata") is not None:
        point["customdata"] = trace["customdata"][index]
    if trace["type"] == "bar":
        horizontal = trace.get("orientation") == "h"
        point["label"] = point["y"] if horizontal else point["x"]
        point["value"] = point["x"] if horizontal else point["y"]
    return point


def opened(fig, curve: int, index: int, grain: str | None = None, current: Filters = JUNE,
           period: str | None = None) -> dict[str, list[str]]:
    """The Mentions link a click on that point opens (empty when it opens nothing)."""
    target = drilldown.target_in_figure(click(fig, curve, index), fig, grain, KNOWN)
    return drilldown.params_for(target, current, period) if target else {}


def curve_of(fig, name: str) -> int:
    return next(i for i, trace in enumerate(fig.data) if trace.name == name)


# --- Share of voice --------------------------------------------------------------------------


def over_time() -> pd.DataFrame:
    return pd.DataFrame({"period": WEEKS * 2, "brand": ["Acme"] * 3 + ["Bolt"] * 3,
                         "mentions": [10, 12, 8, 30, 20, 25]})


def test_a_line_point_opens_its_brand_over_its_week():
    fig = breakdown.volume_over_time_chart(over_time(), COLORS, "week")
    assert opened(fig, curve_of(fig, "Bolt"), 1, "week") == {
        "period": ["custom"], "from": ["2026-06-08"], "to": ["2026-06-14"], "brand": ["Bolt"]}
    ranks = over_time().rename(columns={"mentions": "count"}).assign(rank=[2, 2, 2, 1, 1, 1])
    fig = breakdown.rank_chart(ranks, COLORS, own="Acme", grain="week")
    assert opened(fig, curve_of(fig, "Acme"), 2, "week") == {
        "period": ["custom"], "from": ["2026-06-15"], "to": ["2026-06-21"], "brand": ["Acme"]}


def test_the_stacked_share_chart_opens_the_whole_period_whatever_band_was_hit():
    # One hover box per week: plotly reports one brand's point wherever the click landed.
    fig = breakdown.share_over_time_chart(over_time(), COLORS, "week")
    for curve in range(len(fig.data)):
        assert opened(fig, curve, 0, "week", Filters(brands=("Acme", "Bolt"))) == {
            "period": ["custom"], "from": ["2026-06-01"], "to": ["2026-06-07"],
            "brand": ["Acme", "Bolt"]}
    # Its points are there to be clicked, though nobody sees them.
    assert all("markers" in trace.mode and trace.marker.opacity == 0 for trace in fig.data)
    # The Overview's volume bars still name their brand.
    volume = volume_chart(pd.DataFrame({"brand": ["Acme", "Bolt"], "mentions": [3, 9],
                                        "sentiment": [0.1, -0.2]}), COLORS)
    assert opened(volume, curve_of(volume, "Acme"), 0, period="30d") == {
        "period": ["30d"], "brand": ["Acme"]}


def share_by(values: list[str]) -> pd.DataFrame:
    rows = [(v, b, n) for v in values for b, n in (("Acme", 3), ("Bolt", 1))]
    df = pd.DataFrame(rows, columns=["value", "brand", "count"])
    return df.assign(share=df["count"] / df.groupby("value")["count"].transform("sum"))


@pytest.mark.parametrize(("dimension", "values", "param", "chosen"), [
    ("kind", ["reddit", "forum"], "kind", "forum"),
    ("lang", ["en", "fr"], "lang", "fr"),
    ("sentiment", ["positive", "negative"], "sentiment", "negative"),
])
def test_a_breakdown_bar_opens_its_brand_and_its_value(dimension, values, param, chosen):
    labels = {"forum": "Forums", "reddit": "Reddit", "en": "English", "fr": "French"}
    fig = breakdown.share_by_chart(share_by(values), COLORS, "By", labels=labels,
                                   values=values if dimension == "sentiment" else None,
                                   dimension=dimension)
    trace = fig.data[curve_of(fig, "Bolt")]
    index = next(i for i, cd in enumerate(trace.customdata) if meaning_of(cd)[dimension] == chosen)
    link = opened(fig, curve_of(fig, "Bolt"), index, period="30d")
    assert link == {"period": ["30d"], "brand": ["Bolt"], param: [chosen]}
    # The hover still reads the count from the customdata.
    assert "%{customdata[0]:,}" in trace.hovertemplate


def test_a_value_the_watch_does_not_know_is_left_out_of_the_link():
    df = share_by(["tiktok"]).assign(brand=["Acme", "<b>Nope</b>"])
    fig = breakdown.share_by_chart(df, COLORS, "By source kind", dimension="kind")
    # An unknown kind names nothing: the bar still stands for its (known) brand.
    assert opened(fig, curve_of(fig, "Acme"), 0, period="7d") == {"period": ["7d"],
                                                                  "brand": ["Acme"]}
    # An unknown brand and an unknown kind: nothing to open.
    assert opened(fig, curve_of(fig, "<b>Nope</b>"), 0) == {}


# --- Trends ----------------------------------------------------------------------------------


def daily() -> pd.DataFrame:
    days = pd.date_range("2026-06-01", periods=5, freq="D")
    return pd.DataFrame({"period": list(days) * 2, "brand": ["Acme"] * 5 + ["Bolt"] * 5,
                         "mentions": [1, 2, 3, 2, 1, 5, 4, 9, 4, 3],
                         "net_sentiment": [0.1] * 10, "negative_share": [0.2] * 10})


def test_the_timeline_opens_a_brands_day_a_spike_and_a_page_change():
    spikes = pd.DataFrame({"brand": ["Bolt"], "kind": ["volume"], "source": ["reddit"],
                           "started_at": [datetime(2026, 6, 3)], "ended_at": [datetime(2026, 6, 4)],
                           "ratio": [3.0]})
    changes = pd.DataFrame({"published_at": [datetime(2026, 6, 2, 14, 30)],
                            "brand": ["Acme, Bolt"], "source": ["acme-site"],
                            "title": ["Change on <b>Prices</b>: +2 / −1 lines"]})
    fig = trend_chart(daily(), COLORS, "day", alerts=spikes, changes=changes)
    assert opened(fig, curve_of(fig, "Bolt"), 2, "day") == {
        "period": ["custom"], "from": ["2026-06-03"], "to": ["2026-06-03"], "brand": ["Bolt"]}
    assert opened(fig, curve_of(fig, "Spikes"), 0, "day") == {
        "period": ["custom"], "from": ["2026-06-03"], "to": ["2026-06-04"], "brand": ["Bolt"],
        "source": ["reddit"]}
    assert opened(fig, curve_of(fig, "Page changes"), 0, "day") == {
        "period": ["custom"], "from": ["2026-06-02"], "to": ["2026-06-02"], "brand": ["Acme"],
        "kind": ["web"], "source": ["acme-site"]}
    # Hourly points open their day.
    hourly = daily().assign(period=pd.date_range("2026-06-01 09:00", periods=5, freq="h").tolist()
                            * 2)
    fig = trend_chart(hourly, COLORS, "hour", measure="net_sentiment")
    assert opened(fig, curve_of(fig, "Acme"), 4, "hour")["from"] == ["2026-06-01"]


def test_the_timeline_lines_take_clicks_without_moving_the_axis():
    fig = trend_chart(daily(), COLORS, "day")
    lines = [fig.data[curve_of(fig, b)] for b in COLORS]
    assert all(t.mode == "lines+markers" and t.marker.opacity == 0 for t in lines)
    # Markers would pad the time axis; it stays on the first and last day, as bare lines left it.
    assert fig.layout.xaxis.autorangeoptions.clipmin.startswith("2026-06-01")
    assert fig.layout.xaxis.autorangeoptions.clipmax.startswith("2026-06-05")
    assert fig.layout.hovermode == "closest"


def test_a_comparison_bar_opens_its_brand_over_its_own_period():
    df = pd.DataFrame({"brand": ["Acme", "Bolt"], "mentions": [10, 4],
                       "mentions_before": [5, 8], "change": [1.0, -0.5]})
    fig = comparison_chart(df, COLORS, now_days=(date(2026, 6, 1), date(2026, 6, 30)),
                           before_days=(date(2026, 5, 2), date(2026, 5, 31)))
    assert opened(fig, 0, 1) == {"period": ["custom"], "from": ["2026-05-02"],
                                 "to": ["2026-05-31"], "brand": ["Bolt"]}
    assert opened(fig, 1, 0) == {"period": ["custom"], "from": ["2026-06-01"],
                                 "to": ["2026-06-30"], "brand": ["Acme"]}


# --- Topics ----------------------------------------------------------------------------------


def test_a_word_of_a_cloud_opens_the_brands_mentions_holding_it():
    words = pd.DataFrame({"term": ["réseau", "panne", "lent", "facture", "appli"],
                          "n": [40, 25, 10, 6, 3]})
    fig = wordcloud_chart(words, "#d62728", title="Bolt", brand="Bolt")
    hits = fig.data[1]
    for index, cd in enumerate(hits.customdata):
        link = opened(fig, 1, index, period="30d")
        assert link == {"period": ["30d"], "brand": ["Bolt"], "q": [meaning_of(cd)["term"]]}
    # Every word drawn answers somewhere, and the hover names it with its count.
    assert {meaning_of(cd)["term"] for cd in hits.customdata} == set(words["term"])
    assert "mentions" in hits.hovertemplate
    # The image keeps its own axes: upside down as images are, at their aspect ratio.
    assert fig.layout.yaxis.range[0] > fig.layout.yaxis.range[1]
    assert fig.layout.yaxis.scaleanchor == "x"


def test_the_words_answer_in_areas_that_never_overlap():
    words = pd.DataFrame({"term": [f"mot{i}" for i in range(40)] + ["gigantesque"],
                          "n": [2 + i % 7 for i in range(40)] + [400]})
    fig = wordcloud_chart(words, "#1f77b4")
    from charts.wordcloud import HEIGHT, WIDTH, _cloud  # the cloud the figure draws (seeded)

    areas = [(w, box) for w, boxes in word_areas(_cloud(words, "#1f77b4", WIDTH, HEIGHT))
             for box in boxes]
    for i, (word, a) in enumerate(areas):
        for other, b in areas[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (word,
                                                                                       other)
    assert len(fig.data[1].x) == len(areas)


@pytest.mark.parametrize("size", [(640, 320), (1000, 500)], ids=["screen", "print"])
def test_the_click_areas_lie_over_the_ink_the_image_shows(size):
    # The layout is searched on a smaller canvas and drawn larger: the areas must follow the
    # drawing, or clicks would land beside the words.
    import base64
    import io

    import numpy as np
    from PIL import Image

    words = pd.DataFrame({"term": [f"mot{i}" for i in range(30)] + ["réseau", "panne"],
                          "n": [2 + i % 5 for i in range(30)] + [300, 120]})
    fig = wordcloud_chart(words, "#1f77b4", size=size)
    png = base64.b64decode(fig.data[0].source.split(",", 1)[1])
    image = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    assert image.shape == (size[1], size[0])
    covered = np.zeros(image.shape, dtype=bool)
    hits = fig.data[1]
    for left, width, middle, tall in zip(hits.base, hits.x, hits.y, hits.width, strict=True):
        top = int(round(middle - tall / 2))
        covered[top:top + int(tall), int(left):int(left + width)] = True
    ink = image < 250
    assert ink.sum() > 0.02 * image.size
    assert (ink & covered).sum() / ink.sum() > 0.97


def test_a_theme_bar_opens_the_brand_with_the_themes_first_word():
    shares = pd.DataFrame({"topic_id": [0, 0, 1, 1], "label": ["prix · forfait · cher"] * 2
                           + ["réseau · panne · 5g"] * 2, "brand": ["Acme", "Bolt"] * 2,
                           "weight": [1.0, 2.0, 3.0, 1.0], "share": [0.25, 0.67, 0.75, 0.33]})
    fig = topic_share_chart(shares, COLORS, terms={"prix · forfait · cher": "prix",
                                                   "réseau · panne · 5g": "réseau"})
    assert opened(fig, curve_of(fig, "Bolt"), 1, period="90d") == {
        "period": ["90d"], "brand": ["Bolt"], "q": ["réseau"]}
    # Without the words (the PDF report), a bar still names its brand.
    plain = topic_share_chart(shares, COLORS)
    assert opened(plain, curve_of(plain, "Acme"), 0, period="90d") == {"period": ["90d"],
                                                                     "brand": ["Acme"]}


# --- Community -------------------------------------------------------------------------------


def test_community_bars_open_their_period_and_source():
    arrivals = pd.DataFrame({"period": [WEEKS[0], WEEKS[1], WEEKS[1]],
                             "source": ["forum-a", "forum-a", "reddit"],
                             "active": [5, 6, 4], "newcomers": [2, 1, 3]})
    fig = community_charts.newcomers_chart(arrivals, "week")
    # Authors of one source that week: its mentions there; of several: the whole week.
    assert opened(fig, 1, 0, "week") == {"period": ["custom"], "from": ["2026-06-01"],
                                         "to": ["2026-06-07"], "source": ["forum-a"]}
    assert opened(fig, 0, 1, "week") == {"period": ["custom"], "from": ["2026-06-08"],
                                         "to": ["2026-06-14"]}
    segments = pd.DataFrame({"source": ["reddit", "forum-a"], "authors": [10, 4],
                             "regular": [2, 1], "returning": [3, 1], "one_time": [5, 2]})
    fig = community_charts.segments_chart(segments)
    trace = fig.data[0]
    index = next(i for i, cd in enumerate(trace.customdata) if meaning_of(cd)["source"] == "reddit")
    assert opened(fig, 0, index, period="30d") == {"period": ["30d"], "source": ["reddit"]}
    assert trace.customdata[index][0] == 2  # the hover's count of regulars


# --- What a link may hold --------------------------------------------------------------------


def test_a_hostile_point_puts_nothing_unknown_in_the_link():
    point = {"curve_number": 0, "x": "2026-06-03", "y": 4,
             "customdata": [1, {"brand": "'; DROP TABLE mentions; --", "kind": "<script>",
                                "source": ["reddit"], "lang": "xx", "sentiment": "furious",
                                "term": "a\x00b", "start": "not a day", "end": "2026-06-31"}]}
    target = drilldown.target_of(point, [{"name": "<img src=x>"}], "day", KNOWN)
    # Only the x day remains: every other value named nothing the watch knows.
    assert target == drilldown.Target(start=date(2026, 6, 3), end=date(2026, 6, 3))
    long = {"customdata": {"brand": "Acme", "term": "  mot " * 100}}
    found = drilldown.target_of(long, [], None, KNOWN)
    assert found.brand == "Acme" and len(found.term) == MAX_SEARCH_CHARS
    assert found.term.startswith("mot mot")
    # A list of brands alone (the older call) takes no kind, source or language from a click.
    bare = drilldown.target_of({"customdata": {"kind": "forum", "brand": "Bolt"}}, [], None,
                               ["Bolt"])
    assert bare == drilldown.Target(brand="Bolt")
    assert drilldown.target_of({"customdata": {"kind": "tiktok"}}, [], None, KNOWN) is None


def test_a_meaning_says_days_as_days_and_refuses_unknown_dimensions():
    assert meaning(brand="Acme", start=pd.Timestamp("2026-06-02 14:30"), source=None) == {
        "brand": "Acme", "start": "2026-06-02"}
    with pytest.raises(ValueError):
        meaning(author="someone")
    assert meaning_of(12) == {} and meaning_of([3, 4]) == {}


def test_the_older_charts_still_open_their_brand_and_days():
    fig = share_of_voice_chart(over_time(), COLORS, "week")
    assert opened(fig, 0, 1, "week")["from"] == ["2026-06-08"]
    assert drilldown.params_for(drilldown.Target(brand="Bolt", term="panne", lang="fr",
                                                 source="forum-a"),
                                Filters(kinds=("forum",)), "7d") == {
        "period": ["7d"], "brand": ["Bolt"], "kind": ["forum"], "source": ["forum-a"],
        "lang": ["fr"], "q": ["panne"]}
