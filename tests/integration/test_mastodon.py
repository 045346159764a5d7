"""The mastodon source against two fake instances on 127.0.0.1 at Mastodon's own API paths,
through the real CLI: hashtag timelines paged by Link, accounts, token-only searches, one
status seen on both instances stored once, resuming with since_id, classified faults."""

from __future__ import annotations

import json

import pytest

from tests.conftest import collect, db_rows, local_watch
from tests.localserver import LocalServer, Request

JSON = {"Content-Type": "application/json; charset=utf-8"}
TOKEN = "s3cret-token-for-tests-0123456789"


def status(local_id: int, uri: str, html: str, when: str, *, acct: str = "alice",
           profile: str = "https://social.example/@alice", lang: str | None = "fr",
           reblog: dict | None = None, spoiler: str = "") -> dict:
    """A status as an instance answers it (``acct`` without a host for its own users)."""
    return {"id": str(local_id), "uri": uri, "url": uri.replace("/users/", "/@"),
            "created_at": when, "content": html, "language": lang, "spoiler_text": spoiler,
            "reblog": reblog, "replies_count": 1, "favourites_count": 4, "reblogs_count": 0,
            "in_reply_to_id": None, "media_attachments": [], "mentions": [],
            "tags": [{"name": "acme"}], "card": None,
            "account": {"id": "7", "acct": acct, "url": profile}}


SHARED = "https://social.example/users/alice/statuses/1"
S1 = status(105, SHARED, '<p>Le nouveau <a href="https://x/tags/acme" class="hashtag">'
            "#<span>acme</span></a> est l&#39;arnaque de l&#x27;ann\u00e9e</p>",
            "2026-03-02T10:00:00.000Z")
S2 = status(104, "https://other.example/users/bob/statuses/9", "<p>acme rocks<br>really</p>",
            "2026-03-02T09:00:00.000Z", acct="bob@other.example",
            profile="https://other.example/@bob", lang="en")
S3 = status(90, "https://social.example/users/alice/statuses/0", "<p>older acme post</p>",
            "2026-03-01T09:00:00.000Z", spoiler="prix")
BOOST = status(106, "https://social.example/users/carol/statuses/5", "", "2026-03-02T11:00:00Z",
               reblog=S2)
OWN = status(200, "https://social.example/users/acme/statuses/3", "<p>Acme launches</p>",
             "2026-03-02T12:00:00.000Z", acct="acme", profile="https://social.example/@acme",
             lang="en")
FOUND = status(300, "https://third.example/users/dan/statuses/4", "<p>globex vs acme</p>",
               "2026-03-02T13:00:00.000Z", acct="dan@third.example",
               profile="https://third.example/@dan", lang="en")


class FakeInstance:
    """Tag timelines, account lookup and statuses, and v2 search, as Mastodon answers them."""

    def __init__(self, tag_pages: list[list[dict]]):
        self.tag_pages = tag_pages
        self.fail: tuple[int, dict, str] | None = None

    def route(self, request: Request):
        if request.path == "/robots.txt":
            return 404, {"Content-Type": "text/plain"}, "not found"
        if self.fail:
            status_, headers, body = self.fail
            return status_, {**JSON, **headers}, body
        arg = {k: v[0] for k, v in request.query.items()}
        since = int(arg.get("since_id", arg.get("min_id", "0")))
        if request.path == "/api/v1/timelines/tag/acme":
            page = 0 if "max_id" not in arg else int(arg["max_id"])
            found = [s for s in self.tag_pages[page] if int(s["id"]) > since]
            headers = {**JSON, "X-RateLimit-Remaining": "299"}
            if page + 1 < len(self.tag_pages):
                headers["Link"] = (f'<{self.server.url("/api/v1/timelines/tag/acme")}'
                                   f'?limit=40&max_id={page + 1}>; rel="next", '
                                   f'<{self.server.url("/x")}?min_id=1>; rel="prev"')
            return 200, headers, json.dumps(found)
        if request.path == "/api/v1/accounts/lookup" and arg.get("acct") == "acme@social.example":
            return 200, JSON, json.dumps({"id": "42", "acct": "acme"})
        if request.path == "/api/v1/accounts/42/statuses":
            return 200, JSON, json.dumps([s for s in (OWN, BOOST) if int(s["id"]) > since])
        if request.path == "/api/v2/search":
            if request.header("Authorization") != f"Bearer {TOKEN}":
                return 401, JSON, '{"error":"The access token is invalid"}'
            return 200, JSON, json.dumps({"accounts": [], "hashtags": [], "statuses": [
                s for s in [FOUND] if int(s["id"]) > since]})
        return 404, JSON, '{"error":"Record not found"}'


@pytest.fixture
def instances():
    # The second instance knows S2 under its own local id: the same status by its uri.
    first, second = FakeInstance([[S1, S2], [S3]]), FakeInstance([[dict(S2, id="7")]])
    with LocalServer(fallback=first.route) as one, LocalServer(fallback=second.route) as two:
        first.server, second.server = one, two
        yield first, second


def watch(tmp_path, instances, keys: str = ""):
    one, two = (i.server.url("").rstrip("/") for i in instances)
    local_watch(tmp_path, f"""
[[sources]]
name = "masto"
kind = "mastodon"
instances = ["{one}", "{two}"]
{keys or 'hashtags = ["#acme"]'}
""")
    return tmp_path / "watch.toml"


def items(db):
    return {r[0]: r[1:] for r in db_rows(db, "SELECT url, author, text, lang, published_at, "
                                             "title, score FROM items")}


def test_hashtags_accounts_and_search_through_the_cli(instances, tmp_path):
    config = watch(tmp_path, instances, 'hashtags = ["#acme"]\naccounts = ["acme@social.example"]'
                                        '\nsearch = ["acme"]')
    db = tmp_path / "veille.duckdb"
    proc = collect(config, db, env={"VEILLE_MASTODON_TOKEN_127_0_0_1": TOKEN})
    got = items(db)
    # S1, S2 (on both instances), S3 from page two, the account's own post (not its boost),
    # and the search hit: five posts.
    assert len(got) == 5, got
    s1 = got["https://social.example/@alice/statuses/1"]
    assert s1[:3] == ("alice@social.example", "Le nouveau #acme est l'arnaque de l'année", "fr")
    assert str(s1[3]) == "2026-03-02 10:00:00" and s1[5] == 4
    assert got["https://social.example/@alice/statuses/0"][4] == "prix"  # content warning
    assert got["https://other.example/@bob/statuses/9"][0] == "bob@other.example"
    assert "https://third.example/@dan/statuses/4" in got
    assert TOKEN not in proc.stdout + proc.stderr
    searches = [r for i in instances for r in i.server.hits("/api/v2/search")]
    # One per instance, each with the token the environment gave, as a header (a URL is logged).
    assert [r.header("Authorization") for r in searches] == [f"Bearer {TOKEN}"] * 2
    assert not any(TOKEN in r.target for i in instances for r in i.server.requests)
    # Only the search carries the token: public timelines are read without it.
    assert not any(r.header("Authorization") for r in instances[0].server.requests
                   if r.path != "/api/v2/search")

    instances[0].tag_pages = [[S1, S2]]
    collect(config, db, env={"VEILLE_MASTODON_TOKEN": TOKEN})
    assert len(items(db)) == 5
    tag = [r.query.get("since_id") for r in instances[0].server.hits("/api/v1/timelines/tag/acme")]
    assert tag == [None, None, ["105"]]  # first run: two pages; second: only newer than 105


def test_search_alone_without_a_token_says_which_variable(instances, tmp_path):
    config, db = watch(tmp_path, instances, 'search = ["acme"]'), tmp_path / "veille.duckdb"
    proc = collect(config, db, check=False)
    assert proc.returncode != 0 and "VEILLE_MASTODON_TOKEN" in proc.stdout + proc.stderr
    assert db_rows(db, "SELECT last_error_kind FROM sources") == [("auth_missing",)]
    assert instances[0].server.hits("/api/v2/search") == []


@pytest.mark.parametrize("answer, kind", [
    ((429, {"Retry-After": "3600", "X-RateLimit-Remaining": "0"}, '{"error":"Too many"}'),
     "rate_limited"),
    ((500, {}, '{"error":"boom"}'), "http_error"),
    ((200, {}, "[{\"id\": "), "parse_error"),
    ((200, {}, '{"error": "not a list"}'), "parse_error"),
])
def test_faults_are_classified_on_the_source(instances, tmp_path, answer, kind):
    for instance in instances:
        instance.fail = answer
    config, db = watch(tmp_path, instances), tmp_path / "veille.duckdb"
    assert collect(config, db, check=False).returncode != 0
    assert db_rows(db, "SELECT last_error_kind FROM sources WHERE name = 'masto'") == [(kind,)]


def test_without_a_token_hashtags_are_read_and_the_skipped_search_shows_in_health(instances,
                                                                                   tmp_path):
    from store.alerts import source_health

    config = watch(tmp_path, instances, 'hashtags = ["#acme"]\nsearch = ["acme"]')
    db = tmp_path / "veille.duckdb"
    proc = collect(config, db, env={"VEILLE_MASTODON_TOKEN": ""})
    assert len(items(db)) == 3  # S1, S2 and S3 from the tag timelines
    assert all(i.server.hits("/api/v2/search") == [] for i in instances)
    assert "searches skipped without an access token" in proc.stdout + proc.stderr
    health = source_health(db)
    assert health["status"].tolist() == ["warnings"]  # not "ok": the searches were left out


def reply(status_: dict, to: str) -> dict:
    """``status_`` as a reply to the status the instance knows by the local id ``to``."""
    return dict(status_, in_reply_to_id=to, in_reply_to_account_id="7")


ASKED = status(500, "https://social.example/users/alice/statuses/50",
               "<p>Acme, ma box ne marche plus depuis hier, une solution ?</p>",
               "2026-03-02T08:00:00.000Z")
UNANSWERED = status(501, "https://social.example/users/eve/statuses/51",
                    "<p>Acme, le service client répond quand ?</p>", "2026-03-02T08:30:00.000Z",
                    acct="eve", profile="https://social.example/@eve")
ANSWER = reply(status(520, "https://social.example/users/acme/statuses/52",
                      "<p>@alice nous regardons votre ligne, un technicien vous rappelle</p>",
                      "2026-03-02T09:00:00.000Z", acct="acme",
                      profile="https://social.example/@acme"), "500")
OLD_PARENT = "https://other.example/users/bob/statuses/7"
TO_OLD = reply(status(510, "https://social.example/users/carol/statuses/53",
                      "<p>acme : pareil chez moi</p>", "2026-03-02T10:00:00.000Z",
                      acct="carol", profile="https://social.example/@carol"), "77")
TO_GONE = reply(status(511, "https://social.example/users/dan/statuses/54",
                       "<p>acme : supprimé ?</p>", "2026-03-02T10:30:00.000Z",
                       acct="dan", profile="https://social.example/@dan"), "88")


def threads(request: Request):
    """An instance whose tag timeline holds questions and replies to posts it does not list,
    and whose brand account answered one question."""
    arg = {k: v[0] for k, v in request.query.items()}
    if request.path == "/api/v1/timelines/tag/acme":
        return 200, JSON, json.dumps([TO_GONE, TO_OLD, UNANSWERED, ASKED])
    if request.path == "/api/v1/accounts/lookup" and arg.get("acct") == "acme@social.example":
        return 200, JSON, json.dumps({"id": "42", "acct": "acme"})
    if request.path == "/api/v1/accounts/42/statuses":
        return 200, JSON, json.dumps([ANSWER])
    if request.path == "/api/v1/statuses/77":  # an older post, read in no timeline this run
        return 200, JSON, json.dumps(dict(S2, id="77", uri=OLD_PARENT))
    return 404, JSON, '{"error":"Record not found"}'


def test_replies_join_their_parent_so_an_answered_question_stops_waiting(tmp_path):
    from datetime import date

    from collectors.base import parent_item_id
    from store.community import needs_answer
    from store.filters import Filters

    with LocalServer(fallback=threads) as server:
        local_watch(tmp_path, f"""
[[sources]]
name = "masto"
kind = "mastodon"
instances = ["{server.url("").rstrip("/")}"]
hashtags = ["acme"]
accounts = ["acme@social.example"]
""", brands='[[brands]]\nname = "Acme"\nquery = "acme"\nown = true\n')
        db = tmp_path / "veille.duckdb"
        collect(tmp_path / "watch.toml", db)
        lookups = [r.path for r in server.requests if r.path.startswith("/api/v1/statuses/")]
    parents = dict(db_rows(db, "SELECT url, parent_id FROM items"))
    # The brand's answer, read in another timeline, joins the question it answers; a reply to
    # an older post joins it by the uri the instance gave; a reply to a deleted post is still
    # a reply (of no stored post); posts that open a conversation have no parent.
    assert parents[ANSWER["url"]] == parent_item_id(ASKED["uri"])
    assert parents[TO_OLD["url"]] == parent_item_id(OLD_PARENT)
    stored = {row[0] for row in db_rows(db, "SELECT item_id FROM items")}
    assert parents[TO_GONE["url"]] is not None and parents[TO_GONE["url"]] not in stored
    assert parents[ASKED["url"]] is None and parents[UNANSWERED["url"]] is None
    # Only the parents not read this run were asked for, once each.
    assert sorted(lookups) == ["/api/v1/statuses/77", "/api/v1/statuses/88"]

    waiting = needs_answer(db, Filters(start=date(2026, 3, 1), end=date(2026, 3, 3)), "Acme")
    assert waiting["url"].tolist() == [UNANSWERED["url"]]
