"""The hackernews source against a fake Algolia HN Search API on 127.0.0.1: searches per brand
term, paging, numericFilters for incremental runs, null fields, classified failures."""

from __future__ import annotations

import ipaddress
import json
import operator
import re
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest

from analysis.query import compile_query
from collectors.base import CollectorError, Context, Item
from collectors.hackernews import HackerNewsCollector
from collectors.http import Fetcher
from config import Brand, CollectSettings
from tests.conftest import TWO_BRANDS, db_rows, local_watch
from tests.localserver import LocalServer, Request

LOCAL = CollectSettings(per_host_delay=0.0, timeout=10.0,
                        allow_networks=[ipaddress.ip_network("127.0.0.0/8")])
BRANDS = [Brand(name="Acme", query='"acme cloud" OR @acme',
                compiled=compile_query('"acme cloud" OR @acme')),
          Brand(name="Globex", query="globex", compiled=compile_query("globex"))]
SEARCH = "/api/v1/search_by_date"
T0 = 1_772_000_000  # 2026-02-25 06:13:20 UTC


def iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeAlgolia:
    """Hits answered like hn.algolia.com/api/v1/search_by_date answers them."""

    def __init__(self):
        self.hits: list[dict] = []
        self.fail: dict[str, tuple[int, dict, str]] = {}  # query -> forced answer

    def story(self, object_id: int, seconds: int, title: str, *, url: str | None = None,
              text: str | None = None, author: str | None = "pg", points: int | None = 10,
              comments: int | None = 0) -> dict:
        hit = {"_highlightResult": {"title": {"value": title, "matchLevel": "full"}},
               "_tags": ["story", f"author_{author}", f"story_{object_id}"],
               "author": author, "children": [], "created_at": iso(seconds),
               "created_at_i": seconds, "num_comments": comments, "objectID": str(object_id),
               "points": points, "story_id": object_id, "story_text": text, "title": title,
               "updated_at": iso(seconds + 60), "url": url}
        self.hits.append(hit)
        return hit

    def comment(self, object_id: int, seconds: int, html: str, *, parent: int, story: int,
                story_title: str, author: str | None = "tptacek") -> dict:
        hit = {"_highlightResult": {"comment_text": {"value": html, "matchLevel": "full"}},
               "_tags": ["comment", f"author_{author}", f"story_{story}"],
               "author": author, "comment_text": html, "created_at": iso(seconds),
               "created_at_i": seconds, "objectID": str(object_id), "parent_id": parent,
               "points": None, "story_id": story, "story_title": story_title,
               "story_url": "https://acme.example/blog", "updated_at": iso(seconds + 60)}
        self.hits.append(hit)
        return hit

    def _matches(self, hit: dict, query: str) -> bool:
        words = re.findall(r"\w+", query.lower())
        hay = " ".join(str(hit.get(k) or "") for k in ("title", "story_text", "comment_text",
                                                       "url")).lower()
        return all(w in hay for w in words)

    def route(self, request: Request):
        if request.path != "/api/v1/search_by_date":
            return 404, {"Content-Type": "application/json"}, '{"message":"Not Found"}'
        arg = {k: v[0] for k, v in request.query.items()}
        query = arg.get("query", "")
        if query in self.fail:
            status, headers, body = self.fail[query]
            return status, {"Content-Type": "application/json", **headers}, body
        wanted = set(arg.get("tags", "").strip("()").split(",")) - {""}
        found = [h for h in self.hits if self._matches(h, query)
                 and (not wanted or wanted & set(h["_tags"]))]
        for op, value in re.findall(r"created_at_i(>=|>|<=|<|=)(\d+)",
                                    arg.get("numericFilters", "")):
            compare = {">=": operator.ge, ">": operator.gt, "<=": operator.le,
                       "<": operator.lt, "=": operator.eq}[op]
            found = [h for h in found if h.get("created_at_i") is not None
                     and compare(h["created_at_i"], int(value))]
        found.sort(key=lambda h: h.get("created_at_i") or 0, reverse=True)
        per_page = min(int(arg.get("hitsPerPage", 20)), 1000)
        page = int(arg.get("page", 0))
        pages = -(-len(found) // per_page)
        body = {"exhaustive": {"nbHits": True, "typo": True}, "exhaustiveNbHits": True,
                "exhaustiveTypo": True, "hits": found[page * per_page:(page + 1) * per_page],
                "hitsPerPage": per_page, "nbHits": len(found), "nbPages": pages, "page": page,
                "params": urlencode(arg), "processingTimeMS": 1, "query": query,
                "serverTimeMS": 2}
        return 200, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(body)


def build() -> FakeAlgolia:
    fake = FakeAlgolia()
    fake.story(100, T0, "Acme Cloud raises prices by 40%", url="https://acme.example/blog",
               points=321, comments=2)
    fake.comment(101, T0 + 60, "<p>We left Acme Cloud last year.<p>Globex was half the price "
                               "&amp; it&#x27;s <i>faster</i>: <a href=\"https://globex.example\">"
                               "globex.example</a>", parent=100, story=100,
                 story_title="Acme Cloud raises prices by 40%")
    fake.comment(102, T0 + 120, "Acme cloud support was great for us", parent=101, story=100,
                 story_title="Acme Cloud raises prices by 40%", author=None)
    fake.story(103, T0 + 180, "Ask HN: Globex or Acme Cloud?", text="<p>Which one for a "
               "startup?</p>", url=None, points=None, comments=None)
    # A hit with neither id nor date: skipped; one with only the ISO date: read from it.
    fake.hits.append({"_tags": ["comment"], "comment_text": "acme cloud ghost",
                      "created_at": iso(T0), "created_at_i": None, "objectID": None})
    late = fake.comment(104, T0 + 240, "acme cloud again", parent=100, story=100,
                        story_title="Acme Cloud raises prices by 40%")
    late["created_at_i"] = None
    return fake


@pytest.fixture
def algolia():
    fake = build()
    with LocalServer(fallback=fake.route) as server:
        fake.server = server
        yield fake


def source(algolia, **settings) -> HackerNewsCollector:
    return HackerNewsCollector("hn", {"query": None, "api_url": algolia.server.url("/api/v1"),
                                      "tags": "(story,comment)", "max_pages": 5, **settings})


def run(collector, state=None, brands=BRANDS) -> tuple[list[Item], list[str], dict]:
    warnings: list[str] = []
    ctx = Context(state=json.loads(json.dumps(state or {})), brands=brands, collect=LOCAL,
                  warn=warnings.append, http=Fetcher(LOCAL))
    try:
        items = list(collector.collect(ctx))
    finally:
        ctx.http.close()
    return items, warnings, json.loads(json.dumps(ctx.state))


def test_one_search_per_brand_term_and_hits_as_items(algolia):
    items, warnings, _ = run(source(algolia))
    assert warnings == []
    asked = [r.query["query"][0] for r in algolia.server.hits(SEARCH)]
    assert asked == ['"acme cloud"', "acme", "globex"]
    assert all(r.query["tags"] == ["(story,comment)"] for r in algolia.server.hits(SEARCH))
    by_id = {i.id: i for i in items}  # a hit found by two searches is the same item
    assert set(by_id) == {"hn:100", "hn:101", "hn:102", "hn:103", "hn:104"}

    story = by_id["hn:100"]
    assert story.kind == "hackernews" and story.url == "https://news.ycombinator.com/item?id=100"
    assert story.title == "Acme Cloud raises prices by 40%"
    assert story.text == "https://acme.example/blog" and story.extra["link"] == story.text
    assert (story.score, story.comments, story.author) == (321, 2, "pg")
    assert story.published_at == datetime(2026, 2, 25, 6, 13, 20, tzinfo=UTC)
    assert story.parent_id is None

    comment = by_id["hn:101"]
    assert comment.title is None and comment.parent_id == "hn:100"
    assert comment.text == ("We left Acme Cloud last year.\n\nGlobex was half the price & it's "
                            "faster: globex.example")
    assert comment.extra["story_title"] == "Acme Cloud raises prices by 40%"
    assert comment.score is None

    assert by_id["hn:102"].author is None and by_id["hn:102"].parent_id == "hn:101"
    ask = by_id["hn:103"]
    assert ask.text == "Which one for a startup?" and ask.score is None and ask.comments is None
    assert by_id["hn:104"].published_at == datetime.fromtimestamp(T0 + 240, UTC)


def test_second_run_asks_only_for_newer_hits(algolia):
    collector = source(algolia, query="acme cloud")
    first, _, state = run(collector)
    assert {i.id for i in first} == {"hn:100", "hn:101", "hn:102", "hn:103", "hn:104"}
    algolia.server.clear()
    again, warnings, state = run(collector, state)
    assert again == [] and warnings == []
    request, = algolia.server.hits(SEARCH)
    assert request.query["numericFilters"] == [f"created_at_i>={T0 + 240}"]

    # Posted in the same second as the newest seen, and later: both new, nothing repeated.
    algolia.comment(105, T0 + 240, "acme cloud same second", parent=100, story=100,
                    story_title="s")
    algolia.comment(106, T0 + 900, "acme cloud later", parent=100, story=100, story_title="s")
    third, _, state = run(collector, state)
    assert sorted(i.id for i in third) == ["hn:105", "hn:106"]
    assert state["queries"]["acme cloud"] == {"since": T0 + 900, "ids": ["106"]}


def test_pages_are_followed_up_to_max_pages(algolia):
    for n in range(250):
        algolia.comment(1000 + n, T0 + 1000 + n, f"acme cloud comment {n}", parent=100,
                        story=100, story_title="s")
    items, warnings, _ = run(source(algolia, query="acme cloud"))
    assert len(items) == 255
    assert [r.query["page"] for r in algolia.server.hits(SEARCH)] == [["0"], ["1"], ["2"]]
    assert warnings == []

    algolia.server.clear()
    items, warnings, state = run(source(algolia, query="acme cloud", max_pages=2))
    assert len(items) == 200 and len(algolia.server.hits(SEARCH)) == 2
    assert len(warnings) == 1 and "max_pages" in warnings[0]
    assert state["queries"]["acme cloud"]["since"] == T0 + 1249


def test_failures_are_classified(algolia):
    algolia.fail["globex"] = (400, {}, '{"message":"invalid query","status":400}')
    items, warnings, _ = run(source(algolia))
    assert items and len(warnings) == 1
    assert "globex" in warnings[0] and "http_error" in warnings[0]

    algolia.fail["acme cloud"] = (429, {"Retry-After": "3600"}, "{}")
    with pytest.raises(CollectorError) as info:
        run(source(algolia, query="acme cloud"))
    assert info.value.category == "rate_limited"

    algolia.fail["acme cloud"] = (200, {}, '{"results": []}')
    with pytest.raises(CollectorError) as info:
        run(source(algolia, query="acme cloud"))
    assert info.value.category == "parse_error" and "hits" in str(info.value)

    algolia.fail["acme cloud"] = (200, {}, "<html>maintenance</html>")
    with pytest.raises(CollectorError) as info:
        run(source(algolia, query="acme cloud"))
    assert info.value.category == "parse_error" and "JSON" in str(info.value)

    with pytest.raises(CollectorError) as info:
        run(source(algolia), brands=[])
    assert info.value.category == "auth_missing" and "query" in str(info.value)


def test_through_the_runner_into_duckdb(algolia, tmp_path):
    from collectors.runner import run as run_sources

    watch = local_watch(tmp_path, f"""
[[sources]]
name = "hn"
kind = "hackernews"
api_url = "{algolia.server.url('/api/v1')}"
""", brands=TWO_BRANDS.replace('query = "acme"', 'query = \'"acme cloud"\''))
    db = tmp_path / "veille.duckdb"
    first = run_sources(watch, db, progress=False)[0]
    second = run_sources(watch, db, progress=False)[0]
    assert (first.status, first.new) == ("ok", 5)
    assert (second.status, second.seen, second.new) == ("ok", 0, 0)
    rows = db_rows(db, "SELECT kind, count(*) FROM items GROUP BY kind")
    mentions = dict(db_rows(db, "SELECT brand, count(*) FROM mentions GROUP BY brand"))
    assert rows == [("hackernews", 5)]
    assert mentions == {"Acme": 5, "Globex": 2}
