"""The store on a real DuckDB file: migrations, idempotent batches, rollups, locks, time order."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from datetime import date, datetime, timedelta

import duckdb
import pytest

from store import DatabaseMissing, Filters, queries, reading, writing
from store.connection import StoreError
from store.schema import LATEST, MIGRATIONS, current_version, migrate
from store.writes import refresh_rollups, reorder_if_needed, write_batch

T0 = datetime(2026, 3, 2, 9, 0)


def item(n: int, text: str = "hello", day: int = 0, hash_: str | None = None, lang="en"):
    published = T0 + timedelta(days=day, minutes=n)
    return (f"id{n}", "src", "rss", f"https://example.com/{n}", None, text, "ann",
            published, T0, lang, 0.5, "positive", None, None, None, hash_ or f"h-{text}")


def mention(n: int, brand: str, day: int = 0, label="positive", sentiment=0.5, lang="en"):
    return (f"id{n}", brand, sentiment, label, T0 + timedelta(days=day, minutes=n), "src", "rss",
            lang)


def write(db, items, mentions, state=None):
    with writing(db) as con:
        return write_batch(con, items, mentions, source="src", kind="rss", state=state or {})


def count(db, sql, params=()):
    with reading(db) as con:
        return con.execute(sql, list(params)).fetchone()[0]


def test_migrations_create_schema_once(tmp_path):
    db = tmp_path / "v.duckdb"
    with writing(db) as con:
        assert current_version(con) == LATEST
        assert migrate(con) == LATEST  # a second pass changes nothing
        tables = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"items", "mentions", "daily_mentions", "sources", "runs", "brands", "meta"} <= tables
    assert count(db, "SELECT count(*) FROM schema_migrations") == len(MIGRATIONS)


def test_a_migration_landing_out_of_order_still_runs(tmp_path, monkeypatch):
    from store import schema

    db = tmp_path / "v.duckdb"
    with writing(db):
        pass
    late = (LATEST - 1 if LATEST - 1 not in {m[0] for m in MIGRATIONS} else LATEST + 50,
            "late", ["CREATE TABLE late_table (x INTEGER)"])
    monkeypatch.setattr(schema, "MIGRATIONS", [*MIGRATIONS, late])
    with writing(db) as con:
        assert con.execute("SELECT count(*) FROM late_table").fetchone() == (0,)


def test_same_batch_twice_adds_nothing(tmp_path):
    db = tmp_path / "v.duckdb"
    items = [item(i) for i in range(50)]
    mentions = [mention(i, "Acme") for i in range(50)]
    first = write(db, items, mentions)
    second = write(db, items, mentions)
    assert (first.new, first.updated) == (50, 0)
    assert (second.new, second.updated) == (0, 0)
    assert count(db, "SELECT count(*) FROM items") == 50
    assert count(db, "SELECT count(*) FROM mentions") == 50
    assert count(db, "SELECT sum(mentions) FROM daily_mentions") == 50


def test_changed_text_replaces_row_and_mentions(tmp_path):
    db = tmp_path / "v.duckdb"
    write(db, [item(1, "Acme is great")], [mention(1, "Acme")])
    result = write(db, [item(1, "Acme and Bolt are awful")],
                   [mention(1, "Acme", label="negative", sentiment=-0.6),
                    mention(1, "Bolt", label="negative", sentiment=-0.6)])
    assert (result.new, result.updated) == (0, 1)
    assert count(db, "SELECT count(*) FROM items") == 1
    assert count(db, "SELECT text FROM items") == "Acme and Bolt are awful"
    with reading(db) as con:
        rows = con.execute("SELECT brand, sentiment_label FROM mentions ORDER BY brand").fetchall()
        rollup = con.execute("SELECT brand, sentiment_label, mentions FROM daily_mentions "
                             "ORDER BY brand").fetchall()
    assert rows == [("Acme", "negative"), ("Bolt", "negative")]
    assert rollup == [("Acme", "negative", 1), ("Bolt", "negative", 1)]


def test_state_is_saved_with_its_batch(tmp_path):
    db = tmp_path / "v.duckdb"
    write(db, [item(1)], [], state={"cursor": "abc"})
    with reading(db) as con:
        state, total = con.execute("SELECT state, items_total FROM sources").fetchone()
    assert '"cursor": "abc"' in state and total == 1


def test_failed_batch_leaves_nothing_half_written(tmp_path):
    db = tmp_path / "v.duckdb"
    write(db, [item(1)], [mention(1, "Acme")])
    bad_mention = ("id2", None, 0.1, "neutral", T0, "src", "rss", "en")  # brand NOT NULL
    with pytest.raises(duckdb.Error):
        write(db, [item(2)], [bad_mention])
    assert count(db, "SELECT count(*) FROM items") == 1
    assert count(db, "SELECT count(*) FROM mentions") == 1


def test_rollup_matches_mentions_and_filters(tmp_path):
    db = tmp_path / "v.duckdb"
    items = [item(i, f"t{i}", day=i % 10, lang="fr" if i % 3 else "en") for i in range(300)]
    mentions = [mention(i, "Acme" if i % 4 else "Bolt", day=i % 10,
                        label="negative" if i % 5 == 0 else "positive",
                        lang="fr" if i % 3 else "en") for i in range(300)]
    write(db, items, mentions)
    with writing(db) as con:
        before = con.execute("SELECT * FROM daily_mentions ORDER BY ALL").fetchall()
        refresh_rollups(con)  # full rebuild gives the same incremental result
        after = con.execute("SELECT * FROM daily_mentions ORDER BY ALL").fetchall()
    assert before == after
    f = Filters(start=date(2026, 3, 2), end=date(2026, 3, 6), langs=("fr",))
    tiles = queries.tiles(db, f)
    expected = sum(1 for i in range(300) if i % 10 < 5 and i % 3)
    assert tiles.mentions == expected


def test_hostile_filter_values_are_data_not_sql(tmp_path):
    db = tmp_path / "v.duckdb"
    write(db, [item(1)], [mention(1, "Acme")])
    evil = "Acme') OR 1=1; DROP TABLE items; --"
    assert queries.tiles(db, Filters(brands=(evil,))).mentions == 0
    assert count(db, "SELECT count(*) FROM items") == 1


def test_reorder_puts_rows_back_in_time_order(tmp_path):
    db = tmp_path / "v.duckdb"
    write(db, [item(i, day=20) for i in range(100)], [])
    write(db, [item(1000 + i, day=1) for i in range(50)], [])  # history arrives late
    with writing(db) as con:
        assert reorder_if_needed(con)
        times = [r[0] for r in con.execute("SELECT published_at FROM items").fetchall()]
    assert times == sorted(times)
    assert count(db, "SELECT count(*) FROM items") == 150


def test_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(DatabaseMissing, match="python -m collectors run"):
        queries.data_info(tmp_path / "nope.duckdb")


def _read_memory_limit(db) -> str:
    with reading(db) as con:
        return con.execute("SELECT current_setting('memory_limit')").fetchone()[0]


def test_readers_cap_duckdb_memory_and_say_when_the_setting_is_wrong(tmp_path, monkeypatch):
    db = tmp_path / "v.duckdb"
    write(db, [item(1)], [])
    monkeypatch.delenv("VEILLE_DB_MEMORY", raising=False)
    # The app must stay under 2 GB: DuckDB's own default would be 80 % of the machine.
    assert _read_memory_limit(db) == "953.6 MiB"
    monkeypatch.setenv("VEILLE_DB_MEMORY", "2GB")
    assert _read_memory_limit(db) == "1.8 GiB"
    monkeypatch.setenv("VEILLE_DB_MEMORY", "lots")
    with pytest.raises(StoreError, match="VEILLE_DB_MEMORY must be a size .* not 'lots'"):
        queries.data_info(db)


def test_reader_waits_for_a_writer_in_another_process(tmp_path):
    db = tmp_path / "v.duckdb"
    write(db, [item(1)], [])
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(db)!r})
        print("locked", flush=True)
        time.sleep(1.5)
        con.close()
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        assert count(db, "SELECT count(*) FROM items") == 1  # retried until the lock went
        waited = time.monotonic() - started
    finally:
        holder.wait(timeout=10)
    assert waited > 0.5, "the reader should have had to wait for the writer"


def test_a_read_that_outgrows_the_memory_cap_is_a_clear_error(tmp_path, monkeypatch):
    db = tmp_path / "v.duckdb"
    write(db, [item(1)], [])
    monkeypatch.setenv("VEILLE_DB_MEMORY", "8MB")
    with pytest.raises(StoreError, match="more memory than a reader may use .*VEILLE_DB_MEMORY"):
        with reading(db) as con:
            con.execute("SET temp_directory = ''")  # nowhere to spill, as on a full disk
            con.execute("SELECT list(range) FROM range(10000000)").fetchall()
