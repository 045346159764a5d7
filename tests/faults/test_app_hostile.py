"""Hostile links: every page, run by AppTest on the demo watch, with poisoned URL parameters."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from views.registry import VIEWS

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
TIMEOUT = 60

# Every page the frame registers, by file: read from the views registry app.py builds its
# navigation from, so a new page is covered too.
PAGE_FILES = [spec.page for spec in VIEWS]

SQL = "'); DROP TABLE items; --"
SCRIPT = "<script>alert(1)</script>"
HUGE = "A" * 100_000
NUL = "Orbis\x00'; DELETE FROM mentions; --"
UNKNOWN = "Brand That Is Not Watched"
HOSTILE = [SQL, SCRIPT, NUL, UNKNOWN]

# Every parameter the app reads from a link: the global filters (ui/filters.py PARAMS), live
# mode (ui/live.py) and the Mentions page's own filters (ui/drilldown.py MENTIONS_PARAMS).
LIST_PARAMS = ("brand", "kind", "source", "lang", "sentiment", "tag")
SINGLE_PARAMS = ("period", "from", "to", "live", "every", "q", "answered", "sort", "size")

# Raw HTML that the browser would run: a <script> tag not escaped by a backslash (Streamlit's
# markdown shows escaped tags as text) in any element that carries a body of text.
_RAW_SCRIPT = re.compile(r"(?<!\\)<\s*script", re.IGNORECASE)


def every_param(value: str) -> dict[str, list[str] | str]:
    """A link where every parameter the app reads holds ``value`` (lists hold all of HOSTILE)."""
    params: dict[str, list[str] | str] = {key: value for key in SINGLE_PARAMS}
    params.update({key: [value, *HOSTILE] for key in LIST_PARAMS})
    return params


def param_list(at: AppTest, key: str) -> list[str]:
    """A URL parameter's values as a list (AppTest keeps one value as a plain string)."""
    value = at.query_params.get(key)
    return [] if value is None else [value] if isinstance(value, str) else list(value)


LINKS = {
    "sql": every_param(SQL),
    "script": every_param(SCRIPT),
    # Streamlit drops a whole query string past 512 KB, so the 100 KB values go where they
    # are read as text (search, tag, dates) or matched against the watch (brand, period).
    "huge": {"period": HUGE, "from": HUGE, "brand": [HUGE, "Orbis"], "q": HUGE,
             "tag": [HUGE]},
    "nul": every_param(NUL),
    # Well-formed but wrong: dates reversed and far outside the data, brands nobody watches.
    "reversed": {"period": "custom", "from": "2031-01-01", "to": "1969-12-31",
                 "brand": [UNKNOWN, "Orbis'--"], "size": "-1", "every": "0"},
    "reversed_inside": {"from": "2026-06-20", "to": "2026-05-01", "brand": ["Orbis", UNKNOWN]},
}


def counts(db: Path) -> dict[str, int]:
    """Rows per table, and the table list itself, as a fingerprint of the database."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables ORDER BY table_name").fetchall()]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def counts_of(db: Path, needle: str) -> int:
    """Items whose title or text holds ``needle`` as a plain substring."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM items WHERE instr(coalesce(title, '') || ' ' || "
                           "coalesce(text, ''), ?) > 0", [needle]).fetchone()[0]
    finally:
        con.close()


def open_page(monkeypatch, db: Path, page: str, params: dict) -> AppTest:
    monkeypatch.setenv("VEILLE_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run(timeout=TIMEOUT)
    if page != PAGE_FILES[0]:
        at.switch_page(page).run(timeout=TIMEOUT)
    return at


def bodies(at: AppTest) -> list[tuple[str, str, bool]]:
    """(element type, text, rendered as HTML?) for every element that shows a body of text."""
    out = []
    for node in at._tree:
        proto = getattr(node, "proto", None)
        body = getattr(proto, "body", None)
        if isinstance(body, str):
            as_html = node.type == "html" or bool(getattr(proto, "allow_html", False))
            out.append((node.type, body, as_html))
    return out


def assert_nothing_runs(at: AppTest, page: str, link: str) -> None:
    where = f"{page} with the {link!r} link"
    assert not at.exception, (where, [e.value[:500] for e in at.exception])
    assert not at.error, (where, [e.value[:500] for e in at.error])
    shown = bodies(at)
    assert shown, f"{where}: nothing was drawn"
    for kind, body, as_html in shown:
        assert not _RAW_SCRIPT.search(body), (where, kind, body[:300])
        if as_html:
            # Only our own static style may be raw HTML; never anything from the link.
            assert "alert(1)" not in body and SQL not in body, (where, kind, body[:300])
    # A notice names what was ignored, never the hostile value itself.
    for kind, body, _ in shown:
        assert HUGE[:1000] not in body, (where, kind, "echoed the 100 KB value")


@pytest.fixture(scope="module")
def fingerprint(demo_db) -> dict[str, int]:
    return counts(demo_db)


def test_the_registry_lists_every_page_file():
    assert len(PAGE_FILES) == len(list((ROOT / "pages").glob("*.py"))) >= 8


@pytest.mark.parametrize("page", PAGE_FILES)
@pytest.mark.parametrize("link", ["sql", "script", "huge", "reversed"])
def test_a_hostile_link_is_ignored_on_every_page(monkeypatch, demo_db, fingerprint, page, link):
    at = open_page(monkeypatch, demo_db, page, LINKS[link])
    assert_nothing_runs(at, page, link)
    # The frame still answers: a title, and a period it knows (the hostile one was dropped).
    assert at.title, f"{page}: no title under the {link!r} link"
    assert at.query_params.get("period") in ("7d", "30d", "90d", "quarter", "all", "custom")
    for key in ("brand", "kind", "source", "lang"):
        assert not set(param_list(at, key)) & {*HOSTILE, HUGE}, (page, link, key)
    if link != "reversed":
        # Something in the link was thrown away, and the sidebar says so.
        notices = " ".join(w.value for w in at.sidebar.warning)
        assert "Part of the link was ignored" in notices, (page, link)
    assert counts(demo_db) == fingerprint


def test_reversed_dates_inside_the_data_are_swapped_and_said(monkeypatch, demo_db, fingerprint):
    at = open_page(monkeypatch, demo_db, PAGE_FILES[0], LINKS["reversed_inside"])
    assert_nothing_runs(at, PAGE_FILES[0], "reversed_inside")
    assert at.query_params["from"] == "2026-05-01" and at.query_params["to"] == "2026-06-20"
    assert param_list(at, "brand") == ["Orbis"]
    notices = " ".join(w.value for w in at.sidebar.warning)
    assert "reverse order" in notices and "1 brand in the link is not in this watch" in notices


@pytest.mark.parametrize("search", [SQL, SCRIPT, HUGE, NUL, "%", "_", "\\", "' OR 1=1 --"])
def test_a_hostile_search_lists_nothing_or_real_matches(monkeypatch, demo_db, fingerprint,
                                                        search):
    """The Mentions search is free text by design: it must reach SQL as a value, not as SQL."""
    at = open_page(monkeypatch, demo_db, "pages/mentions.py", {"period": "all", "q": search})
    assert_nothing_runs(at, "pages/mentions.py", repr(search[:20]))
    box = next(t for t in at.text_input if t.key == "m_search")
    assert len(box.value) <= 200
    if search in ("%", "_", "\\"):
        # Wildcards are plain characters: at most the items that hold one may be listed.
        holding = counts_of(demo_db, search)
        if holding == 0:
            assert not at.dataframe
        else:
            caption = next(c.value for c in at.caption if c.value.startswith("Items "))
            listed = int(re.search(r"of ([\d,]+)", caption).group(1).replace(",", ""))
            assert listed <= holding
    else:
        # The demo text holds none of these; any row listed would mean the filter was bypassed.
        assert not at.dataframe, (search[:30], "listed rows for a search that matches nothing")
        assert any("No item matches" in i.value for i in at.info)
    assert counts(demo_db) == fingerprint
