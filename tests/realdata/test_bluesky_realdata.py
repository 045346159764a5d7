"""The bluesky source over real Bluesky answers (../shared/realdata/bluesky): recorded searches and
an author feed replayed at the AppView's own XRPC paths through the real CLI, and every post
view médialab collected as hard cases read by the parser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from collectors.bluesky import post_item, thread_posts
from tests.conftest import collect, db_rows, local_watch
from tests.localserver import LocalServer
from tests.realdata.cassettes import Recording, Replay, load

pytestmark = pytest.mark.realdata

XRPC = "/xrpc/app.bsky.feed."


def recordings(realdata: Path) -> list[Recording]:
    """The bskyr cassettes and atrrr's raw search body, as recorded GETs."""
    folder = realdata / "bluesky"
    found = [r for name in ("f_search.yml", "f_autfeed.yml")
             for r in load(folder / "bskyr_vcr_cassettes" / name)]
    index = json.loads((folder / "atrrr_recorded_bodies" / "index.json").read_text())
    for name, meta in index.items():
        body = (folder / "atrrr_recorded_bodies" / name).read_text(encoding="utf-8")
        found.append(Recording(meta["request_url"], meta["http_status"], {}, body))
    return found


def test_recorded_searches_and_feed_through_the_cli(realdata, tmp_path):
    replay = Replay(recordings(realdata), ["bsky.social"],
                    empty={XRPC + "searchPosts": '{"posts": []}',
                           XRPC + "getAuthorFeed": '{"feed": []}'})
    expected: dict[str, dict] = {}
    for rec in replay.recordings:
        data = json.loads(rec.body)
        if rec.path == XRPC + "searchPosts":
            expected.update((p["uri"], p) for p in data["posts"])
        elif rec.path == XRPC + "getAuthorFeed":
            # Reposts are someone else's posts: the account's feed gives its own.
            expected.update((e["post"]["uri"], e["post"]) for e in data["feed"]
                            if "reason" not in e)
    with LocalServer(fallback=replay.route) as server:
        replay.base = server.url("").rstrip("/")
        local_watch(tmp_path, f"""
[[sources]]
name = "sky"
kind = "bluesky"
search = ["redistricting", "rstats"]
accounts = ["chriskenny.bsky.social"]
api_url = "{server.url('/')}"
""")
        config, db = tmp_path / "watch.toml", tmp_path / "veille.duckdb"
        collect(config, db)
        first = db_rows(db, "SELECT url, text, author, published_at, lang FROM items")
        collect(config, db)
        assert db_rows(db, "SELECT count(*) FROM items")[0][0] == len(first)
        cursors = [r.query.get("cursor") for r in server.requests if r.path.startswith(XRPC)]
    print(f"bluesky: {len(first)} posts from {len(replay.recordings)} recorded answers")
    assert len(first) == len(expected) > 150
    urls = {row[0] for row in first}
    for uri, view in expected.items():
        rkey = uri.rsplit("/", 1)[1]
        assert f"https://bsky.app/profile/{view['author']['handle']}/post/{rkey}" in urls
    assert all(text and author and published and lang for _, text, author, published, lang
               in first)
    # Every recorded page announced a cursor: each was followed once, then nothing was new.
    assert cursors.count(None) == 6 and len(cursors) == 9
    langs = {row[4] for row in first}
    assert {"en", "es"} <= langs


def test_every_collected_post_view_is_read(realdata):
    folder = realdata / "bluesky" / "twitwi_postviews"
    views = json.loads((folder / "bluesky-posts.json").read_text(encoding="utf-8"))
    items = [post_item(v["post"] if isinstance(v.get("post"), dict) else v) for v in views]
    print(f"twitwi: {sum(i is not None for i in items)} of {len(views)} post views read")
    assert all(item is not None for item in items)
    assert len({i.id for i in items}) == len({v.get("uri") or v["post"]["uri"] for v in views})
    assert all(i.url.startswith("https://bsky.app/profile/") and i.author and i.text
               for i in items)
    declared = [i for i in items if i.extra.get("langs")]
    assert all(i.lang for i in declared) and any(i.lang == "fr" for i in declared)
    # Only the post whose client and AppView both wrote year 0 goes without a date.
    assert sum(i.published_at is None for i in items) == 1
    assert any(i.extra.get("quote_uri") for i in items)


def test_a_recorded_thread_gives_its_replies(realdata):
    body = (realdata / "bluesky" / "atrrr_recorded_bodies"
            / "app.bsky.feed.getPostThread_72827.json").read_text(encoding="utf-8")
    items = [post_item(p) for p in thread_posts(json.loads(body)["thread"])]
    assert len(items) == 4 and items[0].parent_id is None
    assert [i.parent_id for i in items[1:]] == [f"bluesky:{i.id.split(':', 1)[1]}"
                                                for i in items[:-1]]
