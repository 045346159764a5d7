"""Load: `collectors watch` writes without pause while five live sessions refresh; nothing lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime

import pytest
from streamlit.testing.v1 import AppTest

from store import reading
from tests.conftest import ROOT, collect
from tests.integration.test_live import WATCH, Feed, shown_mentions

# `make test` size; benchmarks/bench_load.py runs 5 sessions × 120 s through the same test.
SESSIONS = int(os.environ.get("VEILLE_LOAD_SESSIONS", "5"))
SECONDS = float(os.environ.get("VEILLE_LOAD_SECONDS", "30"))
TIMEOUT = 60


def stored(db) -> tuple[int, int]:
    """(items, mentions) in the database, read the way the app reads."""
    with reading(db) as con:
        return con.execute("SELECT (SELECT count(*) FROM items), "
                           "(SELECT count(*) FROM mentions)").fetchone()


@pytest.mark.slow
def test_live_sessions_under_continuous_writes_lose_nothing(tmp_path, monkeypatch):
    config, db = tmp_path / "watch.toml", tmp_path / "veille.duckdb"
    config.write_text(WATCH, encoding="utf-8")
    feed = Feed(tmp_path / "stream.jsonl", datetime(2026, 6, 1, 8))
    feed.write(30)
    collect(config, db)
    writer = subprocess.Popen(
        [sys.executable, "-m", "collectors", "watch", "--config", str(config), "--db", str(db),
         "--quiet"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    feed.thread.start()
    monkeypatch.setenv("VEILLE_DB", str(db))
    sessions = []
    for _ in range(SESSIONS):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
        at.query_params["live"] = "1"
        at.query_params["every"] = "10"
        at.query_params["period"] = "all"
        sessions.append(at)
    refreshes, errors, stale, first, last = 0, [], 0, None, 0
    try:
        deadline = time.monotonic() + SECONDS
        while time.monotonic() < deadline:
            for at in sessions:
                before = stored(db)[1]
                at.run()
                refreshes += 1
                errors += [e.value for e in (*at.exception, *at.error)]
                shown = shown_mentions(at)
                # Whatever was stored when the refresh began is on screen when it ends.
                stale += shown < before
                first = shown if first is None else first
                last = max(last, shown)
    finally:
        feed.stop.set()
        feed.thread.join()
    # Give the watcher time to take in the last lines (it reads the file every second).
    wait_until = time.monotonic() + 60
    while stored(db)[0] < feed.count and time.monotonic() < wait_until:
        time.sleep(0.5)
    items, mentions = stored(db)
    print(f"load: {SESSIONS} sessions × {SECONDS:.0f} s, {refreshes} refreshes, "
          f"{len(errors)} errors, {stale} stale refreshes, {feed.count} items written, "
          f"{items} stored, {feed.count - items} lost, mentions shown {first} → {last}")
    writer.send_signal(signal.SIGINT)
    try:
        out, err = writer.communicate(timeout=60)
        stopped = True
    except subprocess.TimeoutExpired:
        writer.kill()
        out, err = writer.communicate()
        stopped = False
    print(f"load: watch stopped by Ctrl-C: {stopped}")
    assert not errors, errors[:3]
    assert stale == 0
    assert items == feed.count, f"{feed.count - items} items lost"
    # Every post names one brand (see Feed.write): one mention each.
    assert mentions == feed.count
    assert last > first
    assert "Traceback" not in err, err[-2000:]
    assert stopped, "`collectors watch` did not stop within 60 s of Ctrl-C"
