"""A link shared before anyone opened the app: a fresh server shows the linked view at once."""

from __future__ import annotations

import re

import pytest

from tests.appserver import serving

pytestmark = pytest.mark.browser

WAIT_MS = 60_000
# True once the Mentions view has drawn its list under the brand the link names.
LISTED = """() => !!document.querySelector('[data-testid="stDataFrame"]')
    && !document.querySelector('[data-testid="stStatusWidget"]')"""
# Records whether Streamlit's "Page not found" notice is ever drawn, even for an instant.
WATCH_NOT_FOUND = """
window.__notFound = false;
new MutationObserver(() => {
    if (/Page not found/.test(document.body ? document.body.innerText : ''))
        window.__notFound = true;
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


def test_the_first_visit_of_a_fresh_server_can_be_a_deep_link(browser, chromium_path, demo_db,
                                                              tmp_path, artifacts):
    # Its own server: the session's shared one has already been visited by other tests.
    with serving(demo_db, tmp_path / "server.log") as url:
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        try:
            page = context.new_page()
            page.add_init_script(WATCH_NOT_FOUND)
            page.goto(f"{url}/items?period=7d&brand=Orbis")
            page.wait_for_function(LISTED, timeout=WAIT_MS)
            page.get_by_text(re.compile(r"^Items 1–\d+ of ")).first.wait_for(timeout=WAIT_MS)
            page.screenshot(path=artifacts / "fresh_server_deep_link.png", full_page=True)
            assert page.url.startswith(f"{url}/items?")
            assert "Orbis" in page.locator('[data-testid="stSidebar"]').inner_text()
            assert not page.evaluate("window.__notFound"), "Streamlit said 'Page not found'"
        finally:
            context.close()


def test_every_report_link_reopens_its_view_without_page_not_found(context, app_url):
    from reports.pdf import Provenance
    from views.registry import VIEWS

    prov = Provenance(watch="", url_query="period=30d", base_url=app_url, brand_queries=(),
                      fingerprint="", fingerprint_basis="", generated=None)
    for spec in VIEWS:
        page = context.new_page()
        page.add_init_script(WATCH_NOT_FOUND)
        page.goto(prov.url(spec.key))
        page.wait_for_function(LISTED.replace("stDataFrame", "stHeading"), timeout=WAIT_MS)
        assert not page.evaluate("window.__notFound"), f"{spec.key}: 'Page not found'"
        page.close()
