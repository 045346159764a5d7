"""The bluesky source against a fake AppView on 127.0.0.1 at Bluesky's own XRPC paths, through
the real CLI: searches, account feeds, reply threads, paging, resuming, classified faults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import collect, db_rows, local_watch
from tests.localserver import LocalServer, Request

XRPC = "/xrpc/app.bsky.feed."
JSON = {"Content-Type": "application/json; charset=utf-8"}


def post(rkey: str, text: str, when: str, *, handle: str = "alice.bsky.social",
         langs: list[str] | None = None, facets: list | None = None, embed: dict | None = None,
         reply_to: str | None = None, replies: int = 0) -> dict:
    """A postView as the AppView answers it."""
    did = f"did:plc:{handle.split('.')[0]}"
    record: dict = {"$type": "app.bsky.feed.post", "text": text, "createdAt": when}
    if langs:
        record["langs"] = langs
    if facets:
        record["facets"] = facets
    if reply_to:
        record["reply"] = {"parent": {"uri": reply_to, "cid": "x"},
                           "root": {"uri": reply_to, "cid": "x"}}
    view = {"uri": f"at://{did}/app.bsky.feed.post/{rkey}", "cid": "bafy" + rkey,
            "author": {"did": did, "handle": handle, "displayName": handle.title()},
            "record": record, "replyCount": replies, "repostCount": 0, "likeCount": 3,
            "quoteCount": 0, "indexedAt": when}
    if embed:
        view["embed"] = embed
    return view


LINK = "https://acme.example/pricing/2026/new-plans"
# "Acme prix " is 10 bytes; "é" makes the byte offsets differ from character offsets.
SHORT = "acme.example/pricing/20..."
P1 = post("3a1", f"Acme prix é {SHORT} #acme", "2026-03-02T10:00:00.000Z", langs=["fr"],
          facets=[{"index": {"byteStart": 13, "byteEnd": 13 + len(SHORT)},
                   "features": [{"$type": "app.bsky.richtext.facet#link", "uri": LINK}]},
                  {"index": {"byteStart": 14 + len(SHORT), "byteEnd": 19 + len(SHORT)},
                   "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "acme"}]}],
          replies=1)
P2 = post("3a2", "Globex quoted this, Acme users take note", "2026-03-02T09:00:00.000Z",
          handle="bob.bsky.social", langs=["en-US"],
          embed={"$type": "app.bsky.embed.record#view",
                 "record": {"$type": "app.bsky.embed.record#viewRecord",
                            "uri": "at://did:plc:carol/app.bsky.feed.post/3q",
                            "value": {"text": "Globex is down again"}}})
P3 = post("3a3", "older acme post on page two", "2026-03-01T08:00:00.000Z", langs=["en"])
REPLY = post("3r1", "Acme, c'est trop cher", "2026-03-02T11:00:00.000Z",
             handle="dave.bsky.social", langs=["fr"], reply_to=P1["uri"])
OWN = post("3o1", "Acme launches today", "2026-03-02T12:00:00.000Z", handle="acme.com",
           langs=["en"])


class FakeAppView:
    """searchPosts, getAuthorFeed and getPostThread answered like public.api.bsky.app does."""

    def __init__(self):
        self.search_pages = [[P1, P2], [P3]]
        self.feed = [{"post": OWN}, {"post": P2, "reason": {
            "$type": "app.bsky.feed.defs#reasonRepost", "by": {"handle": "acme.com"}}}]
        self.fail: tuple[int, dict, str] | None = None
        self.quota = "2999"

    def route(self, request: Request):
        if request.path == "/robots.txt":
            return 404, {"Content-Type": "text/plain"}, "not found"
        if self.fail:
            status, headers, body = self.fail
            return status, {**JSON, **headers}, body
        arg = {k: v[0] for k, v in request.query.items()}
        if request.path == XRPC + "searchPosts":
            page = int(arg.get("cursor", "0"))
            body = {"posts": self.search_pages[page] if page < len(self.search_pages) else []}
            if page + 1 < len(self.search_pages):
                body["cursor"] = str(page + 1)
            return 200, {**JSON, "RateLimit-Remaining": self.quota,
                                  "RateLimit-Reset": "4102444800"}, json.dumps(body)
        if request.path == XRPC + "getAuthorFeed" and arg.get("actor") == "acme.com":
            return 200, JSON, json.dumps({"feed": self.feed})
        if request.path == XRPC + "getPostThread" and arg.get("uri") == P1["uri"]:
            thread = {"$type": "app.bsky.feed.defs#threadViewPost", "post": P1, "replies": [
                {"$type": "app.bsky.feed.defs#threadViewPost", "post": REPLY, "replies": []},
                {"$type": "app.bsky.feed.defs#blockedPost", "uri": "at://x", "blocked": True}]}
            return 200, JSON, json.dumps({"thread": thread})
        return 400, JSON, '{"error":"InvalidRequest","message":"bad"}'


@pytest.fixture
def appview():
    fake = FakeAppView()
    with LocalServer(fallback=fake.route) as server:
        fake.server = server
        yield fake


def watch(tmp_path, appview, extra: str = ""):
    local_watch(tmp_path, f"""
[[sources]]
name = "sky"
kind = "bluesky"
search = ["acme"]
accounts = ["@acme.com"]
replies = true
api_url = "{appview.server.url('/')}"
{extra}""")
    return tmp_path / "watch.toml"


def test_posts_replies_and_feeds_through_the_cli(appview, tmp_path):
    config, db = watch(tmp_path, appview), tmp_path / "veille.duckdb"
    collect(config, db)
    rows = db_rows(db, "SELECT url, author, text, lang, published_at, score FROM items "
                       "WHERE kind = 'bluesky' ORDER BY published_at")
    by_url = {r[0]: r for r in rows}
    assert len(rows) == 5  # P1, P2, P3, the reply and the account's own post; the repost once
    p1 = by_url["https://bsky.app/profile/alice.bsky.social/post/3a1"]
    assert p1[1] == "alice.bsky.social" and p1[3] == "fr" and p1[5] == 3
    assert p1[2] == f"Acme prix é {LINK} #acme"  # the shortened link shown in full
    assert str(p1[4]) == "2026-03-02 10:00:00"
    assert by_url["https://bsky.app/profile/bob.bsky.social/post/3a2"][3] == "en"
    assert "https://bsky.app/profile/dave.bsky.social/post/3r1" in by_url
    assert "https://bsky.app/profile/acme.com/post/3o1" in by_url
    pages = [r.query.get("cursor") for r in appview.server.hits(XRPC + "searchPosts")]
    assert pages == [None, ["1"]]
    agents = {r.header("User-Agent") for r in appview.server.requests}
    assert len(agents) == 1 and "Veille" in agents.pop()

    appview.search_pages = [[P1, P2]]  # nothing new: the same newest page
    collect(config, db)
    assert db_rows(db, "SELECT count(*) FROM items")[0][0] == 5
    assert db_rows(db, "SELECT last_error_kind FROM sources WHERE name = 'sky'") == [(None,)]


def test_a_used_up_quota_stops_paging_and_the_next_run_resumes(appview, tmp_path):
    appview.quota = "0"  # the answer says no request is left until the reset
    config, db = watch(tmp_path, appview), tmp_path / "veille.duckdb"
    collect(config, db)
    urls = [r[0] for r in db_rows(db, "SELECT url FROM items")]
    assert len(appview.server.hits(XRPC + "searchPosts")) == 1
    assert not any(u.endswith("/3a3") for u in urls)  # page two was not asked
    appview.quota = "2999"
    collect(config, db)
    urls = [r[0] for r in db_rows(db, "SELECT url FROM items")]
    assert len(urls) == 5 and any(u.endswith("/3a3") for u in urls)


@pytest.mark.parametrize("answer, kind", [
    ((429, {"Retry-After": "3600"}, '{"error":"RateLimitExceeded"}'), "rate_limited"),
    ((500, {}, '{"error":"InternalServerError"}'), "http_error"),
    ((200, {}, '{"posts": [ {"uri": '), "parse_error"),
    ((200, {}, '{"error": "not posts"}'), "parse_error"),
])
def test_faults_are_classified_on_the_source(appview, tmp_path, answer, kind):
    appview.fail = answer
    config, db = watch(tmp_path, appview), tmp_path / "veille.duckdb"
    proc = collect(config, db, check=False)
    assert proc.returncode != 0
    assert db_rows(db, "SELECT last_error_kind FROM sources WHERE name = 'sky'") == [(kind,)]


def test_nothing_to_read_says_so(appview, tmp_path):
    local_watch(tmp_path, f"""
[[sources]]
name = "sky"
kind = "bluesky"
api_url = "{appview.server.url('/')}"
""", brands="")
    db = tmp_path / "veille.duckdb"
    proc = collect(tmp_path / "watch.toml", db, check=False)
    assert proc.returncode != 0
    assert db_rows(db, "SELECT last_error_kind FROM sources") == [("auth_missing",)]


PASSWORD = "abcd-efgh-ijkl-mnop"


class SignInService(FakeAppView):
    """A PDS that signs in with an app password and answers searchPosts only to a bearer
    (401 without); the first access token expires after one use (400 ExpiredToken)."""

    def __init__(self):
        super().__init__()
        self.valid = {"access-1"}
        self.used: list[str] = []

    def route(self, request: Request):
        if request.path == "/xrpc/com.atproto.server.createSession":
            sent = json.loads(request.body or b"{}")
            if sent != {"identifier": "veille.bsky.social", "password": PASSWORD}:
                return 401, JSON, json.dumps({"error": "AuthenticationRequired",
                                              "message": "Invalid identifier or password"})
            return 200, JSON, json.dumps({"did": "did:plc:v", "handle": sent["identifier"],
                                          "accessJwt": "access-1", "refreshJwt": "refresh-1"})
        if request.path == "/xrpc/com.atproto.server.refreshSession":
            if request.header("Authorization") != "Bearer refresh-1":
                return 400, JSON, '{"error":"ExpiredToken","message":"Token has expired"}'
            self.valid.add("access-2")
            return 200, JSON, json.dumps({"accessJwt": "access-2", "refreshJwt": "refresh-2"})
        if request.path == XRPC + "searchPosts":
            bearer = (request.header("Authorization") or "").removeprefix("Bearer ")
            if not bearer:
                return 401, JSON, '{"error":"AuthMissing","message":"Authentication Required"}'
            if bearer not in self.valid:
                return 400, JSON, '{"error":"ExpiredToken","message":"Token has expired"}'
            self.used.append(bearer)
            self.valid.discard("access-1")  # expires after its first use
        return super().route(request)


def signed_watch(tmp_path, server) -> Path:
    local_watch(tmp_path, f"""
[[sources]]
name = "sky"
kind = "bluesky"
search = ["acme"]
api_url = "{server.url('/')}"
service_url = "{server.url('/')}"
""")
    return tmp_path / "watch.toml"


def test_signed_in_searches_renew_an_expired_token_and_never_show_the_password(tmp_path):
    pds = SignInService()
    with LocalServer(fallback=pds.route) as server:
        config, db = signed_watch(tmp_path, server), tmp_path / "veille.duckdb"
        env = {"VEILLE_BLUESKY_HANDLE": "@veille.bsky.social",
               "VEILLE_BLUESKY_APP_PASSWORD": PASSWORD}
        proc = collect(config, db, env=env)
        # Without credentials the public reads are tried, and the service's 401 is classified.
        anonymous = collect(config, db, check=False,
                            env={"VEILLE_BLUESKY_HANDLE": "", "VEILLE_BLUESKY_APP_PASSWORD": ""})
        anonymous_kind = db_rows(db, "SELECT last_error_kind FROM sources")
        wrong = collect(config, db, check=False,
                        env={**env, "VEILLE_BLUESKY_APP_PASSWORD": "wxyz-wrong-pass-word"})
        sign_ins = [json.loads(r.body) for r in server.hits(
            "/xrpc/com.atproto.server.createSession")]
        refreshes = server.hits("/xrpc/com.atproto.server.refreshSession")
    # Page one with the first token, page two after one refresh with the second.
    assert pds.used == ["access-1", "access-2"] and len(refreshes) == 1
    assert len(sign_ins) == 2 and sign_ins[0]["identifier"] == "veille.bsky.social"
    assert db_rows(db, "SELECT count(*) FROM items")[0][0] == 3
    assert anonymous.returncode != 0 and anonymous_kind == [("http_error",)]
    assert "HTTP 401" in anonymous.stdout + anonymous.stderr
    assert wrong.returncode != 0
    assert db_rows(db, "SELECT last_error_kind FROM sources") == [("auth_failed",)]
    logged = [proc.stdout, proc.stderr, anonymous.stdout, anonymous.stderr, wrong.stdout,
              wrong.stderr]
    logged += [str(v) for row in db_rows(db, "SELECT error FROM runs") for v in row]
    logged += [str(v) for row in db_rows(db, "SELECT last_error FROM sources") for v in row]
    assert "check VEILLE_BLUESKY_HANDLE" in " ".join(logged)
    for secret in (PASSWORD, "wxyz-wrong-pass-word", "access-1", "refresh-1"):
        assert not any(secret in text for text in logged), secret
