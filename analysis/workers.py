"""Running a pure function over the parts of a long list on every core, in worker processes."""

# A large first run spends most of its time in Python (sentiment features, brand matching, key
# terms, story signatures), on one core of the machine's two or more. Splitting a long list
# between this process and worker processes uses the others; short lists are done here, since
# sending them to a worker would cost more than it saves.
#
# Workers are spawned, never forked: the parent holds DuckDB's threads, and a forked child of a
# threaded process can hang on a lock one of those threads held at the fork. Workers ignore
# Ctrl-C, so only this process stops, saves what it has and shuts them down. Only a program's
# entry point turns workers on (:func:`allow`): under Streamlit or in a library call, spawning
# would re-run a main module that is not ours.

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# A worker is given at least this many items: fewer are done sooner in this process.
MIN_PART = 1_000
ENV = "VEILLE_WORKERS"
PARENT_CHECK_SECONDS = 0.5

_allowed = 1
_pool: ProcessPoolExecutor | None = None
_pool_size = 0


def cores() -> int:
    """Processes that may share the work: ``VEILLE_WORKERS`` if set, else the usable cores.

    Raises ValueError naming the variable when it is not a whole number of at least 1.
    """
    raw = os.environ.get(ENV, "").strip()
    if raw:
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if value < 1:
            raise ValueError(f"{ENV}={raw!r}: expected a whole number of processes, 1 or more "
                             f"(1 does everything in one process)")
        return value
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def allow(processes: int) -> None:
    """Let :func:`split_map` and :func:`submit_map` use up to ``processes`` processes, this one
    included (1 = none)."""
    global _allowed
    _allowed = max(1, processes)
    if _pool is not None and _pool_size > _allowed:
        close()


def allowed() -> int:
    """The number of processes the maps may use, this one included."""
    return _allowed


def close() -> None:
    """Stop the worker processes, if any were started; the next parallel call starts new ones."""
    global _pool, _pool_size
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
    _pool, _pool_size = None, 0


def split_map(func: Callable[[Any, Sequence[T]], R], items: Sequence[T], context: Any = None,
              min_part: int = MIN_PART) -> list[R]:
    """``func(context, part)`` for consecutive parts of ``items``, the results in their order.

    With one process allowed, or fewer than two parts' worth of items (``min_part`` each),
    the answer is ``[func(context, items)]`` computed here. Otherwise the items are cut into
    as many equal parts as processes allowed: workers compute all but the first, this process
    the first meanwhile. ``func`` must be a module-level function (or a ``functools.partial``
    of one) and ``context`` picklable; both are sent to the workers with every part. An
    exception raised by ``func`` in a worker is raised here. If the workers are gone (killed,
    out of memory), their parts are computed here, and the next calls stay in this process.
    """
    parts = _cut(items, min(_allowed, len(items) // max(min_part, 1)))
    pending = _start(func, parts[1:], context)
    first = func(context, parts[0])
    return [first, *pending.result()]


def submit_map(func: Callable[[Any, Sequence[T]], R], items: Sequence[T], context: Any = None,
               min_part: int = MIN_PART) -> Pending[R]:
    """Start ``func(context, part)`` on consecutive parts of ``items`` in the workers and
    return at once; :meth:`Pending.result` gives the results in order.

    Every part goes to a worker, so this process is free to prepare the next list meanwhile.
    When :func:`split_map` would stay here (one process, or a short list), the work is done
    before returning and :attr:`Pending.ready` is true. Same rules otherwise.
    """
    count = min(_allowed, len(items) // max(min_part, 1))
    if count <= 1:
        return Pending(func, context, [], [], [func(context, items)])
    return _start(func, _cut(items, count), context)


def one_ahead(items: Iterable[T], start: Callable[[T], R]) -> Iterator[tuple[T, R]]:
    """``(item, start(item))`` for each of ``items``, each given only once ``start`` was called
    on the next one: workers begin the next part while the caller finishes this one."""
    previous: tuple[T, R] | None = None
    for item in items:
        started = (item, start(item))
        if previous is not None:
            yield previous
        previous = started
    if previous is not None:
        yield previous


class Pending(Generic[R]):
    """Parts of a list given to worker processes, and the results already known."""

    def __init__(self, func: Callable, context: Any, parts: list, futures: list,
                 done: list[R] | None = None):
        """Hold ``futures`` computing ``func(context, part)`` for ``parts``; use the functions
        above rather than calling this."""
        self._func, self._context, self._parts, self._futures = func, context, parts, futures
        self._done = done or []

    @property
    def ready(self) -> bool:
        """True when the results were computed in this process, with nothing to wait for."""
        return not self._futures

    def result(self) -> list[R]:
        """Wait for every part and return the results in order (see :func:`split_map`)."""
        out = list(self._done)
        for future, part in zip(self._futures, self._parts, strict=True):
            try:
                out.append(future.result())
            except BrokenProcessPool:
                _broken()
                out.append(self._func(self._context, part))
        self._futures, self._done = [], out
        return out


def _cut(items: Sequence[T], count: int) -> list[Sequence[T]]:
    """``items`` in ``count`` consecutive parts of nearly equal length (one part if ≤ 1)."""
    if count <= 1:
        return [items]
    size = -(-len(items) // count)
    return [items[i:i + size] for i in range(0, len(items), size)]


def _start(func: Callable, parts: list, context: Any) -> Pending:
    """Give each part to a worker; parts go back to this process if no worker can start."""
    if not parts:
        return Pending(func, context, [], [])
    pool = _workers(len(parts))
    if pool is not None:
        try:
            return Pending(func, context, parts, [pool.submit(func, context, part)
                                                  for part in parts])
        except (BrokenProcessPool, RuntimeError):
            _broken()
    return Pending(func, context, [], [], [func(context, part) for part in parts])


def _workers(needed: int) -> ProcessPoolExecutor | None:
    """The pool, started (or grown) to ``needed`` workers on first use."""
    global _pool, _pool_size
    if _pool is not None and _pool_size >= needed:
        return _pool
    close()
    # As many workers as processes allowed: submit_map uses them all, split_map one less.
    size = max(needed, _allowed)
    try:
        _pool = ProcessPoolExecutor(max_workers=size, mp_context=get_context("spawn"),
                                    initializer=_quiet)
    except (OSError, ValueError):
        return None
    _pool_size = size
    return _pool


def _broken() -> None:
    """Forget a pool whose workers died and stay in this process from now on."""
    global _pool, _pool_size, _allowed
    _pool, _pool_size, _allowed = None, 0, 1


def _quiet() -> None:
    """In a worker: leave Ctrl-C and SIGTERM to the parent, and end when the parent is gone.

    A parent killed with -9 cannot shut its pool down, and the workers' queue never closes
    (each worker holds one of its ends): each watches its parent instead.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parent = os.getppid()
    threading.Thread(target=_follow, args=(parent,), daemon=True, name="parent-watch").start()


def _follow(parent: int) -> None:
    """Exit this worker as soon as ``parent`` is no longer its parent process."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)
