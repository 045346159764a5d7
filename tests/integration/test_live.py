"""Live mode while `python -m collectors watch` writes: several sessions, no error, fresh data."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from store import reading
from tests.conftest import ROOT, collect, start_watch, stop_watch

SESSIONS = 3
DURATION = 45.0  # seconds of live meeting
TIMEOUT = 60
WATCH = """name = "Live meeting"

[[brands]]
name = "Acme"
query = 'acme'
own = true

[[brands]]
name = "Globex"
query = 'globex'

[[sources]]
name = "stream"
kind = "file"
path = "stream.jsonl"
every = 1
"""


class Feed:
    """Appends posts to the file the watched source reads, a few every half second."""

    def __init__(self, path: Path, start: datetime):
        self.path, self.start, self.count = path, start, 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def write(self, n: int) -> None:
        with self.path.open("a", encoding="utf-8") as out:
            for _ in range(n):
                i = self.count
                brand = "Acme" if i % 3 else "Globex"
                out.write(json.dumps({
                    "id": f"post{i}", "lang": "en",
                    "text": f"Post {i}: {brand} support was great today, thanks {brand}!",
                    "published_at": (self.start + timedelta(minutes=i)).isoformat() + "Z",
                }) + "\n")
                self.count += 1

    def _run(self) -> None:
        while not self.stop.is_set():
            self.write(3)
            time.sleep(0.5)


def stored_mentions(db: Path) -> int:
    with reading(db) as con:
        return con.execute("SELECT count(*) FROM mentions").fetchone()[0]


def shown_mentions(at: AppTest) -> int:
    tile = next(m for m in at.metric if m.label == "Mentions")
    return int(tile.value.replace(",", ""))


@pytest.fixture
def watching(tmp_path):
    (tmp_path / "watch.toml").write_text(WATCH, encoding="utf-8")
    feed = Feed(tmp_path / "stream.jsonl", datetime(2026, 6, 1, 8))
    feed.write(30)
    db = tmp_path / "veille.duckdb"
    collect(tmp_path / "watch.toml", db)
    proc = start_watch(tmp_path / "watch.toml", db, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    feed.thread.start()
    try:
        yield db, feed, proc
    finally:
        feed.stop.set()
        feed.thread.join()
        stop_watch(proc)


def test_live_sessions_follow_a_running_collector_without_a_lock_error(monkeypatch, watching):
    db, feed, proc = watching
    monkeypatch.setenv("VEILLE_DB", str(db))
    sessions = []
    for _ in range(SESSIONS):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
        at.query_params["live"] = os.environ.get("LIVE_PARAM", "1")
        at.query_params["period"] = "all"
        sessions.append(at)
    first_seen, last_seen, reruns = None, 0, 0
    started = time.monotonic()
    # At least DURATION of meeting and at least five reruns per session: a loaded machine
    # reruns more slowly, and the test is about what the sessions show, not how fast.
    while (time.monotonic() < started + DURATION or reruns < SESSIONS * 5) \
            and time.monotonic() < started + 4 * DURATION:
        for at in sessions:
            stored = stored_mentions(db)
            at.run()
            reruns += 1
            assert not at.exception, [e.value for e in at.exception]
            assert not at.error, [e.value for e in at.error]
            assert not at.warning, [w.value for w in at.warning]
            assert at.toggle(key="live_on").value is (at.query_params.get("live") == "1")
            assert at.query_params["period"] == "all"
            shown = shown_mentions(at)
            # What was stored before the rerun began is on screen after it.
            assert shown >= stored, (shown, stored)
            first_seen = shown if first_seen is None else first_seen
            last_seen = max(last_seen, shown)
        time.sleep(0.5)
    assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
    assert reruns >= SESSIONS * 5
    assert last_seen > first_seen + 30, "the sessions saw the collector's new posts"
    assert feed.count > 60
