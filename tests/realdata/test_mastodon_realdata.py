"""The mastodon source over real Mastodon answers (../shared/realdata/mastodon): recorded hashtag
timelines (four Link-chained pages), an account's statuses and a search replayed at the
instances' own paths through the real CLI, and every other recorded status read by the parser."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from collectors.mastodon import status_item, statuses_of
from collectors.urls import redact_url
from tests.conftest import collect, db_rows, local_watch
from tests.localserver import LocalServer
from tests.realdata.cassettes import Replay, load

pytestmark = pytest.mark.realdata

ACCOUNT_ID = "109302436954721982"  # schochastics@fosstodon.org, whose statuses were recorded
TOKEN = "test-token-not-a-real-one-0123456789"


def cassettes(realdata: Path, names: list[str]) -> list:
    folder = realdata / "mastodon"
    return [r for name in names for path in folder.glob(f"*/{name}") for r in load(path)]


def test_recorded_timelines_account_and_search_through_the_cli(realdata, tmp_path):
    social = Replay(cassettes(realdata, ["get_timeline_hashtag_anonymous.yml",
                                         "handle_params_max_id.yml",
                                         "test_entity_searchv2.yaml"]), ["mastodon.social"],
                    empty={"/api/v1/timelines/tag/rstats": "[]",
                           "/api/v1/timelines/tag/ichbinhanna": "[]",
                           "/api/v2/search": '{"accounts": [], "statuses": []}'})
    for rec in social.recordings:
        if rec.path == "/api/v2/search":
            # Recorded with resolve=1 (Mastodon.py's own test); Veille asks type=statuses
            # without resolving remote URLs: the statuses in the answer are what it reads.
            rec.query = {"q": rec.query["q"]}
    # No lookup was recorded: this one answer is ours, the statuses it leads to are real.
    fosstodon = Replay(cassettes(realdata, ["get_account_statuses_default.yml"]),
                       ["fosstodon.org"],
                       empty={"/api/v1/accounts/lookup": json.dumps({"id": ACCOUNT_ID}),
                              f"/api/v1/accounts/{ACCOUNT_ID}/statuses": "[]"})
    expected: dict[str, dict] = {}
    for rec in social.recordings + fosstodon.recordings:
        if "/instance" in rec.path:
            continue
        data = json.loads(rec.body)
        for s in statuses_of(data, "statuses" if rec.path == "/api/v2/search" else None):
            if not s["reblog"]:
                expected[s["uri"]] = s
    with LocalServer(fallback=social.route) as one, \
            LocalServer(fallback=fosstodon.route) as two:
        social.base, fosstodon.base = one.url("").rstrip("/"), two.url("").rstrip("/")
        local_watch(tmp_path, f"""
[[sources]]
name = "masto"
kind = "mastodon"
instances = ["{social.base}", "{fosstodon.base}"]
hashtags = ["rstats", "ichbinhanna"]
accounts = ["schochastics@fosstodon.org"]
search = ["halcy"]
""")
        config, db = tmp_path / "watch.toml", tmp_path / "veille.duckdb"
        env = {"VEILLE_MASTODON_TOKEN": TOKEN}
        collect(config, db, env=env)
        first = db_rows(db, "SELECT item_id, url, text, author, published_at, lang FROM items")
        collect(config, db, env=env)
        assert db_rows(db, "SELECT count(*) FROM items")[0][0] == len(first)
        pages = [r.query.get("max_id") for r in one.requests
                 if r.path == "/api/v1/timelines/tag/ichbinhanna"]
    print(f"mastodon: {len(first)} statuses stored")
    assert len(first) == len(expected) > 180
    # The store masks URL parts that look like tokens (a Misskey note id among them).
    assert {row[1] for row in first} == {redact_url(s["url"] or s["uri"])
                                         for s in expected.values()}
    assert all(text and "@" in author and published and lang
               for _, _, text, author, published, lang in first)
    # Four recorded pages chained by Link, a fifth nobody recorded (empty), then the second
    # run asks only for what is newer than the newest seen.
    assert len(pages) == 6 and pages[0] is None and pages[5] is None
    assert {"de", "en"} <= {row[5] for row in first}


def test_every_recorded_status_is_read(realdata):
    names = ["get_context_default.yml", "get_context_with_ancesters.yml",
             "get_timeline_public_anonymous.yml", "test_entity_quote.yaml"]
    statuses = []
    for rec in cassettes(realdata, names):
        data = json.loads(rec.body)
        if isinstance(data, dict) and "descendants" in data:
            statuses += data["ancestors"] + data["descendants"]
        elif isinstance(data, dict):
            statuses.append(data)
        else:
            statuses += data
    items = [status_item(s, "https://mastodon.social") for s in statuses if not s["reblog"]]
    print(f"mastodon: {sum(i is not None for i in items)} of {len(items)} statuses read")
    assert len(items) > 80 and all(i is not None for i in items)
    assert all(i.text and "@" in i.author and i.published_at and i.url for i in items)
    assert any(i.extra.get("quote_uri") for i in items)
    assert not any(re.search(r"</?(p|a|span|br)\b", i.text) for i in items)  # text, not HTML
