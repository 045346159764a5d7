"""Ctrl-C stops the collectors, even landing inside a DuckDB query (where it becomes an error)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import duckdb
import pytest

from store import interrupts, reading, writing
from store.derived import refresh_all
from store.scheduler import heartbeat_path, status
from tests.conftest import start_watch, stop_watch, write_demo_watch


@pytest.fixture
def ctrl_c():
    """The collectors' Ctrl-C handling, installed in this process; a function sending Ctrl-C
    after a delay. Python's own handlers come back afterwards."""
    saved = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    saved_hook = sys.unraisablehook
    interrupts.install()
    timers: list[threading.Timer] = []

    def press(after: float) -> None:
        timer = threading.Timer(after, os.kill, (os.getpid(), signal.SIGINT))
        timers.append(timer)
        timer.start()

    yield press
    for timer in timers:
        timer.cancel()
    signal.signal(signal.SIGINT, saved[0])
    signal.signal(signal.SIGTERM, saved[1])
    sys.unraisablehook = saved_hook
    interrupts.forget()


def test_ctrl_c_inside_a_query_is_remembered_though_duckdb_turns_it_into_an_error(ctrl_c):
    con = duckdb.connect()
    ctrl_c(0.3)
    with pytest.raises(BaseException) as caught:
        # Long enough (about 10 s here) that Ctrl-C lands while DuckDB runs it, and no longer:
        # now and then DuckDB goes on running an interrupted query in its own threads, and
        # the connection's end waits for it.
        con.execute("SELECT count(*) FROM range(4000000000) t(a) WHERE a % 7 = 3").fetchall()
    assert interrupts.requested()
    with pytest.raises(KeyboardInterrupt):
        interrupts.check(caught.value)


def test_ctrl_c_during_a_statement_of_ours_lets_it_finish_then_stops(tmp_path, ctrl_c):
    # An interrupted DuckDB query can leave the file impossible to open again in this process
    # (DuckDB spins forever): the store's connections finish the statement, then stop.
    db = tmp_path / "veille.duckdb"
    with pytest.raises(KeyboardInterrupt), writing(db) as con:
        ctrl_c(0.1)
        # About a second here: Ctrl-C lands while it runs.
        con.execute("CREATE TABLE counted AS SELECT count(*) AS n "
                    "FROM range(400000000) t(a) WHERE a % 7 = 3")
        con.execute("CREATE TABLE after_ctrl_c (x INTEGER)")  # never reached
    assert interrupts.requested()
    interrupts.forget()
    with reading(db) as con:
        assert con.execute("SELECT n FROM counted").fetchone()[0] == 57142857
        assert not con.execute("SELECT count(*) FROM information_schema.tables "
                               "WHERE table_name = 'after_ctrl_c'").fetchone()[0]


class _PressingCtrlCWhenCollected:
    """An object whose finalizer is where Ctrl-C lands: Python cannot raise from there."""

    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)


def test_ctrl_c_dropped_in_a_finalizer_stops_at_the_next_statement(tmp_path, ctrl_c):
    # Python drops an exception raised in a finalizer or a gc callback (printing "Exception
    # ignored"); a Ctrl-C landing there must still stop the program (CI met it once).
    db = tmp_path / "veille.duckdb"
    with pytest.raises(KeyboardInterrupt), writing(db) as con:
        con.execute("CREATE TABLE before_ctrl_c (x INTEGER)")
        _PressingCtrlCWhenCollected()  # collected at once: Ctrl-C lands in its __del__
        con.execute("CREATE TABLE after_ctrl_c (x INTEGER)")  # never reached
    interrupts.forget()
    with reading(db) as con:
        tables = {row[0] for row in con.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
    assert "before_ctrl_c" in tables
    assert "after_ctrl_c" not in tables


def test_ctrl_c_dropped_in_a_finalizer_stops_a_held_step_at_its_end(ctrl_c):
    done = []
    with pytest.raises(KeyboardInterrupt):
        _PressingCtrlCWhenCollected()
        with interrupts.held():
            done.append("stored")
        done.append("went on")
    assert done == ["stored"]


def test_other_errors_in_finalizers_are_still_reported(ctrl_c):
    class Broken:
        def __del__(self):
            raise ValueError("a finalizer's own bug")

    reported = []
    before = sys.unraisablehook
    sys.unraisablehook = reported.append
    try:
        interrupts.install()  # wraps the hook in place now
        Broken()
    finally:
        sys.unraisablehook = before
    assert [r.exc_type for r in reported] == [ValueError]


def test_no_ctrl_c_no_stop(ctrl_c):
    assert not interrupts.requested()
    interrupts.check(RuntimeError("a real failure"))  # nothing raised


def test_a_held_step_finishes_before_ctrl_c_stops_the_program(ctrl_c):
    done = []
    with pytest.raises(KeyboardInterrupt), interrupts.held():
        os.kill(os.getpid(), signal.SIGINT)
        done.append("stored")
        done.append("counted")
    assert done == ["stored", "counted"]


def test_a_step_held_until_the_next_check_stops_there(ctrl_c):
    with interrupts.held(then_stop=False):
        os.kill(os.getpid(), signal.SIGINT)
    assert interrupts.requested()
    with pytest.raises(KeyboardInterrupt):
        interrupts.check()


def test_a_held_step_after_ctrl_c_runs_whole_to_save_the_rest(ctrl_c):
    # After Ctrl-C the collector saves its last batches in held steps: they must not stop it.
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
        threading.Event().wait(5)
    with interrupts.held():
        saved = True
    assert saved


@pytest.mark.parametrize("after_ms", range(0, 360, 30))
def test_the_refresh_stops_on_ctrl_c_wherever_it_lands_and_keeps_the_data(
        demo_db, tmp_path, ctrl_c, after_ms):
    # The demo's analysis tables take about a third of a second to rebuild: Ctrl-C at these
    # moments lands in SQL as well as in Python. Either way the refresh must stop, not report
    # a failed table and go on.
    db = tmp_path / "veille.duckdb"
    shutil.copy(demo_db, db)
    with reading(db) as con:
        before = con.execute("SELECT count(*) FROM items").fetchone()[0]
    warnings: list[str] = []
    with pytest.raises(KeyboardInterrupt), writing(db) as con:
        ctrl_c(after_ms / 1000)
        refresh_all(con, warn=warnings.append)
        # A refresh faster than the delay: wait for Ctrl-C here instead.
        threading.Event().wait(5)
    assert warnings == []
    interrupts.forget()
    with writing(db) as con:
        refresh_all(con, warn=warnings.append)
        assert con.execute("SELECT count(*) FROM items").fetchone()[0] == before
    assert warnings == []


@pytest.mark.parametrize("after_ms", range(0, 2800, 350))
def test_collectors_watch_stops_on_ctrl_c_at_any_moment_of_a_run(tmp_path, after_ms):
    # Ctrl-C after the first heartbeat lands while the demo is collected, written, analysed or
    # its alerts computed: the watch must stop every time, keep what it stored, say it stopped.
    config = write_demo_watch(tmp_path)
    db = tmp_path / "veille.duckdb"
    log = tmp_path / "stderr.txt"
    with log.open("w", encoding="utf-8") as err:
        proc = start_watch(config, db, stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.monotonic() + 120
        while not status(db).running and time.monotonic() < deadline:
            time.sleep(0.05)
        assert status(db).running, "no heartbeat from collectors watch"
        time.sleep(after_ms / 1000)
    finally:
        stop_watch(proc)  # Ctrl-C, then kill -9 if it has not stopped within 30 s
    assert proc.returncode == 130, log.read_text(encoding="utf-8")
    assert not heartbeat_path(db).exists()
    with reading(db) as con:
        stored = con.execute("SELECT count(*) FROM items").fetchone()[0]
        runs = con.execute("SELECT status, items_new FROM runs").fetchall()
    # Every run is closed as finished or stopped, and counts what it stored.
    assert runs and {status for status, _ in runs} <= {"ok", "interrupted"}
    assert sum(new for _, new in runs) == stored
