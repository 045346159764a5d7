"""Worker processes: a long list is shared with them, a short one is not, failures come back."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from analysis import workers
from tests.conftest import ROOT


def _pids(context, part):
    """Which process computed ``part``, its items and the context it was given."""
    return os.getpid(), list(part), context


def _fail_on(bad, part):
    if bad in part:
        raise ValueError(f"item {bad} is bad")
    return len(part)


@pytest.fixture
def two_processes():
    workers.allow(2)
    yield
    workers.close()
    workers.allow(1)


def test_a_long_list_is_shared_with_a_worker_and_comes_back_whole_in_order(two_processes):
    items = list(range(5_000))
    parts = workers.split_map(_pids, items, {"brands": ["Opalia"]}, min_part=1_000)
    assert len(parts) == 2
    assert [x for _, part, _ in parts for x in part] == items
    # The first part is done here, the second in another process, each with the context.
    assert parts[0][0] == os.getpid() and parts[1][0] != os.getpid()
    assert all(ctx == {"brands": ["Opalia"]} for _, _, ctx in parts)


def test_a_short_list_or_one_process_stays_here(two_processes):
    parts = workers.split_map(_pids, list(range(1_500)), None, min_part=1_000)
    assert [pid for pid, _, _ in parts] == [os.getpid()]
    workers.allow(1)
    parts = workers.split_map(_pids, list(range(50_000)), None, min_part=1_000)
    assert [pid for pid, _, _ in parts] == [os.getpid()]


def test_an_error_in_a_worker_is_raised_here_with_its_message(two_processes):
    with pytest.raises(ValueError, match="item 4000 is bad"):
        workers.split_map(_fail_on, list(range(5_000)), 4_000, min_part=1_000)
    # The pool survives a function's own error: the next call is shared again.
    assert workers.split_map(_fail_on, list(range(5_000)), -1, min_part=1_000) == [2_500, 2_500]


def test_dead_workers_leave_the_work_to_this_process(two_processes):
    workers.split_map(_pids, list(range(5_000)), None, min_part=1_000)
    for process in list(workers._pool._processes.values()):
        process.kill()
        process.join()
    parts = workers.split_map(_pids, list(range(5_000)), None, min_part=1_000)
    assert [x for _, part, _ in parts for x in part] == list(range(5_000))
    assert {pid for pid, _, _ in parts} == {os.getpid()}
    assert workers.allowed() == 1


@pytest.mark.parametrize("value", ["0", "two", "-1", "1.5"])
def test_a_bad_worker_count_names_the_variable(monkeypatch, value):
    monkeypatch.setenv("VEILLE_WORKERS", value)
    with pytest.raises(ValueError, match=f"VEILLE_WORKERS='{value}'"):
        workers.cores()


def test_the_worker_count_comes_from_the_environment_or_the_cores(monkeypatch):
    monkeypatch.setenv("VEILLE_WORKERS", "3")
    assert workers.cores() == 3
    monkeypatch.delenv("VEILLE_WORKERS")
    assert workers.cores() == len(os.sched_getaffinity(0))


_PARENT = """
import sys, time
sys.path.insert(0, {root!r})
from analysis import workers
from tests.unit.test_workers import _pids
if __name__ == "__main__":  # a spawned worker imports this file too
    workers.allow(2)
    print(workers.split_map(_pids, list(range(5_000)), None)[1][0], flush=True)
    time.sleep(600)
"""


def test_workers_end_when_their_parent_is_killed(tmp_path):
    # kill -9 leaves no chance to shut the pool down: orphaned workers must not linger.
    script = tmp_path / "parent.py"
    script.write_text(_PARENT.format(root=str(ROOT)), encoding="utf-8")
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        worker = int(parent.stdout.readline())
        assert _alive(worker)
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 30
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(worker), "a worker outlived its killed parent"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[-1][0] != "Z"
    except FileNotFoundError:
        return False


def test_submit_map_returns_at_once_and_gives_every_part_to_a_worker(two_processes):
    pending = workers.submit_map(_pids, list(range(5_000)), "ctx", min_part=1_000)
    assert not pending.ready
    parts = pending.result()
    assert [x for _, part, _ in parts for x in part] == list(range(5_000))
    assert os.getpid() not in {pid for pid, _, _ in parts}
    # A short list is done here, before returning.
    short = workers.submit_map(_pids, list(range(10)), "ctx", min_part=1_000)
    assert short.ready and short.result()[0][0] == os.getpid()
