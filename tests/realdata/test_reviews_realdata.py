"""The appstore and googleplay sources over real store answers (../shared/realdata/reviews):
Apple's customer-reviews feeds and Google Play's review RPC bodies served at the stores' own
paths through the real CLI, each review once with its star rating; faults classified."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from collectors.appstore import entries, review_item
from collectors.googleplay import review_item as play_item
from collectors.googleplay import reviews_page
from tests.conftest import collect, db_rows, local_watch
from tests.localserver import LocalServer, Request

pytestmark = pytest.mark.realdata

FEED = re.compile(r"^/(\w\w)/rss/customerreviews/page=(\d+)/id=(\d+)/sortby=mostrecent/json$")


class Stores:
    """Apple's feed pages and Google Play's batchexecute, from the recordings; a page nobody
    recorded is answered as Apple answers an app without reviews (a feed with no entry)."""

    def __init__(self, folder: Path):
        self.apple, self.play = folder / "appstore_rss_json", folder / "googleplay_batchexecute"
        self.fail: tuple[int, str] | None = None

    def route(self, request: Request):
        if request.path == "/robots.txt":
            return 404, {}, ""
        if self.fail:
            return self.fail[0], {"Content-Type": "application/json"}, self.fail[1]
        match = FEED.match(request.path)
        if match:
            country, page, app = match.groups()
            path = self.apple / f"{app}_{country}_{page}.json"
            if not path.exists():
                path = self.apple / "100000000_gb_1.json"
            content_type = "application/json" if path.read_text()[:1] == "{" else "text/plain"
            return 200, {"Content-Type": content_type}, path.read_text(encoding="utf-8")
        if request.method == "POST" and request.path == "/_/PlayStoreUi/data/batchexecute":
            return 200, {"Content-Type": "application/json; charset=utf-8"}, \
                (self.play / "review_relevant.html").read_text(encoding="utf-8")
        return 404, {"Content-Type": "text/plain"}, "not recorded"


@pytest.fixture
def stores(realdata):
    recorded = Stores(realdata / "reviews")
    with LocalServer(fallback=recorded.route) as server:
        recorded.server = server
        yield recorded


def watch(tmp_path, stores) -> Path:
    base = stores.server.url("").rstrip("/")
    local_watch(tmp_path, f"""
[[sources]]
name = "ios"
kind = "appstore"
apps = ["497799835", "1510826067", "100000000"]
countries = ["fr", "gb"]
api_url = "{base}"

[[sources]]
name = "android"
kind = "googleplay"
apps = ["com.twitter.android"]
countries = ["us"]
lang = "en"
max_pages = 1
api_url = "{base}"
""")
    return tmp_path / "watch.toml"


def test_recorded_reviews_of_both_stores_through_the_cli(stores, tmp_path):
    config, db = watch(tmp_path, stores), tmp_path / "veille.duckdb"
    collect(config, db)
    rows = db_rows(db, "SELECT kind, text, author, published_at, url, lang, rating FROM items "
                       "ORDER BY kind")
    collect(config, db)
    again = db_rows(db, "SELECT count(*) FROM items")[0][0]
    pages = [r.path for r in stores.server.requests if "customerreviews" in r.path]
    by_kind = {k: [r for r in rows if r[0] == k] for k in ("appstore", "googleplay")}
    print(f"reviews: {len(by_kind['appstore'])} App Store, {len(by_kind['googleplay'])} "
          "Google Play")
    # Xcode's 50 French reviews and the small app's 4 British ones; the unknown app has none.
    assert len(by_kind["appstore"]) == 54 and len(by_kind["googleplay"]) == 40
    assert again == len(rows)
    assert all(text and author and published and url and lang
               for _, text, author, published, url, lang, _ in rows)
    assert {r[5] for r in by_kind["appstore"][:50]} >= {"fr"}
    # Every review keeps its star rating, in both stores.
    assert {r[6] for r in by_kind["appstore"]} == {r[6] for r in by_kind["googleplay"]} \
        == {1, 2, 3, 4, 5}
    # Page two of Xcode's French feed was asked (none recorded: it answers no entry), never
    # past Apple's tenth page.
    assert "/fr/rss/customerreviews/page=2/id=497799835/sortby=mostrecent/json" in pages
    assert not any("page=11" in p for p in pages)
    assert db_rows(db, "SELECT count(*) FROM sources WHERE last_error_kind IS NOT NULL") \
        == [(0,)]


def test_every_recorded_review_is_read(realdata):
    apple = realdata / "reviews" / "appstore_rss_json"
    items = []
    for path in apple.glob("*.json"):
        text = path.read_text(encoding="utf-8")
        if not text.startswith("{"):
            continue  # page 11: Apple's sentence saying the depth is limited
        items += [review_item(e, "x", "us") for e in entries(json.loads(text))]
    assert len(items) == 50 + 4 + 50 + 50 and all(items)
    assert all(1 <= i.extra["rating"] <= 5 and i.text and i.author for i in items)
    assert sum(i.published_at is not None for i in items) == 50  # only 2022's carry a date
    play = realdata / "reviews" / "googleplay_batchexecute"
    reviews, token = reviews_page((play / "review_history.html").read_text(encoding="utf-8"))
    history = [play_item(r, "com.twitter.android", "us") for r in reviews]
    # A review's edit history: two versions, one review id.
    assert len(history) == 2 and len({i.id for i in history}) == 1 and token is None


@pytest.mark.parametrize("answer, kind", [
    ((503, '{"error": "unavailable"}'), "http_error"),
    ((429, "slow down"), "rate_limited"),
    ((200, '{"feed": '), "parse_error"),
])
def test_faults_are_classified_on_both_sources(stores, tmp_path, answer, kind):
    stores.fail = answer
    config, db = watch(tmp_path, stores), tmp_path / "veille.duckdb"
    proc = collect(config, db, check=False)
    assert proc.returncode != 0
    assert db_rows(db, "SELECT name, last_error_kind FROM sources ORDER BY name") == [
        ("android", kind), ("ios", kind)]
