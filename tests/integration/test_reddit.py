"""The reddit source against a fake Reddit API on 127.0.0.1: praw for real, cursors, failures."""

from __future__ import annotations

import ipaddress
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from analysis.query import compile_query
from collectors.base import ConfigurationMissing, Context, Item
from collectors.reddit import (
    RedditAuthFailed,
    RedditCollector,
    RedditConfigError,
    RedditForbidden,
    RedditRateLimited,
)
from config.watch import CollectSettings
from tests.conftest import ROOT
from tests.conftest import db_rows as query
from tests.fakereddit import FakeReddit

CLIENT_ID = "veille-test-client"
# Known so that every test can look for it where it must never appear.
SECRET = "s3cr3t-Veille-7d41c0e9b2"
LOCAL = CollectSettings(allow_networks=[ipaddress.ip_network("127.0.0.0/8")], timeout=5.0)


@pytest.fixture
def fake():
    with FakeReddit(CLIENT_ID, SECRET) as server:
        yield server


@pytest.fixture
def creds(monkeypatch, tmp_path):
    """praw's own environment variables, and no praw.ini of the machine's user."""
    monkeypatch.setenv("praw_client_id", CLIENT_ID)
    monkeypatch.setenv("praw_client_secret", SECRET)
    monkeypatch.setenv("praw_user_agent", "python:veille-tests:0.1 (by /u/veille)")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


class Brand:
    """The parts of config.Brand the collector reads."""

    def __init__(self, name: str, query: str):
        self.name, self.query, self.compiled = name, query, compile_query(query)


class Run:
    """A Context that keeps its state between runs and records warnings."""

    def __init__(self, brands=()):
        self.state: dict = {}
        self.brands = list(brands)
        self.warnings: list[str] = []

    def __call__(self, collector: RedditCollector) -> list:
        ctx = Context(state=self.state, brands=self.brands, collect=LOCAL,
                      warn=self.warnings.append)
        return list(collector.collect(ctx))


def reddit(fake: FakeReddit, name: str = "reddit", **settings) -> RedditCollector:
    return RedditCollector(name, {"oauth_url": fake.url, "reddit_url": fake.url} | settings)


def by_id(items) -> dict:
    return {i.id: i for i in items}


# -- what a run collects ---------------------------------------------------------------------------
def test_first_run_maps_posts_and_comments(fake, creds):
    post = fake.post("Rockets", "Acme Rockets launch", "Launch went fine", author="alice",
                     score=42)
    link = fake.post("Rockets", "Acme review", link="https://example.org/review", author=None)
    gone = fake.post("Rockets", "spam", "buy now")
    fake.remove(gone)
    mine = fake.post("Rockets", "I deleted this", "oops")
    fake.remove(mine, by="author")
    top = fake.comment(post, "Congrats!", author="bob", score=5)
    reply = fake.comment(top, "Thanks", author="alice")
    fake.remove(fake.comment(post, "rude words", author="troll"))
    orphan = fake.comment(top, "still here", author=None)  # account deleted, text kept

    run = Run()
    items = by_id(run(reddit(fake, subreddits=["Rockets"])))

    assert set(items) == {f"reddit:{t.fullname}" for t in (post, link, top, reply, orphan)}
    p = items[f"reddit:{post.fullname}"]
    assert (p.kind, p.title, p.text, p.author, p.score, p.comments) == (
        "reddit", "Acme Rockets launch", "Launch went fine", "alice", 42, 4)
    assert p.url == f"{fake.url}{post.permalink}"
    assert p.published_at == datetime.fromtimestamp(post.created_utc, UTC).replace(tzinfo=None)
    assert p.parent_id is None
    lk = items[f"reddit:{link.fullname}"]
    assert lk.text == "https://example.org/review" and lk.author is None
    c = items[f"reddit:{top.fullname}"]
    assert (c.text, c.author, c.score, c.title) == ("Congrats!", "bob", 5, None)
    assert c.parent_id == f"reddit:{post.fullname}"
    assert items[f"reddit:{reply.fullname}"].parent_id == f"reddit:{top.fullname}"
    assert items[f"reddit:{orphan.fullname}"].author is None
    assert run.warnings == []  # removed and deleted things are skipped quietly


def test_published_at_is_naive_utc_from_created_utc(fake, creds):
    post = fake.post("Rockets", "When", "now", created_utc=1_700_000_000.0)
    item, = Run()(reddit(fake, subreddits=["Rockets"], comments=False))
    assert item.id == f"reddit:{post.fullname}"
    assert item.published_at.tzinfo is None
    assert item.published_at.isoformat() == "2023-11-14T22:13:20"


def test_second_run_fetches_only_what_is_new(fake, creds):
    first = [fake.post("Rockets", f"post {i}", "text") for i in range(3)]
    fake.comment(first[0], "a comment")
    run = Run()
    collector = reddit(fake, subreddits=["Rockets"])
    got1 = run(collector)
    assert len(got1) == 4

    later = fake.post("Rockets", "post 3", "text")
    reply = fake.comment(first[1], "late comment on an old post")
    before = len(fake.requests)
    got2 = run(collector)

    assert sorted(i.id for i in got2) == sorted([f"reddit:{later.fullname}",
                                                  f"reddit:{reply.fullname}"])
    listed = [r for r in fake.requests[before:] if r.path.startswith("/r/")]
    assert listed[0].path == "/r/Rockets/new" and listed[0].query["before"] == first[-1].fullname
    assert listed[1].path == "/r/Rockets/comments"
    assert listed[1].query["before"] == first[0].comments[0].fullname

    before = len(fake.requests)
    assert run(collector) == []  # a third run with nothing new yields nothing
    assert all("after" not in r.query for r in fake.requests[before:])


def test_backlog_beyond_limit_is_read_over_the_next_runs(fake, creds):
    fake.post("Rockets", "old", "text")
    run = Run()
    collector = reddit(fake, subreddits=["Rockets"], comments=False, limit=3)
    assert len(run(collector)) == 1
    burst = [fake.post("Rockets", f"burst {i}", "text") for i in range(8)]

    runs = [run(collector) for _ in range(4)]

    assert [len(r) for r in runs] == [3, 3, 2, 0]
    ids = [i.id for r in runs for i in r]
    assert ids and len(ids) == len(set(ids))
    # Oldest first, so a stopped run leaves no hole behind its cursor.
    assert set(ids[:3]) == {f"reddit:{p.fullname}" for p in burst[:3]}
    assert set(ids) == {f"reddit:{p.fullname}" for p in burst}


def test_an_anchor_reddit_stops_listing_does_not_stall_the_subreddit(fake, creds):
    keep = fake.post("Rockets", "kept", "text")
    anchor = fake.post("Rockets", "soon purged", "text")
    run = Run()
    collector = reddit(fake, subreddits=["Rockets"], comments=False)
    assert len(run(collector)) == 2
    fake.remove(anchor, unlist=True)  # Reddit now answers before=<anchor> with nothing
    after = fake.post("Rockets", "posted after", "text")

    got = run(collector)

    assert [i.id for i in got] == [f"reddit:{after.fullname}"]  # and `keep` not again
    assert run.state["listings"]["r/rockets/new"]["newest"] == after.fullname
    later = fake.post("Rockets", "and later", "text")
    mark = len(fake.requests)
    assert [i.id for i in run(collector)] == [f"reddit:{later.fullname}"]
    asked = [r for r in fake.requests[mark:] if r.path == "/r/Rockets/new"]
    assert [r.query.get("before") for r in asked] == [after.fullname]  # back on the cursor
    assert keep.fullname in run.state["listings"]["r/rockets/new"]["seen"]


def test_search_finds_brand_terms_and_their_comments(fake, creds):
    hit = fake.post("gadgets", "My Acme Rockets order", "arrived late", author="dan")
    tag = fake.post("deals", "Cheap flights", "found via @acmerockets", author="eve")
    fake.post("gadgets", "Nothing to see", "unrelated")
    answer = fake.comment(hit, "Same here", author="fay")
    run = Run([Brand("Acme", '"Acme Rockets" OR @acmerockets')])
    collector = reddit(fake, search=True)

    items = by_id(run(collector))

    assert set(items) == {f"reddit:{hit.fullname}", f"reddit:{tag.fullname}",
                          f"reddit:{answer.fullname}"}
    assert items[f"reddit:{answer.fullname}"].parent_id == f"reddit:{hit.fullname}"
    searches = fake.api_requests("/search")
    assert searches[0].query["q"] == '"Acme Rockets" OR acmerockets'
    assert searches[0].query["sort"] == "new"
    assert fake.api_requests(f"/comments/{hit.id}")

    assert run(collector) == []  # nothing is collected twice
    newer = fake.post("space", "acmerockets again", "second time", author="gus")
    assert [i.id for i in run(collector)] == [f"reddit:{newer.fullname}"]


def test_search_uses_the_brand_name_when_the_query_has_no_plain_terms(fake, creds):
    post = fake.post("misc", "Globex rocks", "yes")
    brand = Brand("Globex", "globex")
    brand.compiled.terms = []  # a query made only of exclusions has no positive term
    items = Run([brand])(reddit(fake, search=True, comments=False))
    assert [i.id for i in items] == [f"reddit:{post.fullname}"]
    assert fake.api_requests("/search")[0].query["q"] == '"Globex"'



def test_long_threads_stop_at_reddits_more_placeholders(creds):
    with FakeReddit(CLIENT_ID, SECRET, comment_budget=4, max_depth=3) as fake:
        hit = fake.post("gadgets", "acmerockets thread", "long one")
        tops = [fake.comment(hit, f"top {i}") for i in range(6)]
        deep = tops[0]
        for level in range(4):
            deep = fake.comment(deep, f"level {level}")
        _status, _headers, pair = fake.comments_of(hit.id, {"limit": "100"})
        kinds = [c["kind"] for c in pair[1]["data"]["children"]]
        assert "more" in kinds  # the fake cut the thread the way Reddit does

        items = Run([Brand("Acme", "acmerockets")])(reddit(fake, search=True))

    comments = [i for i in items if i.id.startswith("reddit:t1_")]
    assert len(comments) == 4  # what one request gives; `more` is not expanded
    assert all(i.parent_id for i in comments)


def test_an_expired_token_is_renewed_mid_run(fake, creds):
    for i in range(3):
        fake.post("Rockets", f"post {i}", "text")
    fake.post("Moons", "moon post", "text")
    collector = reddit(fake, subreddits=["Rockets", "Moons"], comments=False)
    ctx = Context(state={}, collect=LOCAL, warn=lambda m: None)
    stream = collector.collect(ctx)
    first = next(stream)
    fake.tokens.clear()  # Reddit forgets the token between two requests
    rest = list(stream)

    assert len([first, *rest]) == 4
    assert [r.status for r in fake.requests].count(401) == 1
    assert sum(1 for r in fake.requests if r.path == "/api/v1/access_token") == 2

# -- what goes wrong -------------------------------------------------------------------------------
def test_refused_subreddits_are_warned_and_the_others_continue(fake, creds):
    fake.subreddit("shady", quarantined=True)
    fake.subreddit("club", private=True)
    fake.subreddit("gone", banned=True)
    good = fake.post("Rockets", "fine", "text")
    run = Run()

    items = run(reddit(fake, subreddits=["shady", "club", "gone", "nosuchplace", "Rockets"]))

    assert [i.id for i in items] == [f"reddit:{good.fullname}"]
    assert len(run.warnings) == 4  # one per refused subreddit, not one per listing
    text = "\n".join(run.warnings)
    assert "r/shady" in text and "quarantined" in text
    assert "r/club" in text and "private" in text
    assert "r/gone" in text and "banned" in text
    assert "r/nosuchplace" in text and "no such subreddit" in text
    assert "r/rockets/new" in run.state["listings"]


def test_a_source_whose_every_subreddit_is_refused_fails(fake, creds):
    fake.subreddit("shady", quarantined=True)
    with pytest.raises(RedditForbidden) as err:
        Run()(reddit(fake, subreddits=["shady"]))
    assert err.value.category == "forbidden" and "quarantined" in str(err.value)


def test_429_stops_the_run_as_rate_limited(fake, creds):
    fake.post("Rockets", "fine", "text")
    fake.rate_limited = True
    with pytest.raises(RedditRateLimited) as err:
        Run()(reddit(fake, subreddits=["Rockets", "other"]))
    assert err.value.category == "rate_limited"
    assert len(fake.api_requests("/r/")) == 1  # no hammering once Reddit said stop
    assert fake.requests[-1].status == 429


def test_missing_credentials_fail_before_any_request(fake, monkeypatch, tmp_path):
    for key in ("praw_client_id", "praw_client_secret", "praw_user_agent", "praw_site"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("praw_client_id", CLIENT_ID)  # the secret alone is missing
    with pytest.raises(ConfigurationMissing) as err:
        Run()(reddit(fake, "brandwatch", subreddits=["Rockets"]))
    assert err.value.category == "auth_missing"
    assert str(err.value).startswith(
        "reddit source 'brandwatch': set praw_client_id and praw_client_secret in the "
        "environment or praw.ini")
    assert fake.requests == []


def test_a_wrong_secret_is_auth_failed_and_never_echoed(fake, creds, monkeypatch):
    monkeypatch.setenv("praw_client_secret", "not-the-right-one-93ab")
    with pytest.raises(RedditAuthFailed) as err:
        Run()(reddit(fake, subreddits=["Rockets"]))
    assert err.value.category == "auth_failed"
    assert "not-the-right-one-93ab" not in str(err.value)
    assert fake.requests[0].path == "/api/v1/access_token" and fake.requests[0].auth == "basic"


def test_praw_user_agent_missing_falls_back_to_veilles(fake, creds, monkeypatch):
    monkeypatch.delenv("praw_user_agent")
    fake.post("Rockets", "fine", "text")
    Run()(reddit(fake, subreddits=["Rockets"], comments=False))
    assert fake.requests[-1].user_agent.startswith("Veille/")
    assert "PRAW/" in fake.requests[-1].user_agent


@pytest.mark.parametrize(("settings", "expected"), [
    ({}, "nothing to collect"),
    ({"subreddits": ["ok", "not a name!"]}, "'not a name!' is not a subreddit name"),
    ({"subreddits": ["ok"], "limit": 0}, "field 'limit'"),
    ({"subreddits": ["ok"], "oauth_url": "http://reddit.example.com"}, "plain http"),
    ({"search": True}, "needs at least one [[brands]]"),
])
def test_settings_that_cannot_work_fail_clearly(fake, creds, settings, expected):
    collector = RedditCollector("mine", {"oauth_url": fake.url, "reddit_url": fake.url}
                                | settings)
    with pytest.raises(RedditConfigError) as err:
        Run()(collector)
    assert err.value.category == "config"
    assert expected in str(err.value) and "'mine'" in str(err.value)
    assert fake.requests == []


def test_plain_http_needs_allow_networks(fake, creds):
    collector = reddit(fake, subreddits=["Rockets"])
    ctx = Context(state={}, collect=CollectSettings(), warn=lambda m: None)
    with pytest.raises(RedditConfigError, match="allow_networks"):
        list(collector.collect(ctx))


# -- through the real CLI into a real DuckDB file --------------------------------------------------
WATCH = """name = "reddit test"

[[brands]]
name = "Acme"
query = '"Acme Rockets" OR acmerockets'

[[brands]]
name = "Globex"
query = "globex"

[collect]
allow_networks = ["127.0.0.0/8"]
timeout = 5

[[sources]]
name = "subs"
kind = "reddit"
site = "veille_fake"
subreddits = ["Rockets", "shady"]
oauth_url = "{url}"
reddit_url = "{url}"

[[sources]]
name = "nocreds"
kind = "reddit"
site = "half_configured"
search = true
oauth_url = "{url}"
reddit_url = "{url}"
"""

PRAW_INI = f"""[veille_fake]
client_id = {CLIENT_ID}
client_secret = {SECRET}
user_agent = python:veille-tests:0.1 (by /u/veille)

[half_configured]
client_id = {CLIENT_ID}
user_agent = python:veille-tests:0.1 (by /u/veille)
"""


def run_cli(config: Path, db: Path, xdg: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.lower().startswith("praw_")}
    env["XDG_CONFIG_HOME"] = str(xdg)
    return subprocess.run(
        [sys.executable, "-m", "collectors", "run", "--config", str(config), "--db", str(db)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)




def assert_nowhere(needles: list[str], db: Path, outputs: list[str]) -> None:
    """The secrets are in no output, no stored value, and no byte of the database file."""
    raw = db.read_bytes()
    for needle in needles:
        assert needle.encode() not in raw
        for out in outputs:
            assert needle not in out
    tables = [t for (t,) in query(db, "SELECT table_name FROM information_schema.tables "
                                      "WHERE table_type = 'BASE TABLE'")]
    for table in tables:
        for row in query(db, f'SELECT * FROM "{table}"'):
            text = "\n".join(str(v) for v in row)
            for needle in needles:
                assert needle not in text, table


def stored_id(thing) -> str:
    """The item_id a Reddit post or comment is stored under (replies point at it)."""
    return Item(source="subs", kind="reddit", text="", id=f"reddit:{thing.fullname}").item_id


def test_cli_two_runs_into_duckdb(fake, tmp_path):
    fake.subreddit("shady", quarantined=True)
    post = fake.post("Rockets", "Acme Rockets launch day", "It flew!", author="alice", score=7)
    top = fake.comment(post, "globex could never", author="bob", score=3)
    reply = fake.comment(top, "agreed", author="carol")
    fake.post("Rockets", "Unrelated", link="https://example.org/x", author=None)
    xdg = tmp_path / "xdg"
    xdg.mkdir()
    (xdg / "praw.ini").write_text(PRAW_INI, encoding="utf-8")
    config = tmp_path / "watch.toml"
    config.write_text(WATCH.format(url=fake.url), encoding="utf-8")
    db = tmp_path / "veille.duckdb"

    first = run_cli(config, db, xdg)

    assert first.returncode == 1, first.stderr  # one source failed, as it should
    lines = dict(line.split(":", 1) for line in first.stdout.strip().splitlines())
    assert lines["subs"].startswith(" ok — 4 seen, 4 new")
    assert "1 warnings" in lines["subs"]
    assert "failed" in lines["nocreds"] and "auth_missing" in lines["nocreds"]
    assert "praw_client_secret" in lines["nocreds"]
    assert "quarantined" in first.stderr
    rows = query(db, "SELECT title, text, author, score, comments, parent_id, url FROM items "
                     "WHERE source = 'subs' ORDER BY published_at")
    assert rows[0] == ("Acme Rockets launch day", "It flew!", "alice", 7, 2, None,
                       f"{fake.url}{post.permalink}")
    assert rows[1][1:4] == ("globex could never", "bob", 3)
    # Stored as the parent's item id, so a comment joins its post on item_id.
    assert rows[1][5] == stored_id(post)
    assert rows[2][5] == stored_id(top)
    assert rows[3][2] is None
    assert set(query(db, "SELECT brand FROM mentions")) == {("Acme",), ("Globex",)}
    health = dict(query(db, "SELECT name, last_error_kind FROM sources"))
    assert health == {"subs": None, "nocreds": "auth_missing"}

    later = fake.comment(post, "Launch again soon?", author="dan")
    mark = len(fake.requests)
    second = run_cli(config, db, xdg)

    assert "subs: ok — 1 seen, 1 new, 0 updated" in second.stdout
    asked = [r for r in fake.requests[mark:] if r.path.startswith("/r/Rockets")]
    cursors = {r.path: r.query["before"] for r in asked if "before" in r.query}
    newest_post = fake.subreddits["rockets"].posts[-1]
    assert cursors == {"/r/Rockets/new": newest_post.fullname,
                       "/r/Rockets/comments": reply.fullname}
    assert not any("after" in r.query for r in asked)  # never paged back through old items
    assert query(db, "SELECT count(*), count(DISTINCT item_id) FROM items") == [(5, 5)]
    assert query(db, "SELECT parent_id FROM items WHERE text = 'Launch again soon?'") == [
        (stored_id(post),)]
    assert later.fullname
    assert_nowhere([SECRET, *fake.tokens], db,
                   [first.stdout, first.stderr, second.stdout, second.stderr])


def test_cli_rate_limited_source_is_recorded(fake, tmp_path):
    xdg = tmp_path / "xdg"
    xdg.mkdir()
    (xdg / "praw.ini").write_text(PRAW_INI, encoding="utf-8")
    config = tmp_path / "watch.toml"
    config.write_text(WATCH.format(url=fake.url).split('[[sources]]\nname = "nocreds"')[0],
                      encoding="utf-8")
    db = tmp_path / "veille.duckdb"
    fake.post("Rockets", "Acme Rockets", "x")
    fake.rate_limited = True

    proc = run_cli(config, db, xdg)

    assert proc.returncode == 1
    assert "subs: failed" in proc.stdout and "rate_limited" in proc.stdout
    assert dict(query(db, "SELECT name, last_error_kind FROM sources")) == {
        "subs": "rate_limited"}
    assert_nowhere([SECRET, *fake.tokens], db, [proc.stdout, proc.stderr])


def test_cli_malformed_praw_ini_never_shows_its_lines(fake, tmp_path):
    xdg = tmp_path / "xdg"
    xdg.mkdir()
    (xdg / "praw.ini").write_text(f"[veille_fake]\nclient_id = {CLIENT_ID}\n"
                                  f"client_secret {SECRET}\n", encoding="utf-8")
    config = tmp_path / "watch.toml"
    config.write_text(WATCH.format(url=fake.url).split('[[sources]]\nname = "nocreds"')[0],
                      encoding="utf-8")
    db = tmp_path / "veille.duckdb"

    proc = run_cli(config, db, xdg)

    assert proc.returncode == 1
    assert "subs: failed" in proc.stdout and "config" in proc.stdout
    assert "praw.ini cannot be read (line 3)" in proc.stdout
    assert fake.requests == []
    assert_nowhere([SECRET], db, [proc.stdout, proc.stderr])
