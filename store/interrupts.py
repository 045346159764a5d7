"""Ctrl-C and SIGTERM, remembered and held while a DuckDB statement runs, so none is cut."""

# DuckDB's Python client looks for signals while a query runs and, when one came, stops the
# query with RuntimeError("Query interrupted"): an ordinary exception. The handlers that keep a
# crashing source, refresher or notification from stopping the others would swallow it, and
# `collectors watch` would go on after Ctrl-C. The handler installed here remembers the request,
# so that those handlers can tell a stop from a failure. The store's own connections go
# further (WholeStatements): Ctrl-C waits for the statement running to end, because an
# interrupted query can leave DuckDB unable to open the file again in this process.

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

_requested = threading.Event()
_signals = 0  # Ctrl-C and SIGTERM received since install()
_holding = 0  # depth of held() blocks being run
_lost = False  # a KeyboardInterrupt of ours was dropped by Python, to be raised again
_previous_hook = sys.unraisablehook


def install() -> None:
    """Make Ctrl-C and SIGTERM raise KeyboardInterrupt and be remembered (main thread only)."""
    global _previous_hook
    forget()
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    if sys.unraisablehook is not _dropped:
        _previous_hook = sys.unraisablehook
        sys.unraisablehook = _dropped


def _dropped(unraisable) -> None:
    # A signal can land while Python runs a finalizer (__del__) or a gc callback, which cannot
    # pass an exception on: the KeyboardInterrupt raised there is dropped, and without this the
    # program would go on as if Ctrl-C had never come. It is raised again at the next point
    # that can stop (a store statement, the end of a held step, check()).
    global _lost
    if unraisable.exc_type is KeyboardInterrupt and _requested.is_set():
        _lost = True
    else:
        _previous_hook(unraisable)


def _raise_lost() -> None:
    global _lost
    if _lost and not _holding and threading.current_thread() is threading.main_thread():
        _lost = False
        raise KeyboardInterrupt


def _stop(signum, frame) -> None:
    global _signals
    _signals += 1
    _requested.set()
    if not _holding:
        raise KeyboardInterrupt


@contextmanager
def held(then_stop: bool = True) -> Iterator[None]:
    """Run the ``with`` block whole: a Ctrl-C or SIGTERM arriving meanwhile stops the program
    when the block ends (``then_stop``), or at the next :func:`check`. For short steps whose
    half-done state would be wrong (a batch stored but not counted, a run recorded and never
    closed). Needs :func:`install`."""
    global _holding
    if threading.current_thread() is not threading.main_thread():
        # Signals reach the main thread only; the counter is not shared with other threads.
        yield
        return
    before = _signals
    _holding += 1
    try:
        yield
    finally:
        _holding -= 1
    if then_stop and _signals != before and not _holding:
        raise KeyboardInterrupt
    if then_stop:
        _raise_lost()


def forget() -> None:
    """Forget an earlier request: what comes next is not being stopped."""
    global _lost
    _requested.clear()
    _lost = False


def requested() -> bool:
    """Whether Ctrl-C or SIGTERM came since :func:`install`."""
    return _requested.is_set()


def check(error: BaseException | None = None) -> None:
    """Raise KeyboardInterrupt if a stop was asked for; ``error`` is what it became, if known."""
    global _lost
    if _requested.is_set():
        _lost = False
        raise KeyboardInterrupt from error


class WholeStatements:
    """A DuckDB connection whose calls each run whole when Ctrl-C comes: the program stops
    right after the call instead (see :func:`held`).

    DuckDB 1.5.5 turns a Ctrl-C landing in a query into an interrupted query; now and then
    (about one interrupted refresh in a hundred here) the database instance outlives the
    connection's close, and the next connection this process opens to the same file spins
    at 100 % CPU forever, deaf to Ctrl-C and SIGTERM. Letting each statement finish never
    interrupts one. Everything else passes through to the connection.
    """

    __slots__ = ("_con",)

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def __getattr__(self, name: str):
        value = getattr(self._con, name)
        if not callable(value):
            return value

        def whole(*args, **kwargs):
            _raise_lost()
            with held():
                result = value(*args, **kwargs)
            if result is self._con:
                return self  # execute() returns its connection: keep the chain guarded
            if isinstance(result, duckdb.DuckDBPyConnection):
                return WholeStatements(result)  # a cursor
            return result

        return whole
