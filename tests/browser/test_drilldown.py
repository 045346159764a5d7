"""Drill-down in a real browser: clicking a brand's bar lists only that brand's mentions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.conftest import db_rows

pytestmark = pytest.mark.browser

WAIT_MS = 60_000
BRAND = "Orbis"
# The index of the brand's trace in the Mentions page's bar chart (one trace per brand).
TRACE_INDEX = """(brand) => {
    const plot = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
    return plot && plot.data ? plot.data.findIndex(t => t.name === brand) : -1;
}"""
READY = """() => {
    const plot = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
    return plot && plot.data && plot.data.length > 1 && plot.querySelector('g.trace.bars path')
        && document.querySelector('[data-testid="stDataFrame"]')
        && !document.querySelector('[data-testid="stStatusWidget"]')
        && !document.querySelector('[data-stale="true"]');
}"""




def test_clicking_a_bar_lists_that_brands_mentions(context, app_url, demo_db, artifacts):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # A fresh server's first page view goes through Streamlit's own page discovery, which does
    # not know the app's addresses: open the app first, then the Mentions address.
    page.goto(app_url)
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=WAIT_MS)
    page.goto(f"{app_url}/items")
    page.wait_for_function(READY, timeout=WAIT_MS)
    page.screenshot(path=artifacts / "mentions_before_drill.png", full_page=True)

    index = page.evaluate(TRACE_INDEX, BRAND)
    assert index >= 0
    bar = page.locator('[data-testid="stPlotlyChart"] g.trace.bars').nth(index).locator("path")
    bar.first.click(force=True)
    # Streamlit rewrites the address without reloading the page.
    page.wait_for_function("(brand) => new URLSearchParams(location.search).get('brand') "
                           "=== brand && location.pathname.endsWith('/items')", arg=BRAND,
                           timeout=WAIT_MS)
    # The period on screen (the default 30 days) is kept as it was.
    assert "period=30d" in page.url
    end = db_rows(demo_db, "SELECT max(CAST(published_at AS DATE)) FROM mentions")[0][0]
    expected = db_rows(demo_db, """
        SELECT count(DISTINCT item_id) FROM mentions
        WHERE brand = ? AND CAST(published_at AS DATE) BETWEEN ? AND ?""",
                       [BRAND, end - timedelta(days=29), end])[0][0]
    # The list now counts only that brand's items over the same 30 days.
    page.get_by_text(re.compile(rf"^Items 1–\d+ of {expected:,} ")).first.wait_for(
        timeout=WAIT_MS)
    page.screenshot(path=artifacts / "mentions_after_drill.png", full_page=True)
    # The sidebar's brand filter says so too, so the rest of the app follows.
    assert BRAND in page.locator('[data-testid="stSidebar"]').inner_text()
    assert not errors, errors
