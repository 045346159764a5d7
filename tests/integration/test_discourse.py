"""The discourse source against a fake Discourse on 127.0.0.1 that answers like the real JSON API
(latest with paging, topics in chunks, posts by id, search, errors), then through the runner."""

from __future__ import annotations

import ipaddress
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

import collectors
from analysis.query import compile_query
from collectors.base import Context, Item
from collectors.discourse import DiscourseCollector
from collectors.http import Fetcher
from config import Brand, CollectSettings
from tests.conftest import db_rows, local_watch
from tests.localserver import LocalServer, Request

LOCAL = CollectSettings(per_host_delay=0.0, timeout=10.0,
                        allow_networks=[ipaddress.ip_network("127.0.0.0/8")])
BRANDS = [Brand(name="Acme", query="acme", compiled=compile_query("acme"))]
START = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
NOT_FOUND = {"errors": ["The requested URL or resource could not be found."],
             "error_type": "not_found"}


def stamp(hours: float) -> str:
    return (START + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class FakeDiscourse:
    """Topics and posts served the way Discourse's public JSON API serves them."""

    def __init__(self, per_page: int = 2, chunk: int = 5):
        self.per_page = per_page
        self.chunk = chunk
        self.topics: dict[int, dict] = {}
        self.next_post_id = 5000
        self.broken: dict[int, tuple[int, dict, str]] = {}  # topic id -> forced answer
        self.latest_body: str | None = None  # replaces /latest.json's answer when set

    def topic(self, topic_id: int, title: str, *, category: int = 1, pinned: bool = False,
              slug: str | None = None) -> dict:
        topic = {"id": topic_id, "title": title, "slug": slug or title.lower().replace(" ", "-"),
                 "category_id": category, "pinned": pinned, "posts": [], "created": None}
        self.topics[topic_id] = topic
        return topic

    def post(self, topic: dict, username: str | None, html: str, hours: float, *,
             reply_to: int | None = None, likes: int = 0, **fields) -> dict:
        self.next_post_id += 7  # ids grow with time but are not consecutive, as on real forums
        number = len(topic["posts"]) + 1
        post = {
            "id": self.next_post_id, "name": username, "username": username,
            "avatar_template": f"/user_avatar/forum/{username}/{{size}}/1_2.png",
            "created_at": stamp(hours), "cooked": html, "post_number": number, "post_type": 1,
            "posts_count": None, "updated_at": stamp(hours), "reply_count": 0,
            "reply_to_post_number": reply_to, "quote_count": 0, "incoming_link_count": 0,
            "reads": 3, "readers_count": 2, "score": 0.4, "yours": False,
            "topic_id": topic["id"], "topic_slug": topic["slug"], "display_username": username,
            "primary_group_name": None, "flair_name": None, "version": 1, "can_edit": False,
            "can_delete": False, "can_recover": False, "can_wiki": False, "read": True,
            "user_title": None, "bookmarked": False,
            "actions_summary": [{"id": 2, "count": likes}] if likes else [],
            "moderator": False, "admin": False, "staff": False, "user_id": 10 + number,
            "hidden": False, "trust_level": 1, "deleted_at": None, "user_deleted": False,
            "edit_reason": None, "can_view_edit_history": True, "wiki": False,
            "post_url": f"/t/{topic['slug']}/{topic['id']}/{number}",
        }
        post.update(fields)
        topic["posts"].append(post)
        return post

    # -- the JSON the API answers --

    def _last(self, topic: dict) -> str:
        return max(p["created_at"] for p in topic["posts"])

    def _list_entry(self, topic: dict) -> dict:
        posts = topic["posts"]
        return {"id": topic["id"], "title": topic["title"], "fancy_title": topic["title"],
                "slug": topic["slug"], "posts_count": len(posts),
                "reply_count": sum(1 for p in posts if p["reply_to_post_number"]),
                "highest_post_number": len(posts), "image_url": None,
                "created_at": posts[0]["created_at"], "last_posted_at": self._last(topic),
                "bumped": True, "bumped_at": self._last(topic), "archetype": "regular",
                "unseen": False, "pinned": topic["pinned"], "unpinned": None, "visible": True,
                "closed": False, "archived": False, "bookmarked": None, "liked": None,
                "views": 40, "like_count": 0, "has_summary": False,
                "last_poster_username": posts[-1]["username"], "category_id": topic["category_id"],
                "pinned_globally": False, "posters": []}

    def _ordered(self, category: int | None = None) -> list[dict]:
        chosen = [t for t in self.topics.values()
                  if category is None or t["category_id"] == category]
        # Pinned topics first, then the most recently active, as /latest orders them.
        return sorted(chosen, key=lambda t: (t["pinned"], self._last(t)), reverse=True)

    def _listing(self, request: Request, path: str, category: int | None) -> dict:
        page = int(request.query.get("page", ["0"])[0])
        topics = self._ordered(category)
        chunk = topics[page * self.per_page:(page + 1) * self.per_page]
        listing = {"can_create_topic": False, "per_page": self.per_page,
                   "topics": [self._list_entry(t) for t in chunk]}
        if (page + 1) * self.per_page < len(topics):
            listing["more_topics_url"] = f"{path}?page={page + 1}"
        return {"users": [], "primary_groups": [], "topic_list": listing}

    def _topic_json(self, topic: dict) -> dict:
        posts = topic["posts"]
        shown = [dict(p, posts_count=len(posts)) for p in posts[:self.chunk]]
        entry = self._list_entry(topic)
        return {"post_stream": {"posts": shown, "stream": [p["id"] for p in posts]},
                "timeline_lookup": [[1, 0]], "suggested_topics": [], "tags": [],
                **{k: entry[k] for k in ("id", "title", "fancy_title", "posts_count",
                                         "created_at", "views", "reply_count", "like_count",
                                         "last_posted_at", "visible", "closed", "archived",
                                         "has_summary", "archetype", "slug", "category_id",
                                         "pinned", "highest_post_number")},
                "deleted_at": None, "user_id": 11, "chunk_size": self.chunk, "word_count": 300,
                "details": {"can_edit": False, "notification_level": 1, "participants": []}}

    def _search(self, request: Request) -> dict:
        q = request.query.get("q", [""])[0]
        term = q.replace("order:latest", "").strip().strip('"').lower()
        posts, topics = [], []
        for topic in sorted(self.topics.values(), key=self._last, reverse=True):
            hits = [p for p in topic["posts"] if term in p["cooked"].lower()]
            if term in topic["title"].lower() or hits:
                topics.append(self._list_entry(topic))
                post = (hits or topic["posts"])[0]
                posts.append({"id": post["id"], "name": post["name"],
                              "username": post["username"], "created_at": post["created_at"],
                              "like_count": 0, "blurb": "…", "post_number": post["post_number"],
                              "topic_id": topic["id"]})
        return {"posts": posts, "topics": topics, "users": [], "categories": [], "tags": [],
                "groups": [], "grouped_search_result": {
                    "more_posts": None, "term": q, "search_log_id": 1,
                    "more_full_page_results": None, "can_create_topic": False, "error": None,
                    "post_ids": [p["id"] for p in posts], "user_ids": [], "topic_ids": [],
                    "category_ids": [], "tag_ids": [], "group_ids": []}}

    def route(self, request: Request):
        path = request.path
        if path in ("/latest.json", "/latest"):
            if self.latest_body is not None:
                return 200, {"Content-Type": "text/html"}, self.latest_body
            return self.json(self._listing(request, "/latest", None))
        if path.startswith("/c/") and path.endswith(".json"):
            slug = path[3:-5]
            ids = {"general": 1, "support": 5}
            if slug not in ids:
                return self.json(NOT_FOUND, 404)
            return self.json(self._listing(request, f"/c/{slug}", ids[slug]))
        if path == "/search.json":
            return self.json(self._search(request))
        parts = path.strip("/").split("/")
        if parts[0] == "t" and len(parts) >= 2:
            topic_id = int(parts[1].removesuffix(".json"))
            if topic_id in self.broken:
                status, headers, body = self.broken[topic_id]
                return status, {"Content-Type": "application/json", **headers}, body
            topic = self.topics.get(topic_id)
            if topic is None:
                return self.json(NOT_FOUND, 404)
            if len(parts) == 2:
                return self.json(self._topic_json(topic))
            if parts[2] == "posts.json":
                wanted = {int(i) for i in parse_qs(urlsplit(request.target).query)
                          .get("post_ids[]", [])}
                posts = [dict(p, posts_count=len(topic["posts"])) for p in topic["posts"]
                         if p["id"] in wanted]
                return self.json({"post_stream": {"posts": posts}, "id": topic_id})
        return self.json(NOT_FOUND, 404)

    @staticmethod
    def json(data, status: int = 200):
        return status, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(data)


def quote(username: str, number: int, topic: int, text: str) -> str:
    return (f'<aside class="quote no-group" data-username="{username}" data-post="{number}" '
            f'data-topic="{topic}">\n<div class="title">\n<div class="quote-controls"></div>\n'
            f'<img alt="" width="24" height="24" src="/a.png" class="avatar"> {username}:</div>\n'
            f"<blockquote>\n<p>{text}</p>\n</blockquote>\n</aside>\n")


def build_forum() -> FakeDiscourse:
    forum = FakeDiscourse()
    welcome = forum.topic(103, "Welcome to the forum", pinned=True)
    forum.post(welcome, "system", "<p>Be nice. Read the FAQ.</p>", -500)

    old = forum.topic(104, "Old thread about Acme widgets")
    forum.post(old, "dora", "<p>My <strong>Acme</strong> widget still works after 10 years.</p>",
               -300)

    down = forum.topic(101, "Acme Cloud is down again", category=5)
    forum.post(down, "alice", "<p>Is <a href=\"https://acme.example\">Acme</a> Cloud down for "
                              "anyone else?</p><p>Since 9:00 <img class=\"emoji\" "
                              "alt=\":angry:\" src=\"/e.png\"></p>", 1, likes=3)
    forum.post(down, "bob", quote("alice", 1, 101, "Is Acme Cloud down for anyone else?")
               + "<p>Same here, we moved to Globex.</p>", 2, reply_to=1, likes=1)
    forum.post(down, None, "<p>A post whose author deleted their account.</p>", 3)
    forum.post(down, "carol", "<p>Globex had an outage too last week.</p>", 4, reply_to=2)

    pricing = forum.topic(102, "Globex vs Acme pricing")
    forum.post(pricing, "erin", "<p>Which one is cheaper for a team of 10?</p>", -10)
    for n in range(2, 13):
        if n == 6:
            forum.post(pricing, "troll", "", -10 + n, hidden=True, cooked_hidden=True)
        elif n == 7:
            forum.post(pricing, "frank", "<p>(post deleted by author)</p>", -10 + n,
                       user_deleted=True)
        elif n == 8:
            forum.post(pricing, "system", "", -10 + n, post_type=3, action_code="closed.enabled")
        else:
            forum.post(pricing, f"user{n}", f"<p>Answer number {n} about pricing.</p>", -10 + n,
                       reply_to=1 if n % 2 else None)
    return forum


@pytest.fixture
def forum():
    fake = build_forum()
    with LocalServer(fallback=fake.route) as server:
        fake.server = server
        yield fake


def run(collector: DiscourseCollector, state: dict | None = None,
        brands=BRANDS) -> tuple[list[Item], list[str], dict]:
    """One run with a real Fetcher; the state goes through JSON like the runner stores it."""
    warnings: list[str] = []
    ctx = Context(state=json.loads(json.dumps(state or {})), brands=brands, collect=LOCAL,
                  warn=warnings.append, http=Fetcher(LOCAL))
    try:
        items = list(collector.collect(ctx))
    finally:
        ctx.http.close()
    return items, warnings, json.loads(json.dumps(ctx.state))


def source(forum, **settings) -> DiscourseCollector:
    return DiscourseCollector("forum", {"url": forum.server.url("/"), "search": True,
                                        "categories": [], "max_topics": 3, **settings})


def test_first_run_reads_every_visible_post(forum):
    items, warnings, _ = run(source(forum))
    assert warnings == []
    host = "127.0.0.1"
    by_topic: dict[int, list[Item]] = {}
    for item in items:
        by_topic.setdefault(item.extra["topic_id"], []).append(item)
    # 103 (pinned), 101, 102 from the listing (max_topics = 3); 104 only through the search.
    assert sorted(by_topic) == [101, 102, 103, 104]
    assert all(i.kind == "forum" for i in items)
    assert len({i.id for i in items}) == len(items)

    down = by_topic[101]
    first, reply, orphan, last = down
    ids = {p["post_number"]: p["id"] for p in forum.topics[101]["posts"]}
    assert first.id == f"discourse:{host}:{ids[1]}"
    assert first.title == "Acme Cloud is down again" and reply.title is None
    assert first.url == forum.server.url("/t/acme-cloud-is-down-again/101/1")
    assert first.author == "alice" and first.score == 3 and first.comments == 3
    assert first.published_at == datetime(2026, 3, 1, 11, 0, tzinfo=UTC)
    assert first.text == "Is Acme Cloud down for anyone else?\n\nSince 9:00 :angry:"
    # A reply is credited with its own words, not with the post it quotes.
    assert reply.text == "Same here, we moved to Globex." and reply.score == 1
    assert reply.parent_id == first.id
    assert orphan.author is None and orphan.parent_id == first.id
    assert last.parent_id == reply.id  # reply_to_post_number 2

    pricing = by_topic[102]
    numbers = [i.extra["post_number"] for i in pricing]
    # Hidden (6), withdrawn by its author (7) and a "topic closed" small action (8) are left out;
    # posts 6-12 came from /t/102/posts.json since the topic answer carries the first 5.
    assert numbers == [1, 2, 3, 4, 5, 9, 10, 11, 12]
    assert all(i.parent_id == pricing[0].id for i in pricing[1:])
    assert pricing[0].comments == 11
    post_requests = forum.server.hits("/t/102/posts.json")
    assert len(post_requests) == 1
    asked = parse_qs(urlsplit(post_requests[0].target).query)["post_ids[]"]
    assert [int(i) for i in asked] == [p["id"] for p in forum.topics[102]["posts"][5:]]
    searches = forum.server.hits("/search.json")
    assert [r.query["q"] for r in searches] == [["acme order:latest"]]


def test_second_run_adds_nothing_and_asks_less(forum):
    collector = source(forum)
    first, _, state = run(collector)
    asked_first = len(forum.server.requests)
    forum.server.clear()
    again, warnings, state = run(collector, state)
    assert again == [] and warnings == []
    paths = [r.path for r in forum.server.requests]
    assert not [p for p in paths if p.startswith("/t/")]  # no topic is fetched again
    assert len(paths) < asked_first
    assert paths.count("/latest.json") == 1  # the first page showed nothing new: no paging

    # A new reply bumps one topic: only that topic is read, only the new post comes out.
    pricing = forum.topics[102]
    new = forum.post(pricing, "gina", "<p>Acme is cheaper since March.</p>", 30, reply_to=2)
    forum.server.clear()
    third, warnings, state = run(collector, state)
    assert warnings == []
    assert [i.id for i in third] == [f"discourse:127.0.0.1:{new['id']}"]
    assert third[0].parent_id == f"discourse:127.0.0.1:{pricing['posts'][1]['id']}"
    topic_paths = sorted({r.path for r in forum.server.requests if r.path.startswith("/t/")})
    assert topic_paths == ["/t/102.json", "/t/102/posts.json"]
    assert len(first) == 15


def test_categories_replace_the_sitewide_listing(forum):
    items, warnings, _ = run(source(forum, categories=["support", "nope"], search=False))
    assert {i.extra["topic_id"] for i in items} == {101}
    assert not forum.server.hits("/latest.json")
    # An unknown category is reported, the known one still collected.
    assert len(warnings) == 1 and "/c/nope.json" in warnings[0] and "http_error" in warnings[0]


def test_failures_are_classified_and_the_rest_is_kept(forum):
    forum.broken[101] = (404, {}, json.dumps(NOT_FOUND))
    items, warnings, state = run(source(forum, search=False))
    assert {i.extra["topic_id"] for i in items} == {102, 103}
    assert len(warnings) == 1 and "topic 101" in warnings[0] and "http_error" in warnings[0]
    assert "101" not in state["topics"]  # retried next run

    # Rate limited beyond our patience: the run stops with a classified error, and what was
    # read before it stays read (its state was updated before its items were yielded).
    forum.broken[101] = (429, {"Retry-After": "3600"}, json.dumps({"errors": ["slow down"]}))
    ctx = Context(state={}, brands=BRANDS, collect=LOCAL, warn=lambda m: None,
                  http=Fetcher(LOCAL))
    got: list[Item] = []
    with pytest.raises(collectors.base.CollectorError) as info:
        for item in source(forum, search=False).collect(ctx):
            got.append(item)
    ctx.http.close()
    assert info.value.category == "rate_limited"
    assert {i.extra["topic_id"] for i in got} == {103}  # the pinned topic came first
    assert set(ctx.state["topics"]) == {"103"}


def test_an_empty_forum_and_a_site_that_is_not_discourse(forum):
    forum.topics.clear()
    items, warnings, _ = run(source(forum))
    assert items == [] and warnings == []

    forum.latest_body = "<html><body>Welcome to our shop</body></html>"
    with pytest.raises(collectors.base.ParseError) as info:
        run(source(forum))
    assert info.value.category == "parse_error"
    assert "/latest.json" in str(info.value) and "Discourse" in str(info.value)

    missing = DiscourseCollector("x", {"url": forum.server.url("/nowhere"), "search": False,
                                       "categories": [], "max_topics": 5})
    with pytest.raises(collectors.base.CollectorError) as info:
        run(missing)
    assert info.value.category == "http_error" and "404" in str(info.value)

    with pytest.raises(collectors.base.ParseError, match="'url'"):
        run(DiscourseCollector("x", {"url": "forum.example.org"}))


def test_through_the_runner_into_duckdb(forum, tmp_path):
    from collectors.runner import run as run_sources

    watch = local_watch(tmp_path, f"""
[[sources]]
name = "community"
kind = "discourse"
url = "{forum.server.url('/')}"
max_topics = 3
""")
    db = tmp_path / "veille.duckdb"
    first = run_sources(watch, db, progress=False)[0]
    second = run_sources(watch, db, progress=False)[0]
    assert (first.status, first.new, first.warnings) == ("ok", 15, 0)
    assert (second.status, second.seen, second.new) == ("ok", 0, 0)
    kinds = db_rows(db, "SELECT DISTINCT kind FROM items")
    mentions = dict(db_rows(db, "SELECT brand, count(*) FROM mentions GROUP BY brand"))
    author, = db_rows(db, "SELECT author FROM items WHERE title = 'Acme Cloud is down again'")
    assert kinds == [("forum",)]
    assert author == ("alice",)
    assert mentions == {"Acme": 3, "Globex": 3}
