"""Drill-down in a real browser: a click on a bar or a word lists the mentions behind it."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

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
# The Mentions list drawn and idle (its brand chart is left out when one brand is chosen).
LIST_READY = """() => document.querySelector('[data-testid="stDataFrame"]')
    && !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-stale="true"]')"""
# The chart titled ``title``, drawn and idle: a click on it now reaches the page's next run.
CHART_READY = """(title) => {
    const plot = [...document.querySelectorAll('.js-plotly-plot')].find(
        p => p.layout && p.layout.title && p.layout.title.text === title);
    return plot && plot.data && plot.querySelector('.barlayer .trace .point')
        && !document.querySelector('[data-testid="stStatusWidget"]')
        && !document.querySelector('[data-stale="true"]');
}"""
# The screen centre of the bar of chart ``title`` whose customdata ends with a meaning holding
# ``wanted`` (charts/drill.py); the largest one when several do. Scrolls the chart into view.
BAR_AT = """([title, wanted]) => {
    const plot = [...document.querySelectorAll('.js-plotly-plot')].find(
        p => p.layout && p.layout.title && p.layout.title.text === title);
    plot.scrollIntoView({block: 'center'});
    const bars = plot.data.filter(t => t.type === 'bar');
    let best = null;
    bars.forEach((trace, curve) => (trace.customdata || []).forEach((data, index) => {
        const said = data[data.length - 1];
        if (!Object.entries(wanted).every(([k, v]) => said[k] === v)) return;
        const box = plot.querySelectorAll('.barlayer .trace')[curve]
            .querySelectorAll('.point')[index].getBoundingClientRect();
        if (!best || box.width * box.height > best.width * best.height) best = box;
    }));
    return best && [best.left + best.width / 2, best.top + best.height / 2];
}"""
ITEMS = re.compile(r"^Items 1–\d+ of ([\d,]+) ")




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


def open_view(context, app_url: str, path: str, title: str, errors: list[str]):
    """A fresh page on the view at ``path``, once the chart titled ``title`` can be clicked."""
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app_url)  # a fresh server's first view goes through Streamlit's own discovery
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=WAIT_MS)
    page.goto(f"{app_url}/{path}")
    page.wait_for_function(CHART_READY, arg=title, timeout=WAIT_MS)
    return page


def click_bar(page, title: str, wanted: dict[str, str]) -> None:
    """Click the bar of chart ``title`` that stands for ``wanted``, and wait for Mentions."""
    where = page.evaluate(BAR_AT, [title, wanted])
    assert where, f"no bar of {title!r} stands for {wanted}"
    page.mouse.move(*where)
    page.mouse.click(*where)
    page.wait_for_function("() => location.pathname.endsWith('/items')", timeout=WAIT_MS)
    page.wait_for_function(LIST_READY, timeout=WAIT_MS)


def listed(page) -> int:
    """How many items the Mentions view says it lists."""
    caption = page.get_by_text(ITEMS).first
    caption.wait_for(timeout=WAIT_MS)
    return int(ITEMS.match(caption.inner_text()).group(1).replace(",", ""))


def last_30_days(demo_db):
    end = db_rows(demo_db, "SELECT max(CAST(published_at AS DATE)) FROM mentions")[0][0]
    return end - timedelta(days=29), end


def test_clicking_a_source_kind_bar_lists_that_kinds_mentions(context, app_url, demo_db,
                                                              artifacts):
    errors: list[str] = []
    page = open_view(context, app_url, "voice", "By source kind", errors)
    page.screenshot(path=artifacts / "share_of_voice_before_drill.png", full_page=True)

    click_bar(page, "By source kind", {"brand": BRAND, "kind": "forum"})
    params = parse_qs(urlsplit(page.url).query)
    assert (params["brand"], params["kind"], params["period"]) == ([BRAND], ["forum"], ["30d"])
    start, end = last_30_days(demo_db)
    expected = db_rows(demo_db, """
        SELECT count(DISTINCT item_id) FROM mentions
        WHERE brand = ? AND kind = 'forum' AND CAST(published_at AS DATE) BETWEEN ? AND ?""",
                       [BRAND, start, end])[0][0]
    other_kinds = db_rows(demo_db, """
        SELECT count(DISTINCT item_id) FROM mentions
        WHERE brand = ? AND CAST(published_at AS DATE) BETWEEN ? AND ?""",
                          [BRAND, start, end])[0][0]
    # Only that brand's forum items over the same 30 days, not all of its items.
    assert listed(page) == expected < other_kinds
    page.screenshot(path=artifacts / "mentions_after_kind_drill.png", full_page=True)
    # The sidebar's kind filter says so too (by the kind's display name), so the rest of the
    # app follows.
    assert "Forums" in page.locator('[data-testid="stSidebar"]').inner_text()
    assert not errors, errors


def test_clicking_a_word_of_a_cloud_searches_the_brands_mentions_for_it(context, app_url,
                                                                        demo_db, artifacts):
    errors: list[str] = []
    page = open_view(context, app_url, "themes", BRAND, errors)
    word = page.evaluate("""(brand) => [...document.querySelectorAll('.js-plotly-plot')]
        .find(p => p.layout && p.layout.title && p.layout.title.text === brand)
        .layout.meta.terms[0]""", BRAND)
    page.screenshot(path=artifacts / "topics_before_drill.png", full_page=True)

    click_bar(page, BRAND, {"brand": BRAND, "term": word})
    params = parse_qs(urlsplit(page.url).query)
    assert (params["brand"], params["q"]) == ([BRAND], [word])
    start, end = last_30_days(demo_db)
    expected = db_rows(demo_db, """
        SELECT count(*) FROM items i SEMI JOIN (
            SELECT item_id FROM mentions
            WHERE brand = ? AND CAST(published_at AS DATE) BETWEEN ? AND ?) m USING (item_id)
        WHERE contains(strip_accents(lower(coalesce(i.title, '') || ' ' || i.text)),
                       strip_accents(lower(?)))""", [BRAND, start, end, word])[0][0]
    assert 0 < listed(page) == expected
    # The search box holds the word, so the list can be refined from there.
    assert page.get_by_label("Search the text").input_value() == word
    page.screenshot(path=artifacts / "mentions_after_word_drill.png", full_page=True)
    assert not errors, errors
