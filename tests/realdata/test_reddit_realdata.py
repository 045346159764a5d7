"""The reddit collector over PRAW's recorded Reddit API answers (../shared/realdata), replayed."""

from __future__ import annotations

import ipaddress
import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
import requests

from collectors.base import Context
from collectors.reddit import Listing, RedditCollector, items_from_payload
from config.watch import CollectSettings
from tests.fakereddit import FakeReddit

pytestmark = pytest.mark.realdata
BASE = "https://www.reddit.com"
LOCAL = CollectSettings(allow_networks=[ipaddress.ip_network("127.0.0.0/8")], timeout=5.0)
# Headers of the recording that describe the original transfer, not the replayed one.
HOP_HEADERS = {"content-length", "transfer-encoding", "content-encoding", "connection",
               "set-cookie"}


def cassettes(realdata: Path) -> list[Path]:
    folder = realdata / "reddit" / "praw_cassettes"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    return sorted(folder.glob("*.json"))


def interactions(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["interactions"]


def request_key(method: str, url: str) -> tuple:
    """Method, path without its trailing slash, and the query as a sorted tuple."""
    parts = urlsplit(url)
    query = tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return method.upper(), unquote(parts.path).rstrip("/") or "/", query


def expected_verdict(payload, status: int) -> str:
    """What a response is, judged from the recording alone (independently of our parser)."""
    if status >= 300:
        return f"http {status}"
    if isinstance(payload, dict) and "access_token" in payload:
        return "token"
    kinds: Counter = Counter()

    def walk(node):
        if isinstance(node, dict):
            if node.get("kind") in ("t1", "t3"):
                kinds[node["kind"]] += 1
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(payload)
    if kinds:
        return "posts/comments"
    if isinstance(payload, dict) and payload.get("kind") == "Listing":
        return "empty or other listing"
    return "no posts or comments"


def test_every_recorded_answer_converts_or_is_classified(realdata):
    """Every recorded answer goes through items_from_payload without a crash; the items
    found match the t3/t1 things in the payload, and the rest is classified."""
    per_file: dict[str, int] = {}
    verdicts: Counter = Counter()
    total_items = total_skipped = 0
    for path in cassettes(realdata):
        count = 0
        for inter in interactions(path):
            status = inter["response"]["status"]["code"]
            text = (inter["response"].get("body") or {}).get("string") or ""
            try:
                payload = json.loads(text)
            except ValueError:
                verdicts["not JSON"] += 1
                continue
            verdict = expected_verdict(payload, status)
            verdicts[verdict] += 1
            found = items_from_payload(payload, BASE, "realdata")
            things = _count_things(payload)
            assert len(found.items) + found.skipped == things, (path.name, inter["request"])
            if verdict != "posts/comments":
                assert not found.items
            for item in found.items:
                _check_item(item, path.name)
            count += len(found.items)
            total_skipped += found.skipped
        per_file[path.name] = count
        total_items += count
    report = ", ".join(f"{k}: {v}" for k, v in sorted(per_file.items()) if v)
    print(f"\nreddit realdata: {len(per_file)} cassettes, {total_items} items, "
          f"{total_skipped} removed/deleted skipped; answers: {dict(verdicts)}\n{report}")
    assert total_items > 1000
    assert sum(1 for v in per_file.values() if v) >= 30
    assert verdicts["token"] == len(per_file)  # each cassette starts with its OAuth token


def _count_things(payload) -> int:
    """t3/t1 things in a payload, counted the way Reddit nests them."""
    count = 0
    if isinstance(payload, dict):
        if payload.get("kind") in ("t1", "t3") and isinstance(payload.get("data"), dict):
            count += 1
            if payload["kind"] == "t1":
                return count + _count_things(payload["data"].get("replies"))
            return count
        for value in payload.values():
            count += _count_things(value)
    elif isinstance(payload, list):
        for value in payload:
            count += _count_things(value)
    return count


def _check_item(item, where: str) -> None:
    assert item.id.startswith(("reddit:t3_", "reddit:t1_")), where
    assert item.kind == "reddit"
    assert item.url is None or item.url.startswith(BASE), (where, item.url)
    assert item.author != "[deleted]"
    assert item.text not in ("[removed]", "[deleted]")
    if item.id.startswith("reddit:t1_"):
        assert item.parent_id and item.parent_id.startswith(("reddit:t1_", "reddit:t3_"))
        assert item.title is None
    else:
        assert item.parent_id is None and item.title is not None
    assert item.published_at is None or item.published_at.tzinfo is None


class Replay:
    """A local server answering each recorded request with its recorded response."""

    def __init__(self, files: list[Path]):
        self.answers: dict[tuple, list[dict]] = {}
        self.token: dict | None = None
        self.misses: list[tuple] = []
        self.hits: list[tuple] = []
        for path in files:
            for inter in interactions(path):
                req = inter["request"]
                key = request_key(req["method"], req["uri"])
                if key[1] == "/api/v1/access_token":
                    self.token = self.token or inter["response"]
                    continue
                self.answers.setdefault(key, []).append(inter["response"])
        replay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _answer(self, method: str):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                key = request_key(method, self.path)
                if key[1] == "/api/v1/access_token":
                    response = replay.token
                elif replay.answers.get(key):
                    response = replay.answers[key][0]
                    replay.hits.append(key)
                else:
                    replay.misses.append(key)
                    response = {"status": {"code": 404, "message": "Not Found"},
                                "headers": {"Content-Type": ["application/json"]},
                                "body": {"string": '{"message": "Not Found", "error": 404}'}}
                body = ((response.get("body") or {}).get("string") or "").encode("utf-8")
                self.send_response(response["status"]["code"])
                for name, values in response.get("headers", {}).items():
                    if name.lower() not in HOP_HEADERS:
                        for value in values:
                            self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                self._answer("GET")

            def do_POST(self):
                self._answer("POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def replay(realdata, monkeypatch, tmp_path):
    monkeypatch.setenv("praw_client_id", "replay-id")
    monkeypatch.setenv("praw_client_secret", "replay-secret")
    monkeypatch.setenv("praw_user_agent", "python:veille-realdata:0.1 (by /u/veille)")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    server = Replay(cassettes(realdata))
    yield server
    server.close()


def test_collector_through_praw_on_replayed_listings(replay):
    """praw and the collector on the recorded r/askreddit and r/all answers, twice for r/all:
    the second run asks before=<newest of the first> exactly as the recording did."""
    def run(state, **settings):
        warnings: list[str] = []
        collector = RedditCollector("replay", {"oauth_url": replay.url,
                                               "reddit_url": replay.url} | settings)
        ctx = Context(state=state, collect=LOCAL, warn=warnings.append)
        return list(collector.collect(ctx)), warnings

    ask_state: dict = {}
    ask, ask_warnings = run(ask_state, subreddits=["askreddit"])
    posts = [i for i in ask if i.id.startswith("reddit:t3_")]
    comments = [i for i in ask if i.id.startswith("reddit:t1_")]
    assert ask_warnings == []
    assert len(posts) >= 90 and len(comments) >= 90
    assert all(c.parent_id for c in comments)

    all_state: dict = {}
    first, _ = run(all_state, subreddits=["all"], comments=False)
    cursor = all_state["listings"]["r/all/new"]["newest"]
    second, warnings = run(all_state, subreddits=["all"], comments=False)
    assert cursor == "t3_5jo13y"
    assert second and not {i.id for i in first} & {i.id for i in second}
    assert all_state["listings"]["r/all/new"]["newest"] == second[0].id.removeprefix("reddit:")
    assert ("GET", "/r/all/new", (("before", "t3_5jo13y"), ("limit", "100"),
                                  ("raw_json", "1"))) in replay.hits
    print(f"\nreplayed through praw: r/askreddit {len(posts)} posts + {len(comments)} comments,"
          f" r/all {len(first)} then {len(second)} new; unmatched requests: {replay.misses}")
    assert warnings == [] and replay.misses == []


@pytest.mark.parametrize(("path", "params", "category"), [
    ("r/ferguson/hot", {"limit": 100}, "forbidden"),  # quarantined, 2016
    ("user/spez/hidden", {"limit": 100}, "forbidden"),  # someone else's hidden posts
    ("r/<TEST_SUBREDDIT>/about/sticky/", {"num": 2}, "not_found"),
    ("r/announcements/about/traffic/", {}, "not_found"),
    ("api/morechildren", {"link_id": "t3_n7r3uz", "children": "<COMMENT_IDS>"}, "http_error"),
    ("api/morechildren", {"link_id": "t3_n7r3uz", "children": "<CONTENT>"}, "http_error"),
])
def test_recorded_refusals_are_classified(replay, path, params, category):
    """Reddit's real error answers, through praw, become the collector's classified errors."""
    collector = RedditCollector("replay", {"oauth_url": replay.url, "reddit_url": replay.url,
                                           "subreddits": ["askreddit"]})
    ctx = Context(state={}, collect=LOCAL, warn=lambda message: None)
    session = requests.Session()
    try:
        reddit = collector._connect(ctx, session)
        with pytest.raises(Exception) as err:
            collector._get(reddit, Listing("k", path, f"recorded {path}", "posts"), params)
    finally:
        session.close()
    assert getattr(err.value, "category", None) == category, repr(err.value)
    assert replay.misses == []


def test_the_fake_reddit_writes_every_field_reddit_does(realdata):
    """tests/fakereddit.py stays faithful: its posts and comments carry every key of the
    newest recorded ones (2019 comment page, 2023 comment stream)."""
    folder = realdata / "reddit" / "praw_cassettes"
    cassettes(realdata)
    page = json.loads(interactions(folder / "TestComment.test_refresh__with_reply_sort_and_limit"
                                   ".json")[2]["response"]["body"]["string"])
    stream = json.loads(interactions(folder / "TestSubredditStreams.test_comments__with_"
                                     "continue_after_id.json")[1]["response"]["body"]["string"])
    fake = FakeReddit()
    post = fake.post("sub", "title", "text")
    comment = fake.comment(post, "body")
    _status, _headers, pair = fake.comments_of(post.id, {"raw_json": "1"})
    _status, _headers, listing = fake.subreddit_comments("sub", {"raw_json": "1"})
    for real, ours in (
        (page[0]["data"]["children"][0]["data"], pair[0]["data"]["children"][0]["data"]),
        (page[1]["data"]["children"][0]["data"], pair[1]["data"]["children"][0]["data"]),
        (stream["data"]["children"][0]["data"], listing["data"]["children"][0]["data"]),
    ):
        assert set(real) - set(ours) == set()
    assert set(page[1]["data"]) <= set(pair[1]["data"])
    assert set(stream["data"]) <= set(listing["data"])
    assert comment.fullname == pair[1]["data"]["children"][0]["data"]["name"]
