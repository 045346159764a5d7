"""The brands' own accounts and the presence view: own voice apart, gaps, answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from streamlit.testing.v1 import AppTest

from collectors import kind_options
from config import ConfigError, load_watch
from store.filters import Filters
from store.presence import gaps, presence, responsiveness, voices
from tests.conftest import ROOT, collect
from tests.conftest import db_rows as rows
from tests.localserver import LocalServer
from views.context import make_view, parse_choices
from views.registry import get

NOW = datetime.now(UTC).replace(microsecond=0)


def _feed(titles: list[str]) -> str:
    entries = "".join(
        f"<item><title>{t}</title><link>https://acme.example/blog/{i}</link>"
        f"<guid>https://acme.example/blog/{i}</guid><description>{t}, by Acme.</description>"
        f"<pubDate>{format_datetime(NOW - timedelta(days=i + 1))}</pubDate></item>"
        for i, t in enumerate(titles))
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>Acme blog</title>'
            f"<link>https://acme.example/blog</link>{entries}</channel></rss>")


def test_accounts_are_checked_and_each_becomes_an_own_source(tmp_path):
    config = tmp_path / "watch.toml"
    config.write_text('[[brands]]\nname = "Acme"\nquery = "acme"\n'
                      'accounts = { bluesky = "acme.bsky.social", '
                      'mastodon = "@acme@mastodon.social", web = "https://acme.example/feed" }\n',
                      encoding="utf-8")
    watch = load_watch(config, kinds=kind_options())
    own = {s.name: s for s in watch.sources}
    assert set(own) == {"Acme on bluesky", "Acme on mastodon", "Acme on web"}
    assert {s.own for s in own.values()} == {"Acme"}
    assert own["Acme on mastodon"].settings["instances"] == ["https://mastodon.social"]
    assert own["Acme on mastodon"].settings["accounts"] == ["acme@mastodon.social"]
    assert own["Acme on web"].kind == "feeds"
    assert own["Acme on bluesky"].settings["accounts"] == ["acme.bsky.social"]
    assert own["Acme on bluesky"].settings["max_pages"] == 5  # the kind's defaults are kept

    config.write_text('[[brands]]\nname = "Acme"\nquery = "acme"\n'
                      'accounts = { myspace = "acme", mastodon = "acme" }\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_watch(config, kinds=kind_options())
    message = str(caught.value)
    assert "unknown channel 'myspace'" in message
    assert "accounts.mastodon" in message and "@acme@mastodon.social" in message


def test_own_posts_are_the_brands_voice_not_its_mentions(tmp_path):
    feed = _feed(["Acme launches a new plan", "Acme opens a shop in Lyon", "Acme at VivaTech"])
    with LocalServer({"/feed.xml": (200, {"Content-Type": "application/rss+xml"}, feed)}) as srv:
        (tmp_path / "posts.csv").write_text(
            "id,text,date\n"
            + "".join(f"{i},Acme or Globex? I hesitate ({i}),"
                      f"{(NOW - timedelta(days=i % 5 + 1)):%Y-%m-%d}\n" for i in range(6)),
            encoding="utf-8")
        config = tmp_path / "watch.toml"
        config.write_text(
            '[collect]\nper_host_delay = 0\nallow_networks = ["127.0.0.0/8"]\n\n'
            '[[brands]]\nname = "Acme"\nquery = "acme"\nown = true\n'
            f'accounts = {{ web = "{srv.url("/feed.xml")}" }}\n\n'
            '[[brands]]\nname = "Globex"\nquery = "globex"\n\n'
            '[[sources]]\nname = "posts"\nkind = "file"\npath = "posts.csv"\n'
            'columns = { id = "id", text = "text", published_at = "date" }\n',
            encoding="utf-8")
        db = tmp_path / "v.duckdb"
        proc = collect(config, db)
        assert "Acme on web: ok" in proc.stdout
        again = collect(config, db)
        assert "Acme on web: ok" in again.stdout and ", 0 new" in again.stdout
    assert rows(db, "SELECT own_brand, count(*) FROM items GROUP BY ALL ORDER BY ALL") == [
        ("Acme", 3), (None, 6)]
    # The brand's own posts name it, yet count for nobody's share of voice.
    assert rows(db, "SELECT count(*) FROM mentions m JOIN items i USING (item_id) "
                    "WHERE i.own_brand IS NOT NULL") == [(0,)]
    assert rows(db, "SELECT brand, count(*) FROM mentions GROUP BY ALL ORDER BY ALL") == [
        ("Acme", 6), ("Globex", 6)]
    table = presence(db, Filters())
    acme = table[table["brand"] == "Acme"].set_index("channel")
    assert acme.loc["rss", "posts"] == 3
    assert acme.loc["rss", "account"].endswith("/feed.xml")
    globex = table[(table["brand"] == "Globex") & (table["channel"] == "rss")]
    assert int(globex["posts"].iloc[0]) == 0
    assert [(g.present, g.absent, g.channel) for g in gaps(table)] == [
        ("Acme", "Globex", "rss")]


def test_the_demo_shows_who_answers_and_the_gap(demo_db):
    by_channel = responsiveness(demo_db, Filters(), "channel")
    assert {"Opalia", "Orbis", "Ciel Mobile", "Zephir"} <= set(by_channel["brand"])
    assert (by_channel["answered"] <= by_channel["asked"]).all()
    assert (by_channel["median_hours"].dropna() > 0).all()
    # Tilia's account never answers on the forums: not counted there, and flagged as a gap.
    assert ("Tilia", "forum") not in set(zip(by_channel["brand"], by_channel["channel"],
                                             strict=True))
    table = presence(demo_db, Filters())
    assert any(g.absent == "Tilia" and g.channel == "forum" for g in gaps(table))
    # Opalia answers more of what is asked than Orbis does (the demo's own brand cares).
    overall = responsiveness(demo_db, Filters(), "brand").set_index("brand")
    assert overall.loc["Opalia", "answered_share"] > overall.loc["Orbis", "answered_share"]


def test_the_page_and_the_report_section_show_the_same_presence(monkeypatch, demo_db):
    monkeypatch.setenv("VEILLE_DB", str(demo_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["period"] = "all"
    at.run()
    at.switch_page("pages/presence.py").run()
    assert not at.exception, [e.value for e in at.exception]
    shown = [t.value for t in at.text]
    assert any("where Tilia is absent" in t and "Forums" in t for t in shown)
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Channels where Opalia posts"] == "2 / 2"
    choices, options = parse_choices(demo_db, {"period": ["all"]})
    section = get("presence").build(make_view(demo_db, choices, options))
    assert [t.value for t in section.tiles] == list(tiles.values())
    shown_table = at.dataframe[0].value
    assert list(shown_table.columns) == list(section.tables[0].frame.columns)
    assert (shown_table.astype(str).to_numpy().tolist()
            == section.tables[0].frame.astype(str).to_numpy().tolist())


def test_the_presence_speaks_french(demo_db):
    choices, options = parse_choices(demo_db, {"period": ["all"]})
    section = get("presence").build(make_view(demo_db, choices, options, lang="fr"))
    assert section.title == "Présence"
    assert any("publie" in note and "Tilia est absent" in note for note in section.notes)
    assert "Délai médian de réponse" in [t.label for t in section.tiles]


def test_reach_orders_mentions_and_names_the_loudest_voices(tmp_path):
    from collectors.base import Item
    from collectors.pipeline import Analyser
    from config.watch import Brand, brand_query
    from store import mentions, writing
    from store.writes import now, write_batch

    db = tmp_path / "v.duckdb"
    brands = [Brand(name="Acme", query="acme", compiled=brand_query("acme"))]
    audience = {"ana@masto.example": 120, "bob@masto.example": 98_000, "cy@masto.example": None}
    items = [Item(source="masto", kind="mastodon", text=f"Acme is great, says {who} ({i})",
                  author=who, published_at=NOW - timedelta(hours=i), id=f"m:{who}:{i}",
                  extra={"followers": followers} if followers is not None else {})
             for i, (who, followers) in enumerate(audience.items())]
    item_rows, mention_rows = Analyser(brands).rows(items, "masto", now())
    with writing(db) as con:
        write_batch(con, item_rows, mention_rows, source="masto", kind="mastodon", state={})
    page = mentions.page(db, Filters(), mentions.MentionQuery(sort="reach"))
    assert list(page.rows["author"]) == ["bob@masto.example", "ana@masto.example",
                                         "cy@masto.example"]
    assert list(page.rows["followers"].fillna(-1)) == [98_000, 120, -1]
    loud = voices(db, Filters())
    assert list(loud["author"]) == ["bob@masto.example", "ana@masto.example"]
    assert list(loud["followers"]) == [98_000, 120]


def test_a_brand_answering_on_reddit_is_measured(tmp_path):
    from tests.fakereddit import FakeReddit
    from tests.integration.test_reddit import CLIENT_ID, PRAW_INI, SECRET, run_cli

    with FakeReddit(CLIENT_ID, SECRET) as fake:
        asked = [fake.post("Telecom", f"Acme: is roaming included in the plan? ({i})",
                           "Anyone knows?", author=f"customer{i}",
                           created_utc=(NOW - timedelta(days=3, hours=i)).timestamp())
                 for i in range(4)]
        for i, post in enumerate(asked[:3]):
            fake.comment(post, "Hi! Yes, roaming in the EU is included.", author="Acme_Support",
                         created_utc=post.created_utc + 3600 * (i + 1))
        fake.comment(asked[3], "same question here", author="someone")
        fake.post("Telecom", "Acme news: new shop", "We opened in Lyon.", author="Acme_Support",
                  created_utc=(NOW - timedelta(days=1)).timestamp())
        xdg = tmp_path / "xdg"
        xdg.mkdir()
        (xdg / "praw.ini").write_text(PRAW_INI, encoding="utf-8")
        config = tmp_path / "watch.toml"
        config.write_text(
            '[collect]\nper_host_delay = 0\nallow_networks = ["127.0.0.0/8"]\n\n'
            '[[brands]]\nname = "Acme"\nquery = "acme"\nown = true\n'
            'accounts = { reddit = "u/Acme_Support" }\n\n'
            f'[[sources]]\nname = "subs"\nkind = "reddit"\nsite = "veille_fake"\n'
            f'subreddits = ["Telecom"]\noauth_url = "{fake.url}"\nreddit_url = "{fake.url}"\n',
            encoding="utf-8")
        db = tmp_path / "v.duckdb"
        first = run_cli(config, db, xdg)
        assert first.returncode == 0, first.stdout + first.stderr
        assert "Acme on reddit: ok" in first.stdout
        again = run_cli(config, db, xdg)
        assert again.returncode == 0 and "0 new, 0 updated" in again.stdout.splitlines()[1]
    # The account's four posts and comments are Acme's voice, whichever source met them.
    assert rows(db, "SELECT count(*) FROM items WHERE own_brand = 'Acme'") == [(4,)]
    assert rows(db, "SELECT count(*) FROM items WHERE author = 'Acme_Support' "
                    "AND own_brand IS NULL") == [(0,)]
    answers = responsiveness(db, Filters(), "channel").set_index("channel")
    assert answers.loc["reddit", "asked"] == 4
    assert answers.loc["reddit", "answered"] == 3
    assert answers.loc["reddit", "median_hours"] == pytest.approx(2.0)


def test_a_wrong_reddit_account_is_named():
    from collectors.base import Context
    from collectors.reddit import RedditCollector, RedditConfigError
    from tests.integration.test_reddit import LOCAL

    collector = RedditCollector("acme own", {"users": ["u/Acme_Support", "not a name!"],
                                             "oauth_url": "http://127.0.0.1:9",
                                             "reddit_url": "http://127.0.0.1:9"})
    with pytest.raises(RedditConfigError) as caught:
        list(collector.collect(Context(state={}, brands=[], collect=LOCAL, warn=print)))
    assert "field 'users'" in str(caught.value) and "'not a name!'" in str(caught.value)
