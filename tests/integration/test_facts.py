"""The facts rollups (store.facts) on real DuckDB files: counts by hand, refreshes, rematch."""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from analysis import community as C
from collectors import kind_options
from config import load_watch
from config.watch import update_brand
from store import Filters, edits, writing
from store import community as K
from store import stories as ST
from store.community import refresh_authors
from store.derived import refresh_all
from store.facts import refresh_facts
from store.rematch import rematch
from store.schema import MIGRATIONS
from store.stories import refresh_stories
from store.writes import derived_stale, now, save_brands, write_batch
from tests.conftest import db_rows as q

BRANDS = ("Opalia", "Tilia", "Zephir")
T0 = datetime(2026, 3, 1, 8)
FACT_TABLES = {
    "item_facts": "SELECT * FROM item_facts",
    "mention_facts": "SELECT * FROM mention_facts",
    "story_copies": "SELECT * FROM story_copies",
    "author_days": "SELECT * FROM author_days",
    "author_day_counts": "SELECT * FROM author_day_counts",
    "author_months": "SELECT * FROM author_months",
}


class _Brand:
    def __init__(self, name, own=False):
        self.name, self.query, self.own, self.color = name, name.lower(), own, "#123456"


@dataclass
class Post:
    """One item as the tests write it, and what a hand count needs of it."""

    item_id: str
    at: datetime
    author: str | None
    brands: tuple[str, ...]
    source: str = "src"
    parent: str | None = None
    text: str = "un message"
    collected: datetime | None = None  # now, unless said
    kind: str = "forum"
    lang: str = "fr"

    def row(self) -> tuple:
        return (self.item_id, self.source, self.kind, f"https://x.test/{self.item_id}", None,
                self.text, self.author, self.at, self.collected or now(), self.lang, 0.0,
                "neutral", None, None, self.parent, f"{self.item_id}:{hash(self.text) & 0xffff}")

    def mentions(self) -> list[tuple]:
        return [(self.item_id, b, 0.0, "neutral", self.at, self.source, self.kind, self.lang)
                for b in self.brands]


def store(db: Path, posts: list[Post]) -> None:
    with writing(db) as con:
        save_brands(con, [_Brand(b, own=b == "Opalia") for b in BRANDS])
        for source in sorted({p.source for p in posts}):
            mine = [p for p in posts if p.source == source]
            write_batch(con, [p.row() for p in mine], [m for p in mine for m in p.mentions()],
                        source=source, kind="forum", state={})


def refresh(db: Path) -> int:
    with writing(db) as con:
        refresh_stories(con)
        refresh_authors(con)
        return refresh_facts(con)


def snapshot(db: Path) -> dict[str, list[tuple]]:
    return {t: sorted(q(db, sql), key=repr) for t, sql in FACT_TABLES.items()}


def rebuilt(db: Path, tmp_path: Path) -> dict[str, list[tuple]]:
    """The facts of a copy of ``db`` rebuilt from nothing."""
    copy = tmp_path / f"rebuilt-{db.name}"
    shutil.copy(db, copy)
    with writing(copy) as con:
        con.execute("DELETE FROM meta WHERE key = 'facts_collected_at'")
        refresh_facts(con)
    return snapshot(copy)


def random_posts(rng: random.Random, n: int, start: datetime, prefix: str) -> list[Post]:
    """Posts by a few heavy and many occasional authors over six weeks, some anonymous."""
    heavy = [f"h{i}" for i in range(4)]
    light = [f"l{i}" for i in range(30)]
    out = []
    for i in range(n):
        author = rng.choice(heavy) if rng.random() < 0.5 else rng.choice([*light, None, ""])
        picked = tuple(b for b in BRANDS if rng.random() < 0.4)
        source = rng.choice(["src", "src", "news"])
        out.append(Post(f"{prefix}{i}", start + timedelta(days=rng.randrange(42),
                                                          minutes=rng.randrange(1440)),
                        author, picked, source=source, kind="rss" if source == "news" else "forum",
                        parent=f"{prefix}{i - 1}" if i and rng.random() < 0.3 else None,
                        lang=rng.choice(["fr", "fr", "en"])))
    return out


# --- counts by hand ---------------------------------------------------------------------------


def period_of(day: date, grain: str) -> date:
    if grain == "day":
        return day
    if grain == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def by_author(posts: list[Post], f: Filters) -> dict[tuple[str, str], dict]:
    """Per (source, author): the posts naming a filtered brand in the period, as a reader
    would count them; ``first_seen`` is the author's first post ever, named brand or not."""
    first: dict[tuple[str, str], datetime] = {}
    for p in posts:
        if p.author:
            key = (p.source, p.author)
            first[key] = min(first.get(key, p.at), p.at)
    out: dict[tuple[str, str], dict] = {}
    for p in posts:
        named = [b for b in p.brands if not f.brands or b in f.brands]
        if not p.author or not named:
            continue
        if (f.start and p.at.date() < f.start) or (f.end and p.at.date() > f.end):
            continue
        if (f.sources and p.source not in f.sources) or (f.kinds and p.kind not in f.kinds):
            continue
        if f.langs and p.lang not in f.langs:
            continue
        a = out.setdefault((p.source, p.author), {"posts": [], "brands": set()})
        a["posts"].append(p)
        a["brands"].update(named)
        a["first_seen"] = first[(p.source, p.author)]
    return out


def hand_segments(posts, f) -> list[tuple]:
    per_source: dict[str, list] = {}
    for (source, _), a in by_author(posts, f).items():
        days = len({p.at.date() for p in a["posts"]})
        per_source.setdefault(source, []).append(C.segment(len(a["posts"]), days))
    posts_of: dict[str, int] = {}
    for (source, _), a in by_author(posts, f).items():
        posts_of[source] = posts_of.get(source, 0) + len(a["posts"])
    rows = [(s, len(v), v.count("regular"), v.count("returning"), v.count("one-time"),
             posts_of[s]) for s, v in per_source.items()]
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def hand_newcomers(posts, f, grain) -> list[tuple]:
    cells: dict[tuple, list[int]] = {}
    for (source, _), a in by_author(posts, f).items():
        new = period_of(a["first_seen"].date(), grain)
        for period in {period_of(p.at.date(), grain) for p in a["posts"]}:
            cell = cells.setdefault((period, source), [0, 0])
            cell[0] += 1
            cell[1] += period == new
    return sorted((p, s, a, n) for (p, s), (a, n) in cells.items())


def hand_authors(posts, f, limit) -> list[tuple]:
    rows = []
    for (source, author), a in by_author(posts, f).items():
        mine = a["posts"]
        days = len({p.at.date() for p in mine})
        rows.append((source, author, len(mine), days, sum(1 for p in mine if p.parent),
                     tuple(sorted(a["brands"])), min(p.at for p in mine),
                     max(p.at for p in mine), a["first_seen"], C.segment(len(mine), days)))
    return sorted(rows, key=lambda r: (-r[2], -r[3], r[0], r[1]))[:limit]


def read_segments(db, f) -> list[tuple]:
    df = K.segments(db, f)
    return [(r.source, r.authors, r.regular, r.returning, r.one_time, r.posts)
            for r in df.itertuples()]


def read_newcomers(db, f, grain) -> list[tuple]:
    df = K.newcomers(db, f, grain)
    return [(pd.Timestamp(r.period).date(), r.source, r.active, r.newcomers)
            for r in df.itertuples()]


def read_authors(db, f, limit) -> list[tuple]:
    df = K.authors(db, f, limit)
    return [(r.source, r.author, r.posts, r.days, r.replies, tuple(r.brands),
             r.first_post.to_pydatetime(), r.last_post.to_pydatetime(),
             r.first_seen.to_pydatetime(), r.segment) for r in df.itertuples()]


def test_author_counts_read_from_the_author_days_equal_a_hand_count(tmp_path):
    rng = random.Random(11)
    db = tmp_path / "w.duckdb"
    # Collected as they were published: the next refresh starts from the new posts (and
    # the last day of these), on top of the rows already built.
    first = random_posts(rng, 500, T0, "a")
    for post in first:
        post.collected = post.at + timedelta(hours=1)
    store(db, first)
    assert refresh(db) == 500
    # A second collection: new posts, and one older post that moves an author's first post.
    later = random_posts(rng, 300, T0 + timedelta(days=20), "b")
    later.append(Post("old", T0 - timedelta(days=30), "h1", ()))
    store(db, later)
    assert refresh(db) < 400, "only the newest posts are read again"
    posts = first + later
    # Month starts and ends, days within months, and days with no post.
    days = [None, *(T0.date() + timedelta(days=d) for d in (0, 3, 9, 20, 30, 33, 41, 60, 70))]
    checked = 0
    for _ in range(40):
        start, end = sorted(rng.sample(days[1:], 2)) if rng.random() < 0.8 else (None, None)
        brand = rng.choice([None, None, *BRANDS])
        # One language, without a brand: the language's own author-day rows.
        lang = rng.choice(["fr", "en"]) if not brand and rng.random() < 0.4 else None
        # A kind filter here keeps or drops whole sources, as with real sources.
        f = Filters(start=start, end=end, brands=(brand,) if brand else (),
                    langs=(lang,) if lang else (),
                    sources=("src",) if rng.random() < 0.2 else (),
                    kinds=("rss",) if rng.random() < 0.2 else ())
        assert read_segments(db, f) == hand_segments(posts, f), f
        grain = rng.choice(["day", "week", "month"])
        assert read_newcomers(db, f, grain) == hand_newcomers(posts, f, grain), (f, grain)
        # A top of the most active few reads whole months; a longer one goes through the
        # threshold's retries; ties are broken by name.
        limit = rng.choice([3, 10, 200])
        assert read_authors(db, f, limit) == hand_authors(posts, f, limit), (f, limit)
        checked += bool(hand_segments(posts, f))
    assert checked > 20, "most of the filters must select someone"


def test_filters_outside_the_author_days_count_the_same_by_hand(tmp_path):
    rng = random.Random(3)
    db = tmp_path / "w.duckdb"
    posts = random_posts(rng, 400, T0, "a")
    # One source mixes kinds (as the demo does): a kind filter takes part of an author's posts.
    for post in posts[::3]:
        if post.source == "src":
            post.kind = "reddit"
    store(db, posts)
    refresh(db)
    for f in (
        # Two brands: an item naming both counts once, and its author's days once.
        Filters(start=T0.date(), end=T0.date() + timedelta(days=30), brands=("Opalia", "Tilia")),
        Filters(kinds=("reddit",)),
        Filters(start=T0.date() + timedelta(days=10), kinds=("forum", "rss"), brands=("Tilia",)),
        # A brand and a language, or two languages: neither's rows hold the posts of both.
        Filters(brands=("Opalia",), langs=("en",)),
        Filters(start=T0.date() + timedelta(days=5), langs=("fr", "en")),
    ):
        assert read_segments(db, f) == hand_segments(posts, f), f
        assert read_newcomers(db, f, "week") == hand_newcomers(posts, f, "week"), f
        assert read_authors(db, f, 10) == hand_authors(posts, f, 10), f


# --- refreshes --------------------------------------------------------------------------------


def test_an_incremental_refresh_equals_a_rebuild_and_a_rerun_changes_nothing(tmp_path):
    rng = random.Random(5)
    db = tmp_path / "w.duckdb"
    release = ("Zephir annonce une levée de fonds de 45 millions d'euros auprès de ses "
               "actionnaires historiques pour lancer une offre fibre nationale au printemps.")
    older = random_posts(rng, 200, T0, "a")
    for post in older:
        post.collected = post.at
    store(db, [*older,
               Post("copy0", T0, "h0", ("Zephir",), text=release),
               Post("ask", T0, "l1", ("Opalia",), text="Quelqu'un sait résilier chez Opalia ?")])
    refresh(db)
    assert q(db, "SELECT multi, replied, is_question FROM item_facts WHERE item_id = 'copy0'"
             ) == [(False, False, False)]
    assert q(db, "SELECT is_question FROM item_facts WHERE item_id = 'ask'") == [(True,)]
    # Later: a copy of the release (the first one is no longer alone), a reply to the
    # question, and more posts by the same people.
    store(db, [*random_posts(rng, 100, T0 + timedelta(days=10), "b"),
               Post("copy1", T0 + timedelta(days=3), "l2", ("Zephir",), text=release + " Fin."),
               Post("answer", T0 + timedelta(days=1), "l3", (), parent="ask")])
    refresh(db)
    assert q(db, "SELECT item_id, story_id FROM story_copies ORDER BY 1") == [
        ("copy0", "copy0"), ("copy1", "copy0")]
    assert q(db, "SELECT replied FROM mention_facts WHERE item_id = 'ask'") == [(True,)]
    assert snapshot(db) == rebuilt(db, tmp_path)
    before = snapshot(db)
    refresh(db)
    assert snapshot(db) == before


def test_a_changed_item_leaves_its_story_and_author(tmp_path):
    db = tmp_path / "w.duckdb"
    text = ("Tilia annonce une baisse de dix pour cent de tous ses forfaits mobiles dès le mois "
            "de juin, pour les anciens comme pour les nouveaux clients, sans engagement de durée.")
    store(db, [Post("a", T0, "ann", ("Tilia",), text=text),
               Post("b", T0 + timedelta(hours=2), "bob", ("Tilia",), text=text)])
    refresh(db)
    assert q(db, "SELECT count(*) FROM item_facts WHERE multi")[0][0] == 2
    # b is rewritten by someone else about something else: a is alone again, bob posts nothing.
    store(db, [Post("b", T0 + timedelta(hours=2), "carl", ("Zephir",),
                    text="Rien à voir : la couverture 5G de Zephir en montagne reste faible.")])
    refresh(db)
    assert q(db, "SELECT count(*) FROM item_facts WHERE multi")[0][0] == 0
    assert q(db, "SELECT count(*) FROM story_copies")[0][0] == 0
    assert q(db, "SELECT DISTINCT author FROM author_days ORDER BY 1") == [("ann",), ("carl",)]
    assert snapshot(db) == rebuilt(db, tmp_path)


def test_an_older_database_is_marked_for_a_full_refresh_by_the_migration(tmp_path):
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    try:
        con.execute("CREATE TABLE schema_migrations "
                    "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)")
        for number, name, statements in MIGRATIONS:
            if number < 8:
                for statement in statements:
                    con.execute(statement)
                con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [number, name])
        post = Post("x", T0, "ann", ("Tilia",))
        con.execute("INSERT INTO items VALUES (" + ", ".join("?" * 16) + ")", list(post.row()))
        con.execute("INSERT INTO mentions VALUES (?, ?, ?, ?, ?, ?, ?, ?)", post.mentions()[0])
    finally:
        con.close()
    with writing(db) as con:  # migrates
        assert derived_stale(con)
    # Until a refresh builds them, the reads join mentions with items as before.
    f = Filters()
    assert read_segments(db, f) == [("src", 1, 0, 0, 1, 1)]
    with writing(db) as con:
        refresh_all(con, warn=pytest.fail)
    assert read_segments(db, f) == [("src", 1, 0, 0, 1, 1)]
    # All brands, Tilia, and French.
    assert q(db, "SELECT count(*) FROM author_days")[0][0] == 3


# --- the demo watch: the same pages with and without the rollups ------------------------------


def unbuilt_copy(db: Path, copy: Path) -> Path:
    """A copy of ``db`` whose reads go the old way, as if the rollups were never built."""
    shutil.copy(db, copy)
    con = duckdb.connect(str(copy))
    try:
        con.execute("DELETE FROM meta WHERE key = 'facts_collected_at'")
    finally:
        con.close()
    return copy


@pytest.fixture(scope="module")
def unbuilt(demo_db, tmp_path_factory) -> Path:
    return unbuilt_copy(demo_db, tmp_path_factory.mktemp("unbuilt") / "veille.duckdb")


READS = [
    ("segments", lambda db, f: K.segments(db, f)),
    ("newcomers", lambda db, f: K.newcomers(db, f, "week")),
    ("authors", lambda db, f: K.authors(db, f, 50)),
    ("needs_answer", lambda db, f: K.needs_answer(db, f, "Opalia")),
    ("share_of_voice_stories", lambda db, f: ST.share_of_voice_stories(db, f, "week")),
    ("totals", ST.totals),
    ("ranking", lambda db, f: ST.ranking(db, f, "day", "stories")),
    ("share_by kind", lambda db, f: ST.share_by(db, f, "kind", "stories")),
    ("share_by tone", lambda db, f: ST.share_by(db, f, "sentiment_label", "stories")),
    ("share_by lang", lambda db, f: ST.share_by(db, f, "lang", "stories")),
    ("top_stories", ST.top_stories),
]
VIEWS = [
    Filters(),
    Filters(start=date(2026, 6, 1), end=date(2026, 6, 30)),
    Filters(start=date(2026, 5, 11), end=date(2026, 5, 17), brands=("Orbis",)),
    Filters(brands=("Opalia", "Zephir")),
    Filters(start=date(2026, 4, 1), end=date(2026, 6, 30), kinds=("reddit", "rss")),
    Filters(langs=("en",), sources=("demo",)),
    # Share of voice follows the tone filter (a copy of another tone is not counted);
    # Community counts every tone.
    Filters(start=date(2026, 5, 1), sentiments=("negative",)),
]


def comparable(df: pd.DataFrame) -> list[tuple]:
    """Rows with lists as tuples and numbers as floats (the two ways may type counts apart)."""
    def cell(v):
        if isinstance(v, (list, tuple, np.ndarray)):
            return tuple(v)
        if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
            return None if pd.isna(v) else float(v)
        return v
    return [tuple(cell(v) for v in row) for row in df.itertuples(index=False)]


@pytest.mark.parametrize("view", VIEWS, ids=repr)
def test_every_read_gives_what_the_joins_gave_on_the_demo_watch(demo_db, unbuilt, view):
    for name, read in READS:
        assert comparable(read(demo_db, view)) == comparable(read(unbuilt, view)), name


def test_rematch_keeps_the_rollups_in_step_with_the_mentions(demo_db, demo_config, tmp_path):
    db = tmp_path / "work.duckdb"
    shutil.copy(demo_db, db)
    edited = tmp_path / "watch.toml"
    shutil.copy(demo_config, edited)
    # Orbis loses every post about an outage; Tilia gains nothing, and Opalia is unchanged.
    update_brand(edited, "Orbis", query='"Orbis"', exclude="panne")
    watch = load_watch(edited, kinds=kind_options())
    with writing(db) as con:
        save_brands(con, watch.brands)
    before = {n: c for n, c in q(db, "SELECT brand, count(*) FROM mention_facts GROUP BY 1")}
    result = rematch(db, {b.name: b.compiled for b in watch.brands}, only=["Orbis"],
                     batch_items=300)
    assert result.removed.get("Orbis"), "the edit must change something"
    # No refresh since: the re-match itself rewrote the rollups, step by step.
    after = {n: c for n, c in q(db, "SELECT brand, count(*) FROM mention_facts GROUP BY 1")}
    assert after["Orbis"] == before["Orbis"] - result.removed["Orbis"]
    assert after["Opalia"] == before["Opalia"]
    assert q(db, "SELECT count(*) FROM mention_facts")[0][0] == q(
        db, "SELECT count(*) FROM mentions")[0][0]
    assert snapshot(db) == rebuilt(db, tmp_path)
    joined = unbuilt_copy(db, tmp_path / "unbuilt.duckdb")
    orbis = Filters(brands=("Orbis",))
    for name, read in READS:
        assert comparable(read(db, orbis)) == comparable(read(joined, orbis)), name


def test_a_sentiment_correction_reaches_the_stories_by_tone(demo_db, tmp_path):
    db = tmp_path / "work.duckdb"
    shutil.copy(demo_db, db)
    # A copy of a syndicated story, neutral about its brand, corrected to negative.
    item_id, brand = q(db, """SELECT item_id, brand FROM story_copies
                              WHERE sentiment_label <> 'negative'
                              ORDER BY item_id LIMIT 1""")[0]
    tone = Filters(brands=(brand,))
    before = ST.share_by(db, tone, "sentiment_label", "stories").set_index("value")["count"]
    edits.correct_sentiment(db, item_id, brand, "negative")
    with writing(db) as con:
        edits.apply_corrections(con)
    for table in ("mention_facts", "story_copies"):
        assert q(db, f"SELECT sentiment_label FROM {table} WHERE item_id = ? AND brand = ?",
                 [item_id, brand]) == [("negative",)]
    after = ST.share_by(db, tone, "sentiment_label", "stories").set_index("value")["count"]
    # Counted by distinct stories: the negative side gains at most the one story.
    assert 0 <= after.get("negative", 0) - before.get("negative", 0) <= 1
    assert snapshot(db) == rebuilt(db, tmp_path)
