"""Chart functions: one trace per brand in the brand's own colour, shares that add up, no crash."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from charts import brand_colors, color_of, share_of_voice_chart, volume_chart
from charts.colors import FALLBACK

BRANDS = pd.DataFrame({
    "name": ["Acme", "Globex", "Initech"],
    "query": ["acme", "globex", "initech"],
    "own": [True, False, False],
    "color": ["#1f77b4", "#d62728", "#2ca02c"],
})


def sov_frame(rows: list[tuple[date, str, int]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["period", "brand", "mentions"])
    df["share"] = df["mentions"] / df.groupby("period")["mentions"].transform("sum")
    return df


def test_brand_colors_keep_configured_colours_in_config_order():
    colors = brand_colors(BRANDS)
    assert list(colors) == ["Acme", "Globex", "Initech"]
    assert colors == {"Acme": "#1f77b4", "Globex": "#d62728", "Initech": "#2ca02c"}


def test_brand_colors_replace_a_bad_colour_and_give_unknown_brands_a_stable_one():
    colors = brand_colors([("Acme", "red; background:url(x)"), ("Globex", "#D62728")],
                          extra=["Umbrella", "Acme"])
    assert colors["Globex"] == "#D62728"
    assert colors["Acme"] in FALLBACK
    assert colors["Umbrella"] in FALLBACK
    # Stable across calls (and processes: md5, not Python's salted hash).
    assert brand_colors([], extra=["Umbrella"])["Umbrella"] == colors["Umbrella"]
    assert color_of("Umbrella", {}) == colors["Umbrella"]
    assert color_of("Acme", {"Acme": "#000000"}) == "#000000"


def test_share_of_voice_has_one_trace_per_brand_in_its_colour():
    df = sov_frame([
        (date(2026, 6, 1), "Globex", 30), (date(2026, 6, 1), "Acme", 10),
        (date(2026, 6, 8), "Acme", 20), (date(2026, 6, 8), "Initech", 20),
        (date(2026, 6, 8), "Globex", 60),
    ])
    fig = share_of_voice_chart(df, brand_colors(BRANDS))
    assert [t.name for t in fig.data] == ["Acme", "Globex", "Initech"]
    for trace in fig.data:
        assert trace.line.color == BRANDS.set_index("name").loc[trace.name, "color"]
        assert trace.fillcolor == trace.line.color
        assert trace.stackgroup == "share"


def test_share_of_voice_stacks_to_100_and_fills_silent_weeks_with_zero():
    df = sov_frame([
        (date(2026, 6, 1), "Globex", 30), (date(2026, 6, 1), "Acme", 10),
        (date(2026, 6, 8), "Acme", 20), (date(2026, 6, 8), "Initech", 20),
        (date(2026, 6, 8), "Globex", 60),
    ])
    fig = share_of_voice_chart(df, brand_colors(BRANDS))
    by_name = {t.name: t for t in fig.data}
    assert list(by_name["Acme"].y) == pytest.approx([25.0, 20.0])
    assert list(by_name["Initech"].y) == pytest.approx([0.0, 20.0])
    assert list(by_name["Initech"].customdata) == [0, 20]
    totals = [sum(t.y[i] for t in fig.data) for i in range(2)]
    assert totals == pytest.approx([100.0, 100.0])
    assert fig.layout.yaxis.range == (0, 100)


def test_share_of_voice_hover_names_the_mentions():
    df = sov_frame([(date(2026, 6, 1), "Acme", 3), (date(2026, 6, 8), "Acme", 4)])
    fig = share_of_voice_chart(df, brand_colors(BRANDS))
    trace = fig.data[0]
    assert "mentions" in trace.hovertemplate
    assert "customdata" in trace.hovertemplate
    # One hover box for the whole period, found wherever the pointer is between two periods.
    assert fig.layout.hovermode == "x unified"
    assert fig.layout.hoverdistance == -1


def test_share_of_voice_puts_unconfigured_brands_after_configured_ones():
    df = sov_frame([(date(2026, 6, 1), "Zeta", 5), (date(2026, 6, 1), "Beta", 5),
                    (date(2026, 6, 1), "Globex", 5), (date(2026, 6, 8), "Globex", 5)])
    fig = share_of_voice_chart(df, brand_colors(BRANDS))
    assert [t.name for t in fig.data] == ["Globex", "Beta", "Zeta"]
    assert fig.data[1].line.color in FALLBACK


def test_share_of_voice_single_period_is_a_stacked_bar():
    df = sov_frame([(date(2026, 6, 1), "Acme", 1), (date(2026, 6, 1), "Globex", 3)])
    fig = share_of_voice_chart(df, brand_colors(BRANDS))
    assert [t.type for t in fig.data] == ["bar", "bar"]
    assert fig.layout.barmode == "stack"
    assert [t.marker.color for t in fig.data] == ["#1f77b4", "#d62728"]
    assert [t.y[0] for t in fig.data] == pytest.approx([25.0, 75.0])


def test_share_of_voice_of_nothing_says_so():
    empty = pd.DataFrame(columns=["period", "brand", "mentions", "share"])
    fig = share_of_voice_chart(empty, brand_colors(BRANDS))
    assert len(fig.data) == 0
    assert "No mentions" in fig.layout.annotations[0].text


def test_volume_has_one_bar_per_brand_in_its_colour_largest_on_top():
    df = pd.DataFrame({"brand": ["Globex", "Acme", "Initech"], "mentions": [1200, 300, 45],
                       "sentiment": [0.1, -0.2, None]})
    fig = volume_chart(df, brand_colors(BRANDS))
    assert [t.name for t in fig.data] == ["Globex", "Acme", "Initech"]
    assert [t.marker.color for t in fig.data] == ["#d62728", "#1f77b4", "#2ca02c"]
    assert [t.x[0] for t in fig.data] == [1200, 300, 45]
    assert [t.text[0] for t in fig.data] == ["1,200", "300", "45"]
    # Plotly lists categories bottom-up: the largest brand is last, i.e. drawn on top.
    assert list(fig.layout.yaxis.categoryarray) == ["Initech", "Acme", "Globex"]
    assert all(t.orientation == "h" for t in fig.data)


def test_volume_of_nothing_says_so():
    fig = volume_chart(pd.DataFrame(columns=["brand", "mentions", "sentiment"]), {})
    assert len(fig.data) == 0
    assert "No mentions" in fig.layout.annotations[0].text


def test_figures_serialise_for_the_browser_and_reports():
    df = sov_frame([(date(2026, 6, 1), "Acme", 1), (date(2026, 6, 8), "Globex", 3)])
    for fig in (share_of_voice_chart(df, brand_colors(BRANDS)),
                volume_chart(pd.DataFrame({"brand": ["Acme"], "mentions": [1],
                                           "sentiment": [0.5]}), brand_colors(BRANDS))):
        text = fig.to_json()
        assert '"type":"' in text
