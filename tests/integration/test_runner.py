"""The collectors CLI end to end: real processes, a real DuckDB file, failing and stopped runs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import duckdb

from tests.conftest import ROOT, collect, write_demo_watch
from tests.conftest import db_rows as rows


def test_failing_source_does_not_cost_the_others(tmp_path):
    config = write_demo_watch(tmp_path, items=600)
    with config.open("a", encoding="utf-8") as fh:
        fh.write('\n[[sources]]\nname = "old-export"\nkind = "file"\npath = "missing.csv"\n')
    db = tmp_path / "v.duckdb"
    proc = collect(config, db, check=False)
    assert proc.returncode == 1
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 2  # one summary line per source
    assert lines[0].startswith("demo: ok — 600 seen, 600 new")
    assert lines[1].startswith("old-export: failed") and "missing.csv" in lines[1]
    assert rows(db, "SELECT count(*) FROM items") == [(600,)]
    health = dict(rows(db, "SELECT name, last_error_kind FROM sources"))
    assert health == {"demo": None, "old-export": "parse_error"}
    statuses = rows(db, "SELECT source, status FROM runs ORDER BY source")
    assert statuses == [("demo", "ok"), ("old-export", "failed")]


def test_second_run_adds_nothing_and_source_option(tmp_path):
    config = write_demo_watch(tmp_path, items=500)
    db = tmp_path / "v.duckdb"
    collect(config, db)
    again = collect(config, db, "--source", "demo")
    assert "500 seen, 0 new, 0 updated" in again.stdout
    assert rows(db, "SELECT count(*), count(DISTINCT item_id) FROM items") == [(500, 500)]
    assert rows(db, "SELECT count(*) FROM runs") == [(2,)]


def test_progress_names_each_analysis_table_as_it_is_rebuilt(tmp_path):
    # The first run on millions of items spends minutes after the last source: say on what.
    config = write_demo_watch(tmp_path, items=400)
    proc = subprocess.run(
        [sys.executable, "-m", "collectors", "run", "--config", str(config), "--db",
         str(tmp_path / "v.duckdb")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    frames = proc.stderr.replace("\r", "\n")
    assert "analysis tables" in frames
    for name in ("alerts", "stories", "authors", "facts"):
        assert f", {name}]" in frames, name
    # --quiet keeps stderr for problems only.
    again = collect(config, tmp_path / "w.duckdb")
    assert "analysis tables" not in again.stderr


def test_progress_as_json_lines_for_the_app(tmp_path):
    # The app's "Collect now" reads these lines; each must parse and end with "finished".
    config = write_demo_watch(tmp_path, items=700)
    with config.open("a", encoding="utf-8") as fh:
        fh.write('\n[[sources]]\nname = "old: export"\nkind = "file"\npath = "missing.csv"\n')
    proc = collect(config, tmp_path / "v.duckdb", "--progress", "json", check=False)
    assert proc.returncode == 1
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    records = [json.loads(line) for line in lines if line.startswith("{")]
    assert len(records) == len(lines), "every line of standard error is a JSON object"
    done = {r["task"]: r for r in records if r["event"] == "finished"}
    assert done["demo"]["done"] == done["demo"]["total"] == 700
    assert done["analysis tables"]["done"] == done["analysis tables"]["total"]
    assert "old: export" in done  # a name with a colon is its own task, not a parse error
    demo = [r["done"] for r in records if r["task"] == "demo"]
    assert demo == sorted(demo)
    steps = {r.get("step") for r in records if r["task"] == "analysis tables"}
    assert {"alerts", "stories", "authors", "facts"} <= steps


def test_every_item_gets_language_and_sentiment(tmp_path):
    config = write_demo_watch(tmp_path, items=400)
    db = tmp_path / "v.duckdb"
    collect(config, db)
    missing = rows(db, "SELECT count(*) FROM items WHERE lang IS NULL OR sentiment IS NULL "
                       "OR sentiment_label NOT IN ('negative', 'neutral', 'positive')")
    assert missing == [(0,)]
    (mentions,), = rows(db, "SELECT count(*) FROM mentions WHERE sentiment BETWEEN -1 AND 1")
    assert mentions >= 300  # most demo items name at least one brand
    assert rows(db, "SELECT count(*) FROM mentions m ANTI JOIN items i USING (item_id)") == [(0,)]


def test_unknown_source_and_bad_config_write_nothing(tmp_path):
    config = write_demo_watch(tmp_path, items=100)
    db = tmp_path / "v.duckdb"
    proc = collect(config, db, "--source", "nope", check=False)
    assert proc.returncode == 2 and "no source named 'nope'" in proc.stderr
    config.write_text(config.read_text() + '\n[[sources]]\nname = "x"\nkind = "nope"\n')
    proc = collect(config, db, check=False)
    assert proc.returncode == 2
    assert "unknown kind 'nope'" in proc.stderr and "nothing was collected" in proc.stderr
    assert not db.exists()


def test_stopped_run_keeps_its_items_and_the_next_run_completes(tmp_path):
    # Enough that the run is still collecting when its first batches can be read: with the
    # worker processes 30,000 demo items were sometimes all stored within one poll.
    ITEMS = 80_000  # noqa: N806
    config = write_demo_watch(tmp_path, items=ITEMS)
    db = tmp_path / "v.duckdb"
    proc = subprocess.Popen(
        [sys.executable, "-m", "collectors", "run", "--config", str(config), "--db", str(db),
         "--quiet"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=os.environ.copy())
    # Wait until some batches are stored, then stop it the way a terminal does.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.5)
        if db.exists():
            try:
                if rows(db, "SELECT count(*) FROM items")[0][0] >= 5000:
                    break
            except duckdb.Error:
                continue  # the writer holds the lock right now
    assert proc.poll() is None, "the run finished before it could be stopped; raise items"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "what was collected so far is stored" in err
    (kept,), = rows(db, "SELECT count(*) FROM items")[0:1]
    assert 5000 <= kept < ITEMS
    assert rows(db, "SELECT status FROM runs") == [("interrupted",)]
    collect(config, db)
    assert rows(db, "SELECT count(*), count(DISTINCT item_id) FROM items") == [(ITEMS, ITEMS)]
