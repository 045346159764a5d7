"""What the frame hands to every page (database, filters, colours) and cached store reads."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

from store import lake
from views.context import View

__all__ = ["View", "current", "db_stamp", "published", "read"]

T = TypeVar("T")
_VIEW_KEY = "_veille_view"
# The stamp of the database file keys the cache, so fresh data shows at the next rerun; the TTL
# only bounds memory.
CACHE_TTL = "10m"


@contextmanager
def published(view: View) -> Iterator[None]:
    """Make ``view`` the one pages read while the page of this run executes.

    It is withdrawn afterwards, so a page script that runs without the frame finds nothing
    stale (see :func:`current`).
    """
    st.session_state[_VIEW_KEY] = view
    try:
        yield
    finally:
        st.session_state.pop(_VIEW_KEY, None)


def current() -> View:
    """The view the frame published for this run; a page run without it says how to start.

    Pages only run inside ``app.py``. Streamlit can still execute a page file on its own: when
    started as ``streamlit run pages/overview.py``, or through its older discovery of the
    ``pages/`` folder, which a fresh server's first run and every AppTest run go through; the
    url_path rule in ``app.py`` keeps that discovery from ever picking a page file.
    """
    view = st.session_state.get(_VIEW_KEY)
    if not isinstance(view, View):
        st.error("Start Veille with `streamlit run app.py`: this page needs the app's frame.")
        st.stop()
    return view


def read(query: Callable[..., T], db: Path | str, *args: Any) -> T:
    """Call the store query ``query(db, *args)`` through Streamlit's cache.

    The cache key holds the query's name, the arguments (a :class:`Filters` hashes by value)
    and the database file's size and modification time (and its WAL's), so new data is read
    as soon as a collector has written it. Errors are never cached.
    """
    name = f"{query.__module__}.{query.__qualname__}"
    return _cached(name, str(db), db_stamp(db), args, _query=query)


@st.cache_data(ttl=CACHE_TTL, max_entries=512, show_spinner=False)
def _cached(name: str, db: str, stamp: tuple, args: tuple, _query: Callable[..., Any]) -> Any:
    return _query(db, *args)


def db_stamp(db: Path | str) -> tuple:
    """Size and modification time of the database file and its write-ahead log (None if absent);
    for a lake, its latest snapshot (each commit makes one)."""
    if lake.is_lake(db):
        return ("lake", lake.snapshot(db))
    out = []
    for path in (Path(db), Path(f"{db}.wal")):
        try:
            stat = os.stat(path)
        except OSError:
            out.append(None)
        else:
            out.append((stat.st_size, stat.st_mtime_ns))
    return tuple(out)
