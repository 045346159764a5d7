"""`collectors watch` follows edits of watch.toml without a restart, and survives a bad edit."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from store import reading
from tests.conftest import start_watch, stop_watch

PATIENCE = 60.0
WATCH = """name = "Reload"

[[brands]]
name = "Acme"
query = 'acme'
own = true
{extra}
[[sources]]
name = "stream"
kind = "file"
path = "stream.jsonl"
every = 1
"""
INITECH = """
[[brands]]
name = "Initech"
query = 'initech'
"""


def _append(path: Path, first: int, n: int) -> None:
    with path.open("a", encoding="utf-8") as out:
        for i in range(first, first + n):
            out.write(json.dumps({"id": f"post{i}", "lang": "en",
                                  "text": f"Post {i}: Acme or Initech, which support is better?",
                                  "published_at": f"2026-06-01T08:{i % 60:02d}:00Z"}) + "\n")


def _wait_for(what: str, check, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + PATIENCE
    while not check():
        assert proc.poll() is None, f"watch stopped:\n{log.read_text()}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}:\n{log.read_text()}"
        time.sleep(0.3)


def _rows(db: Path, sql: str, params=()) -> list[tuple]:
    # Through the store's reader, which waits while the collector holds the file.
    with reading(db) as con:
        return con.execute(sql, params).fetchall()


def _brand_mentions(db: Path, brand: str) -> int:
    if not db.exists():
        return 0
    return _rows(db, "SELECT count(*) FROM mentions WHERE brand = ?", [brand])[0][0]


def test_watch_picks_up_new_brands_and_keeps_going_through_a_broken_edit(tmp_path):
    config, db = tmp_path / "watch.toml", tmp_path / "veille.duckdb"
    stream = tmp_path / "stream.jsonl"
    log = tmp_path / "watch.log"
    config.write_text(WATCH.format(extra=""), encoding="utf-8")
    _append(stream, 0, 5)
    with log.open("w") as err:
        proc = start_watch(config, db, stdout=subprocess.DEVNULL, stderr=err)
    try:
        _wait_for("the first posts", lambda: _brand_mentions(db, "Acme") == 5, proc, log)
        assert _brand_mentions(db, "Initech") == 0

        config.write_text(WATCH.format(extra="[[brands]]\nname = 'Initech'\n"),
                          encoding="utf-8")  # no query: invalid
        _wait_for("the warning", lambda: "cannot be used" in log.read_text(), proc, log)
        _append(stream, 5, 3)
        _wait_for("posts under the previous watch", lambda: _brand_mentions(db, "Acme") == 8,
                  proc, log)
        assert "Initech" in log.read_text() and "query" in log.read_text()

        config.write_text(WATCH.format(extra=INITECH), encoding="utf-8")
        _wait_for("the reload", lambda: "reloaded" in log.read_text(), proc, log)
        _append(stream, 8, 4)
        _wait_for("the new brand's mentions", lambda: _brand_mentions(db, "Initech") == 4,
                  proc, log)
        # The app's brand list follows too.
        assert ("Initech", "initech") in _rows(db, "SELECT name, query FROM brands")
    finally:
        stop_watch(proc)
