"""The Overview in a real browser: it renders, filters change it, a copied link reproduces it."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import db_rows

pytestmark = pytest.mark.browser

WAIT_MS = 60_000
SOV_DATA = """() => {
    const charts = document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot');
    return charts.length ? JSON.stringify(charts[0].data) : null;
}"""
TRACE_NAMES = """() => Array.from(
    document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot').data,
    t => t.name)"""
READY = """() => {
    const charts = document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot');
    const values = document.querySelectorAll('[data-testid="stMetricValue"]');
    return charts.length === 2 && values.length === 4
        && Array.from(charts).every(c => c.data && c.data.length > 0
                                        && c.querySelector('.main-svg'))
        && !document.querySelector('[data-testid="stStatusWidget"]')
        && !document.querySelector('[data-stale="true"]');
}"""


# Records whether Streamlit's automatic list of pages/ files is ever drawn, even for an instant
# (the first run of a fresh server goes through that discovery before app.py takes over).
WATCH_PAGE_LIST = """
window.__pageListSeen = false;
new MutationObserver(() => {
    if (document.querySelector('[data-testid="stSidebarNav"]')) window.__pageListSeen = true;
}).observe(document, {subtree: true, childList: true});
"""


def wait_ready(page) -> None:
    page.wait_for_function(READY, timeout=WAIT_MS)


def tile_values(page) -> list[str]:
    return page.locator('[data-testid="stMetricValue"]').all_inner_texts()


def sov_data(page) -> str:
    return page.evaluate(SOV_DATA)


def wait_changed(page, before: str) -> None:
    """Wait until the share-of-voice chart holds other data than ``before``, then settle."""
    page.wait_for_function(f"() => ({SOV_DATA})() !== {before!r}", timeout=WAIT_MS)
    wait_ready(page)




def test_overview_renders_tiles_and_charts(context, app_url, demo_db, artifacts):
    context.add_init_script(WATCH_PAGE_LIST)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app_url)
    wait_ready(page)

    end = db_rows(demo_db, "SELECT max(CAST(published_at AS DATE)) FROM mentions")[0][0]
    expected = db_rows(demo_db, """SELECT count(*) FROM mentions
                                   WHERE CAST(published_at AS DATE) BETWEEN ? AND ?""",
                       [end - timedelta(days=29), end])[0][0]
    mentions, share, sentiment, open_alerts = tile_values(page)
    assert int(mentions.replace(",", "")) == expected
    assert open_alerts.replace(",", "").isdigit()
    assert re.fullmatch(r"\d+\.\d %", share)
    assert re.fullmatch(r"[+-]\d+\.\d %", sentiment)
    brands = [r[0] for r in db_rows(demo_db, "SELECT name FROM brands ORDER BY position")]
    assert page.evaluate(TRACE_NAMES) == brands
    # The stacked areas are drawn, not just declared.
    assert page.locator(".js-plotly-plot .scatterlayer .trace path").count() >= len(brands)
    assert "period=30d" in page.url
    # st.navigation owns the menu: no list of pages/ files, and no error box.
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    assert page.evaluate("window.__pageListSeen") is False
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(artifacts / "overview.png"), full_page=True)

    # Hovering the share-of-voice chart names the mentions behind the shares.
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    box = chart.locator(".nsewdrag").first.bounding_box()
    # Between two periods on purpose: the nearest one is shown wherever the pointer is.
    page.mouse.move(box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.5)
    page.wait_for_selector(".hoverlayer .legend, .hoverlayer .hovertext", timeout=WAIT_MS)
    assert "mentions" in page.locator(".hoverlayer").first.text_content()
    page.screenshot(path=str(artifacts / "overview-hover.png"))
    assert not errors


def test_filters_change_the_view_and_a_copied_link_reproduces_it(browser, context, app_url,
                                                                  demo_db, artifacts):
    page = context.new_page()
    page.goto(app_url)
    wait_ready(page)
    first_tiles, first_chart = tile_values(page), sov_data(page)

    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("radio", name="7 days").click()
    page.wait_for_url(re.compile(r"period=7d"), timeout=WAIT_MS)
    wait_changed(page, first_chart)
    week_tiles, week_chart = tile_values(page), sov_data(page)
    assert week_chart != first_chart
    assert week_tiles[0] != first_tiles[0]

    brands = [r[0] for r in db_rows(demo_db, "SELECT name FROM brands ORDER BY position")]
    chosen = brands[:2]
    brand_box = sidebar.locator('[data-testid="stMultiSelect"]').first
    for name in chosen:
        brand_box.click()
        page.keyboard.type(name)
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
        page.wait_for_url(re.compile(f"brand={re.escape(name)}"), timeout=WAIT_MS)
    wait_changed(page, week_chart)
    assert page.evaluate(TRACE_NAMES) == chosen
    shown_tiles, shown_chart = tile_values(page), sov_data(page)
    link = page.url
    query = parse_qs(urlsplit(link).query)
    assert query["period"] == ["7d"] and query["brand"] == chosen
    page.screenshot(path=str(artifacts / "overview-filtered.png"), full_page=True)

    # Someone else opens the copied link: a new profile, no shared session.
    other = browser.new_context(viewport=context.pages[0].viewport_size)
    try:
        copy = other.new_page()
        copy.goto(link)
        wait_ready(copy)
        assert tile_values(copy) == shown_tiles
        assert sov_data(copy) == shown_chart
        copy_sidebar = copy.locator('[data-testid="stSidebar"]')
        assert copy_sidebar.get_by_role("radio", name="7 days").get_attribute(
            "aria-checked") == "true"
        chips = copy_sidebar.locator('[data-testid="stMultiSelect"]').first.inner_text()
        assert all(name in chips for name in chosen)
        copy.screenshot(path=str(artifacts / "overview-copied-link.png"), full_page=True)
    finally:
        other.close()


def test_a_hostile_link_runs_nothing_and_says_what_it_ignored(context, app_url, artifacts):
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{app_url}/?period=%3Cscript%3Ealert(1)%3C%2Fscript%3E"
              f"&brand=%3Cimg%20src%3Dx%20onerror%3Dalert(2)%3E"
              f"&lang=%27%3B%20DROP%20TABLE%20mentions%3B%20--")
    wait_ready(page)
    notice = page.locator('[data-testid="stSidebar"] [data-testid="stAlert"]')
    notice.wait_for(timeout=WAIT_MS)
    assert "Part of the link was ignored" in notice.inner_text()
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"period": ["30d"]}
    body = page.locator("body").inner_text()
    assert "<script" not in body and "onerror" not in body and "DROP TABLE" not in body
    assert page.locator('[data-testid="stMain"] img').count() == 0
    assert not dialogs
    page.screenshot(path=str(artifacts / "hostile-link.png"), full_page=True)
