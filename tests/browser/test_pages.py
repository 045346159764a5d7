"""Every page in a browser: it renders, the period filter changes it, its link reproduces it."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
WAIT_MS = 90_000
# How long the page must stay the same before it counts as settled: a rerun that has not yet
# shown its status widget would otherwise pass for the finished view.
QUIET_S = 2.0
SAMPLES = 4
# Pages that do not follow the global filters on purpose (source health is about the collectors,
# not about a period); on them only the header that names the period may change.
UNFILTERED = {"Sources"}


def app_pages() -> list[tuple[str, str, str]]:
    """(file stem, title, address path) of every view in the registry app.py reads, in menu order.

    The default page lives at the app's root, whatever its url_path.
    """
    from views.registry import VIEWS

    return [(Path(v.page).stem, v.title, "" if v.default else v.url_path) for v in VIEWS]


PAGES = app_pages()

# Rendered and idle: no run in progress, nothing greyed out as stale, the page's body present,
# and every chart drawn (its data set and its SVG made), not just declared.
READY = """() => {
    if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
    if (document.querySelector('[data-stale="true"]')) return false;
    const main = document.querySelector('[data-testid="stMain"]');
    if (!main || !main.querySelector('[data-testid="stHeading"]')) return false;
    return Array.from(main.querySelectorAll('[data-testid="stPlotlyChart"]')).every(c => {
        const plot = c.querySelector('.js-plotly-plot');
        return plot && plot.data && plot.querySelector('.main-svg');
    });
}"""
# What a viewer compares between two screens: the tiles' values, each chart's data (hashed,
# word clouds are images) and each table's size, plus the header line that names the period.
SIGNATURE = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const hash = s => { let h = 0; for (let i = 0; i < s.length; i++)
                            h = (h * 31 + s.charCodeAt(i)) | 0; return h; };
    const all = sel => Array.from(main.querySelectorAll(sel));
    return {
        metrics: all('[data-testid="stMetricValue"]').map(e => e.innerText),
        charts: all('[data-testid="stPlotlyChart"] .js-plotly-plot')
            .map(p => hash(JSON.stringify(p.data))),
        tables: all('[data-testid="stDataFrame"] [role="grid"]')
            .map(g => g.getAttribute('aria-rowcount')),
        header: (main.querySelector('[data-testid="stMarkdown"]') || {}).innerText || '',
    };
}"""
# Remember what the page shows (header aside), then wait for it to show something else.
REMEMBER = f"""() => {{
    const s = ({SIGNATURE})(); delete s.header; window.__shown = JSON.stringify(s);
}}"""
SHOWS = f"""(want) => JSON.stringify(({SIGNATURE})()) === want"""
CHANGED = f"""() => {{
    const s = ({SIGNATURE})(); delete s.header; return JSON.stringify(s) !== window.__shown;
}}"""


def settle(page) -> dict:
    """Wait until the page is rendered and stays the same for QUIET_S; return its signature.

    Sampled several times: a page that reruns itself (the Mentions page does, to take its own
    filters from the link) is idle for an instant between its two runs.
    """
    deadline = time.monotonic() + WAIT_MS / 1000
    last, same = None, 0
    while time.monotonic() < deadline:
        page.wait_for_function(READY, timeout=WAIT_MS)
        now = page.evaluate(SIGNATURE)
        same = same + 1 if now == last else 0
        if same >= SAMPLES:
            return now
        last = now
        time.sleep(QUIET_S / SAMPLES)
    raise AssertionError(f"{page.url} never settled")


def content(signature: dict) -> dict:
    """The signature without the header line: what the page itself shows."""
    return {k: v for k, v in signature.items() if k != "header"}


def shoot(page, path: Path) -> None:
    """Screenshot the whole page: Streamlit scrolls inside its main block, not the document,
    so the window is made as tall as that block first (then put back)."""
    size = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')"
                           ".scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    settle(page)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)


def open_from_home(page, app_url: str, title: str, url_path: str) -> dict:
    """Open the app at its root, then click the page's entry in the top navigation."""
    page.goto(app_url)
    settle(page)
    page.locator('[data-testid="stHeader"]').get_by_role("link", name=title, exact=True).click()
    page.wait_for_url(re.compile(rf"//[^/]+/{re.escape(url_path)}(\?|$)"), timeout=WAIT_MS)
    return settle(page)


@pytest.mark.parametrize(("stem", "title", "url_path"), PAGES, ids=[p[0] for p in PAGES])
def test_page_renders_follows_the_period_and_its_link_reproduces_it(
        browser, context, app_url, artifacts, stem, title, url_path):
    shots = artifacts / "pages"
    shots.mkdir(exist_ok=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    first = open_from_home(page, app_url, title, url_path)
    main = page.locator('[data-testid="stMain"]')
    assert page.locator('[data-testid="stException"]').count() == 0, main.inner_text()[:2000]
    assert "Page not found" not in page.locator("body").inner_text()
    # Something to look at: a chart, a table or tiles, not only the header.
    assert first["charts"] or first["tables"] or first["metrics"], first
    assert "period=30d" in page.url
    shoot(page, shots / f"{stem}.png")

    page.evaluate(REMEMBER)
    page.locator('[data-testid="stSidebar"]').get_by_role("radio", name="7 days").click()
    page.wait_for_url(re.compile(r"period=7d"), timeout=WAIT_MS)
    assert urlsplit(page.url).path.strip("/") == url_path, page.url
    if title in UNFILTERED:
        week = settle(page)
        assert week["header"] != first["header"]
    else:
        page.wait_for_function(CHANGED, timeout=WAIT_MS)
        week = settle(page)
        assert content(week) != content(first), week
    assert page.locator('[data-testid="stException"]').count() == 0
    shoot(page, shots / f"{stem}-7d.png")
    link = page.url
    shown = page.evaluate(f"() => JSON.stringify(({SIGNATURE})())")
    assert parse_qs(urlsplit(link).query)["period"] == ["7d"]

    # Someone opens the copied link in another browser: no session shared with this one.
    other = browser.new_context(viewport=page.viewport_size)
    try:
        copy = other.new_page()
        copy.goto(link)
        try:
            copy.wait_for_function(SHOWS, arg=shown, timeout=WAIT_MS)
        except Exception:  # noqa: BLE001 - the comparison below says what differs
            pass
        copied = settle(copy)
        assert copy.locator('[data-testid="stException"]').count() == 0
        assert urlsplit(copy.url).path.strip("/") == url_path, copy.url
        assert copied == week
        assert copy.locator('[data-testid="stSidebar"]').get_by_role(
            "radio", name="7 days").get_attribute("aria-checked") == "true"
        shoot(copy, shots / f"{stem}-copied-link.png")
    finally:
        other.close()
    assert not errors, errors
