"""`python -m collectors rematch` against real DuckDB files: same result as a fresh collection."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from config.watch import brand_query, load_watch, update_brand
from tests.conftest import ROOT, collect, db_rows, write_demo_watch

DEMO_ITEMS = 1500


def rematch(config: Path, db: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "collectors", "rematch", "--config", str(config), "--db",
         str(db), "--quiet", *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env=dict(os.environ))


def rows(db: Path, sql: str) -> list[tuple]:
    return sorted(db_rows(db, sql), key=repr)


def mentions(db: Path) -> list[tuple]:
    return rows(db, "SELECT item_id, brand, round(sentiment, 9), sentiment_label, published_at, "
                    "source, kind, lang FROM mentions")


def rollup(db: Path) -> list[tuple]:
    return rows(db, "SELECT day, brand, source, kind, lang, sentiment_label, mentions, "
                    "round(sentiment_sum, 6) FROM daily_mentions") + rows(
        db, "SELECT day, source, kind, lang, brands, items FROM daily_items")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("rematch")
    config = write_demo_watch(folder, items=DEMO_ITEMS)
    db = folder / "veille.duckdb"
    collect(config, db)
    return config, db


def test_a_changed_query_rematched_equals_a_fresh_collection(demo, tmp_path):
    config, db = demo
    before = dict(rows(db, "SELECT brand, count(*) FROM mentions GROUP BY brand"))
    edited = tmp_path / "watch.toml"
    edited.write_text(config.read_text(encoding="utf-8"), encoding="utf-8")
    work = tmp_path / "work.duckdb"
    work.write_bytes(db.read_bytes())
    # Orbis loses its outage hashtag and every post that talks of a "panne"; Opalia gains the
    # word "one" next to it (a product).
    update_brand(edited, "Orbis", query='"Orbis" OR @orbistelecom', exclude="panne")
    update_brand(edited, "Opalia", products=['"Opalia One"', "forfait NEAR/2 opalia*"])

    done = rematch(edited, work)
    assert done.returncode == 0, done.stderr
    assert f"{DEMO_ITEMS:,} items re-matched" in done.stdout

    fresh = tmp_path / "fresh.duckdb"
    collect(edited, fresh)
    assert mentions(work) == mentions(fresh)
    assert rollup(work) == rollup(fresh)
    after = dict(rows(work, "SELECT brand, count(*) FROM mentions GROUP BY brand"))
    assert after["Orbis"] < before["Orbis"], "the outage posts without the name are gone"
    lost = before["Orbis"] - after["Orbis"]
    assert f"Orbis: +0 / -{lost:,} mentions" in done.stdout
    assert after["Tilia"] == before["Tilia"] and after["Zephir"] == before["Zephir"]
    # The app's brand list shows the new query.
    assert ("Orbis", '"Orbis" OR @orbistelecom') in rows(work, "SELECT name, query FROM brands")


def test_rematch_is_idempotent(demo, tmp_path):
    config, db = demo
    work = tmp_path / "work.duckdb"
    work.write_bytes(db.read_bytes())
    first = rematch(config, work)
    assert first.returncode == 0, first.stderr
    assert "no mention changed" in first.stdout
    assert mentions(work) == mentions(db) and rollup(work) == rollup(db)
    again = rematch(config, work)
    assert "no mention changed" in again.stdout
    assert mentions(work) == mentions(db) and rollup(work) == rollup(db)


def test_only_the_named_brand_is_rewritten(demo, tmp_path):
    config, db = demo
    edited = tmp_path / "watch.toml"
    edited.write_text(config.read_text(encoding="utf-8"), encoding="utf-8")
    update_brand(edited, "Orbis", exclude="panne OR outage")
    update_brand(edited, "Tilia", query='"Tilia" OR tarif')  # changed but not re-matched
    work = tmp_path / "work.duckdb"
    work.write_bytes(db.read_bytes())
    done = rematch(edited, work, "--brand", "Orbis")
    assert done.returncode == 0, done.stderr
    by_brand = dict(rows(work, "SELECT brand, count(*) FROM mentions GROUP BY brand"))
    was = dict(rows(db, "SELECT brand, count(*) FROM mentions GROUP BY brand"))
    assert by_brand["Orbis"] < was["Orbis"]
    assert by_brand["Tilia"] == was["Tilia"]
    assert "Tilia" not in done.stdout


def test_an_unknown_brand_changes_nothing(demo, tmp_path):
    config, db = demo
    work = tmp_path / "work.duckdb"
    work.write_bytes(db.read_bytes())
    done = rematch(config, work, "--brand", "Nobody")
    assert done.returncode == 2
    assert "no brand named 'Nobody'" in done.stderr
    assert mentions(work) == mentions(db)


POSTS = [
    ("p1", "I love my new iPhone, the camera is great"),
    ("p2", "Grandma's apple pie recipe, the best one"),
    ("p3", "The Apple Watch battery lasts two days"),
    ("p4", "Apple shares are up after the keynote"),
    ("p5", "A watch from apple? no, a watch I bought at the market"),
    ("p6", "Samsung's new phone beats the iPhone"),
]


def write_file_watch(folder: Path, apple: str) -> Path:
    data = folder / "posts.jsonl"
    data.write_text("".join(json.dumps({"id": i, "text": t, "published_at":
                                        f"2026-05-0{n + 1}T10:00:00Z", "lang": "en"}) + "\n"
                            for n, (i, t) in enumerate(POSTS)), encoding="utf-8")
    config = folder / "watch.toml"
    config.write_text(f"""name = "Phones"

[[brands]]
name = "Apple"
{apple}

[[brands]]
name = "Samsung"
query = 'samsung'

[[sources]]
name = "posts"
kind = "file"
path = "posts.jsonl"
""", encoding="utf-8")
    return config


def apple_items(db: Path) -> set[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        ids = con.execute("SELECT i.item_id, i.text FROM mentions m JOIN items i USING (item_id)"
                          " WHERE m.brand = 'Apple'").fetchall()
    finally:
        con.close()
    by_text = {t: i for i, t in POSTS}
    return {by_text[text] for _, text in ids}


def test_products_and_exclusions_count_for_the_brand(tmp_path):
    config = write_file_watch(tmp_path, "query = 'apple'  # the name alone")
    db = tmp_path / "veille.duckdb"
    collect(config, db)
    assert apple_items(db) == {"p2", "p3", "p4", "p5"}

    update_brand(config, "Apple", products=["iPhone", '"Apple Watch"'], exclude="pie OR recipe")
    text = config.read_text(encoding="utf-8")
    assert "query = 'apple'  # the name alone" in text, "the comment is kept"
    assert "products = ['iPhone', '\"Apple Watch\"']" in text
    watch = load_watch(config)
    assert watch.brands[0].products == ["iPhone", '"Apple Watch"']
    assert watch.brands[0].exclude == "pie OR recipe"

    done = rematch(config, db)
    assert done.returncode == 0, done.stderr
    assert apple_items(db) == {"p1", "p3", "p4", "p5", "p6"}
    assert "Apple: +2 / -1 mentions" in done.stdout
    fresh = tmp_path / "fresh.duckdb"
    collect(config, fresh)
    assert mentions(db) == mentions(fresh)


def test_a_product_or_exclusion_error_names_its_field(tmp_path):
    config = write_file_watch(tmp_path, "query = 'apple'\nproducts = ['iPhone', '(watch']")
    with pytest.raises(Exception) as info:
        load_watch(config)
    assert "field 'products[1]'" in str(info.value)
    config = write_file_watch(tmp_path, "query = 'apple'\nexclude = 'NOT pie'")
    with pytest.raises(Exception) as info:
        load_watch(config)
    assert "field 'exclude'" in str(info.value)


def test_the_combined_query_keeps_each_part_apart():
    query = brand_query("apple OR pear", ["iPhone"], "pie")
    assert query.matches("pear jam") and query.matches("my iphone")
    assert not query.matches("pear pie") and not query.matches("iphone pie")
    assert brand_query("apple").source == "apple"


def test_a_bad_edit_leaves_the_file_as_it_was(tmp_path):
    config = write_file_watch(tmp_path, "query = 'apple'")
    before = config.read_bytes()
    with pytest.raises(Exception) as info:
        update_brand(config, "Apple", query="apple AND (")
    assert "query" in str(info.value)
    assert config.read_bytes() == before
    assert not list(tmp_path.glob(".watch.toml.*"))
