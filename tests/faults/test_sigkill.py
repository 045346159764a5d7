"""SIGKILL at random moments of `collectors run`: the database stays whole, the next run ends it."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT, collect, write_demo_watch

# Small enough for `make test`, large enough for two batches (runner.BATCH_ITEMS = 5000).
ITEMS = int(os.environ.get("VEILLE_FAULT_ITEMS", "7000"))
KILLS = 10
DERIVED = ("alerts", "daily_terms", "topics", "stories", "authors", "item_facts", "mention_facts",
           "story_copies", "author_days", "author_day_counts", "author_months")


def _open(db: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(db), read_only=True)


def check_whole(db: Path, reference: dict[str, set[str]]) -> int:
    """Assert the invariants a killed run must leave; return how many items are stored."""
    con = _open(db)
    try:
        dup_items = con.execute(
            "SELECT count(*) FROM (SELECT item_id FROM items GROUP BY 1 HAVING count(*) > 1)"
        ).fetchone()[0]
        assert dup_items == 0, "an item_id is stored twice"
        dup_mentions = con.execute(
            "SELECT count(*) FROM (SELECT item_id, brand FROM mentions GROUP BY ALL "
            "HAVING count(*) > 1)").fetchone()[0]
        assert dup_mentions == 0, "a mention is stored twice"
        orphans = con.execute(
            "SELECT count(*) FROM mentions m ANTI JOIN items i USING (item_id)").fetchone()[0]
        assert orphans == 0, "a mention points at an item that is not stored"
        # The rollup must equal a recomputation from mentions, row for row.
        diff = con.execute("""
            WITH fresh AS (
                SELECT CAST(published_at AS DATE) AS day, brand, source, kind, lang,
                       sentiment_label, count(*) AS mentions,
                       round(coalesce(sum(sentiment), 0), 6) AS s
                FROM mentions GROUP BY ALL),
            stored AS (
                SELECT day, brand, source, kind, lang, sentiment_label, mentions,
                       round(sentiment_sum, 6) AS s FROM daily_mentions)
            SELECT (SELECT count(*) FROM (SELECT * FROM fresh EXCEPT ALL SELECT * FROM stored))
                 + (SELECT count(*) FROM (SELECT * FROM stored EXCEPT ALL SELECT * FROM fresh))
        """).fetchone()[0]
        assert diff == 0, f"daily_mentions differs from mentions on {diff} rows"
        # No half-written item: every stored item carries exactly the mentions it should.
        stored: dict[str, set[str]] = {}
        for item_id, brands in con.execute(
                "SELECT i.item_id, list(m.brand) FILTER (m.brand IS NOT NULL) FROM items i "
                "LEFT JOIN mentions m USING (item_id) GROUP BY 1").fetchall():
            stored[item_id] = set(brands or [])
        unknown = set(stored) - set(reference)
        assert not unknown, f"{len(unknown)} items that an uninterrupted run does not store"
        wrong = [i for i, b in stored.items() if b != reference[i]]
        assert not wrong, f"{len(wrong)} items stored with incomplete mentions, e.g. {wrong[:3]}"
        return len(stored)
    finally:
        con.close()


def mentions_by_item(db: Path) -> dict[str, set[str]]:
    """Every item's set of brands, as stored in ``db``."""
    con = _open(db)
    try:
        return {i: set(b or []) for i, b in con.execute(
            "SELECT i.item_id, list(m.brand) FILTER (m.brand IS NOT NULL) FROM items i "
            "LEFT JOIN mentions m USING (item_id) GROUP BY 1").fetchall()}
    finally:
        con.close()


def table_counts(db: Path) -> dict[str, int]:
    """Row counts of every table an uninterrupted run fills, for the final comparison."""
    con = _open(db)
    try:
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("items", "mentions", "daily_mentions", *DERIVED)}
        counts["per_brand"] = dict(con.execute(
            "SELECT brand, count(*) FROM mentions GROUP BY 1").fetchall())
        return counts
    finally:
        con.close()


def start_run(config: Path, db: Path) -> tuple[subprocess.Popen, float | None]:
    """Start `collectors run`; return it once its database file exists (or it has exited)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "collectors", "run", "--config", str(config), "--db", str(db),
         "--quiet"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Start-up (imports) takes seconds and touches nothing: kill moments are counted from the
    # first write, so they land among migrations, batches, rollups and derived tables.
    while not db.exists() and proc.poll() is None:
        time.sleep(0.02)
    return proc, time.monotonic() if db.exists() else None


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_and_duplicates_nothing(tmp_path):
    config = write_demo_watch(tmp_path, items=ITEMS)
    reference_db = tmp_path / "reference.duckdb"
    proc, opened = start_run(config, reference_db)
    assert proc.wait(timeout=600) == 0, proc.stderr.read().decode()
    proc.stderr.close()
    writing_time = time.monotonic() - opened
    reference = mentions_by_item(reference_db)
    assert len(reference) == ITEMS

    db = tmp_path / "killed.duckdb"
    rng = random.Random(int(os.environ.get("VEILLE_FAULT_SEED", "7")))
    kills, attempts, stages = 0, 0, []
    while kills < KILLS:
        attempts += 1
        assert attempts <= 3 * KILLS, f"only {kills} runs could be killed in {attempts} tries"
        fresh = kills % 3 == 0
        if fresh:
            # Every third kill hits a run that starts from nothing; the others resume.
            for leftover in tmp_path.glob("killed.duckdb*"):
                leftover.unlink()
        # A run from nothing stores its items in the first 40-50 % of its time (the rest
        # refreshes the derived tables, measured on a quiet machine): its kills are drawn there,
        # so some land while items arrive however fast the machine. Resumed runs are killed
        # anywhere, a little past the reference's end too (they may spend it refreshing).
        moment = rng.uniform(0.0, 0.35 if fresh else 1.1) * writing_time
        proc, opened = start_run(config, db)
        try:
            proc.wait(timeout=max(0.0, moment - (time.monotonic() - (opened or 0.0))))
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
        else:
            assert proc.returncode == 0, proc.stderr.read().decode()
        proc.stderr.close()
        stages.append((round(moment, 1), check_whole(db, reference)))
    print(f"{kills} kills in {attempts} runs; (kill moment after first write s, items stored): "
          f"{stages}")
    # Kills must have landed while items were still arriving, not only after the last batch.
    assert sum(1 for _, n in stages if n < ITEMS) >= 3, stages

    collect(config, db)
    assert check_whole(db, reference) == ITEMS
    assert mentions_by_item(db) == reference
    assert table_counts(db) == table_counts(reference_db)


def test_derived_tables_rebuilt_after_a_run_killed_before_refreshing_them(tmp_path):
    """The state a kill between the last batch and the derived tables leaves, made exactly."""
    config = write_demo_watch(tmp_path, items=1500)
    db = tmp_path / "veille.duckdb"
    collect(config, db)
    before = table_counts(db)
    assert all(before[t] for t in DERIVED), before
    con = duckdb.connect(str(db))
    try:
        # terms_days records which days daily_terms holds: both go, as before a first refresh.
        for table in (*DERIVED, "terms_days"):
            con.execute(f"DELETE FROM {table}")
        con.execute("INSERT INTO meta VALUES ('derived_stale', '1') "
                    "ON CONFLICT (key) DO UPDATE SET value = '1'")
    finally:
        con.close()
    proc = collect(config, db)
    assert "0 new" in proc.stdout
    assert table_counts(db) == before
