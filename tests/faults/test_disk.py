"""The disk fills up or the database turns read-only: a clear error, what was stored survives."""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT, collect, write_demo_watch

PR_CAPBSET_DROP = 24
# CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER: what lets root ignore file modes.
ROOT_FILE_CAPS = (1, 2, 3)


def add_source(config: Path, name: str, items: int, seed: int) -> None:
    """Append a second demo source (other seed, so other items) to the watch file."""
    with config.open("a", encoding="utf-8") as out:
        out.write(f'\n[[sources]]\nname = "{name}"\nkind = "demo"\nitems = {items}\n'
                  f'seed = {seed}\nend = "2026-06-30"\n')


def run_cli(config: Path, db: Path, preexec=None) -> subprocess.CompletedProcess:
    """`collectors run` with ``preexec`` applied in the child before it starts."""
    return subprocess.run(
        [sys.executable, "-m", "collectors", "run", "--config", str(config), "--db", str(db),
         "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=600, preexec_fn=preexec)


def snapshot(db: Path) -> dict[str, object]:
    """What a user relies on: item ids, mentions per brand, rollup total, integrity."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            "items": {r[0] for r in con.execute("SELECT item_id FROM items").fetchall()},
            "per_brand": dict(con.execute(
                "SELECT brand, count(*) FROM mentions GROUP BY 1").fetchall()),
            "rollup": con.execute("SELECT sum(mentions) FROM daily_mentions").fetchone()[0],
            "orphans": con.execute(
                "SELECT count(*) FROM mentions ANTI JOIN items USING (item_id)").fetchone()[0],
        }
    finally:
        con.close()


def assert_clear_failure(proc: subprocess.CompletedProcess, *words: str) -> None:
    """Exit non-zero with an `error:`/failed line naming the problem, and no traceback."""
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output
    assert "Traceback" not in output, output
    assert any(w.lower() in output.lower() for w in words), output


def test_read_only_database_fails_clearly_and_keeps_its_data(tmp_path):
    config = write_demo_watch(tmp_path, items=800)
    db = tmp_path / "veille.duckdb"
    collect(config, db)
    before = snapshot(db)
    add_source(config, "more", 800, seed=9)
    db.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)

    def without_root_file_powers():
        # Root ignores file modes; dropping these capabilities makes it obey them like anyone.
        if os.geteuid() == 0:
            libc = ctypes.CDLL(None, use_errno=True)
            for cap in ROOT_FILE_CAPS:
                if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
                    raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")

    try:
        proc = run_cli(config, db, preexec=without_root_file_powers)
    finally:
        db.chmod(0o644)
    assert_clear_failure(proc, "permission denied", "read-only", "cannot open")
    assert snapshot(db) == before


@pytest.mark.slow
def test_disk_full_during_a_run_fails_clearly_and_keeps_what_was_stored(tmp_path):
    config = write_demo_watch(tmp_path, items=1500)
    db = tmp_path / "veille.duckdb"
    collect(config, db)
    before = snapshot(db)
    add_source(config, "big", 30000, seed=11)
    # Room for a little more, not for 30,000 items: writes fail partway, as on a full disk.
    limit = db.stat().st_size + 3_000_000

    def full_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() then fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = run_cli(config, db, preexec=full_disk)
    assert_clear_failure(proc, "too large", "no space", "disk", "could not write")
    after = snapshot(db)
    assert after["orphans"] == 0
    assert before["items"] <= after["items"], "items stored before the failure were lost"
    for brand, count in before["per_brand"].items():
        assert after["per_brand"][brand] >= count
    # With room again, the next run completes the collection.
    collect(config, db)
    final = snapshot(db)
    assert final["orphans"] == 0 and before["items"] < final["items"]
    assert final["rollup"] == sum(final["per_brand"].values())
