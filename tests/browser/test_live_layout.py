"""Live mode on a wall screen (1600×1000): the menu stays, nothing is cut, charts grow."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_pages import WAIT_MS, settle

pytestmark = pytest.mark.browser

WALL = {"width": 1600, "height": 1000}
# Each tile's label, change and its words: cut ones are wider inside than they are shown.
CUT_LABELS = """() => Array.from(document.querySelectorAll(
        '[data-testid="stMetric"] p, [data-testid="stMetricDeltaDescription"]'))
    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"""
# The title's top against the header's bottom (the header is drawn over the page).
TITLE_BELOW_HEADER = """() => document.querySelector('[data-testid="stMain"] h1')
    .getBoundingClientRect().top >= document.querySelector('[data-testid="stHeader"]')
    .getBoundingClientRect().bottom"""
CHART_FONT = """() => document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot')
    ._fullLayout.font.size"""


def test_live_mode_keeps_the_menu_shows_the_title_and_draws_larger(browser, app_url, artifacts):
    context = browser.new_context(viewport=WALL)
    try:
        page = context.new_page()
        page.goto(app_url)
        settle(page)
        usual_font = page.evaluate(CHART_FONT)

        page.goto(f"{app_url}/?live=1")
        settle(page)
        page.screenshot(path=str(artifacts / "live-overview.png"))
        assert page.evaluate(TITLE_BELOW_HEADER), "the page title is under the header"
        assert page.evaluate(CUT_LABELS) == []
        assert page.evaluate(CHART_FONT) > usual_font
        # The wall screen changes page from the menu, and stays live.
        page.locator('[data-testid="stHeader"]').get_by_role(
            "link", name="Share of voice", exact=True).click()
        page.wait_for_url(re.compile(r"/voice\?.*live=1"), timeout=WAIT_MS)
        settle(page)
        assert page.evaluate(TITLE_BELOW_HEADER)
        assert page.evaluate(CUT_LABELS) == []
    finally:
        context.close()
