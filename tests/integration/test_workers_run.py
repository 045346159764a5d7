"""A run shared with worker processes stores exactly what a run in one process stores."""

from __future__ import annotations

import pytest

from tests.conftest import collect, db_rows, write_demo_watch

# Each batch of 5,000 items is long enough to be shared; the demo makes stories and terms.
ITEMS = 12_000

TABLES = {
    "items": "item_id, lang, sentiment, sentiment_label, content_hash",
    "mentions": "item_id, brand, sentiment, sentiment_label",
    "daily_terms": "day, brand, lang, term, n",
    "stories": "item_id, story_id, similarity",
    "daily_mentions": "*",
}


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("workers")
    config = write_demo_watch(folder, items=ITEMS)
    dbs = {}
    for processes in ("1", "2"):
        dbs[processes] = folder / f"veille-{processes}.duckdb"
        collect(config, dbs[processes], env={"VEILLE_WORKERS": processes})
    return dbs


@pytest.mark.parametrize("table", sorted(TABLES))
def test_two_processes_store_what_one_stores(two_runs, table):
    sql = f"SELECT {TABLES[table]} FROM {table} ORDER BY ALL"
    alone, shared = (db_rows(two_runs[p], sql) for p in ("1", "2"))
    assert len(alone) > 0
    assert shared == alone


def test_the_demo_run_found_stories_and_terms_to_compare(two_runs):
    # The comparison above means something only if the run grouped copies and counted terms.
    grouped = db_rows(two_runs["2"], "SELECT count(*) FROM stories WHERE story_id <> item_id")
    assert grouped[0][0] > 10
    assert db_rows(two_runs["2"], "SELECT count(DISTINCT term) FROM daily_terms")[0][0] > 100


def test_a_bad_worker_count_is_refused_before_anything_runs(tmp_path):
    config = write_demo_watch(tmp_path, items=100)
    db = tmp_path / "veille.duckdb"
    proc = collect(config, db, check=False, env={"VEILLE_WORKERS": "many"})
    assert proc.returncode == 2
    assert "VEILLE_WORKERS='many'" in proc.stderr
    assert not db.exists()
