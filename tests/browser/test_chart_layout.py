"""Pages read at 1600×1000: chart titles clear of legends, level labels, one week one label,
and the Mentions list shown whole."""

from __future__ import annotations

import pytest

from tests.browser.test_pages import settle

pytestmark = pytest.mark.browser

# Per chart: its title's and its legend's boxes, its x tick labels, and its bar texts' angles.
CHARTS = """() => Array.from(document.querySelectorAll(
        '[data-testid="stMain"] [data-testid="stPlotlyChart"] .js-plotly-plot')).map(p => {
    const box = sel => { const e = p.querySelector(sel);
                         if (!e) return null; const r = e.getBoundingClientRect();
                         return [r.left, r.top, r.right, r.bottom]; };
    return {
        title: (p.querySelector('.gtitle') || {}).textContent || '',
        titleBox: box('.gtitle'), legendBox: box('.legend .bg') || box('.legend'),
        ticks: Array.from(p.querySelectorAll('.xtick text')).map(t => t.textContent),
        rotated: Array.from(p.querySelectorAll('.bars text')).filter(
            t => /rotate\\((?!0)/.test(t.getAttribute('transform') || '')).map(t => t.textContent),
    };
})"""


@pytest.fixture
def wall(browser):
    """A page of a fresh browser profile at the wall screen's 1600×1000."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    try:
        yield context.new_page()
    finally:
        context.close()


def overlap(a, b) -> bool:
    return bool(a and b) and a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_share_of_voice_charts_read_cleanly(wall, app_url):
    wall.goto(f"{app_url}/voice?period=30d")
    settle(wall)
    charts = wall.evaluate(CHARTS)
    assert len(charts) >= 5, charts
    for chart in charts:
        assert not overlap(chart["titleBox"], chart["legendBox"]), chart["title"]
        assert chart["rotated"] == [], chart["title"]
    # The share and the volume per week, side by side, name the same weeks the same way.
    share, volume = charts[0], charts[1]
    assert "per week" in share["title"] and "per week" in volume["title"]
    assert share["ticks"] and share["ticks"] == volume["ticks"]


# The Mentions table: its rows, whether its grid scrolls inside, and its dates' cells.
MENTIONS_TABLE = """() => {
    const d = document.querySelector('[data-testid="stMain"] [data-testid="stDataFrame"]');
    const s = d.querySelector('.dvn-scroller');
    return {rows: Number(d.querySelector('[role="grid"]').getAttribute('aria-rowcount')) - 1,
            hidden: s.scrollHeight - s.clientHeight};
}"""


def test_mentions_shows_its_whole_page_of_25(wall, app_url):
    wall.goto(f"{app_url}/items?period=30d")
    settle(wall)
    table = wall.evaluate(MENTIONS_TABLE)
    # Every row of the page is drawn without scrolling inside the table (it showed 6).
    assert table["rows"] == 25 and table["hidden"] <= 2, table
