"""The collector scheduler says it is running, and when each source runs next, to the app."""

from __future__ import annotations

import subprocess
import time
from datetime import UTC, datetime, timedelta

from store.scheduler import heartbeat_path, status
from tests.conftest import acme_file_watch, start_watch, stop_watch

WATCH = acme_file_watch(every="1h")


def test_watch_beats_while_it_runs_and_says_when_it_stopped(tmp_path):
    (tmp_path / "posts.csv").write_text("id,text,date\n1,Acme is fine,2026-11-30\n",
                                        encoding="utf-8")
    config = tmp_path / "watch.toml"
    config.write_text(WATCH, encoding="utf-8")
    db = tmp_path / "veille.duckdb"
    assert status(db).running is False  # never started

    proc = start_watch(config, db, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        seen = status(db)
        while not (seen.running and seen.next_runs) and time.monotonic() < deadline:
            time.sleep(0.5)
            seen = status(db)
        assert seen.running, "no heartbeat from collectors watch"
        # The source ran at start; its next run is about an hour away.
        wait = seen.next_runs["posts"] - datetime.now(UTC)
        assert timedelta(minutes=55) < wait <= timedelta(hours=1)
        # A heartbeat nobody renews is read as stopped.
        assert not status(db, now=seen.beat_at + timedelta(minutes=5)).running
    finally:
        stop_watch(proc)
    assert not heartbeat_path(db).exists() and not status(db).running
