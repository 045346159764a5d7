"""Leases in a lake's catalog: one process at a time collects a source or refreshes the
derived tables, whichever machine it runs on."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from store import lake
from store.transaction import transaction

TABLE = lake.LEASES_TABLE
# A lease a process forgot (killed -9 on another machine) is free again after this long;
# holders renew well before (see :meth:`Lease.renew`).
TTL_SECONDS = 600.0
RENEW_EVERY = 60.0


def holder() -> str:
    """This process, as a lease names its holder: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _dead(name: str) -> bool:
    """True when ``name`` is a process of this machine that no longer runs (killed before it
    could give its lease back); a process of another machine is never judged from here."""
    host, _, pid = name.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class Lease:
    """The outcome of asking for a lease: ``held`` by this process, or by ``other`` until
    ``until``."""

    name: str
    held: bool
    other: str | None = None
    until: datetime | None = None
    renewed: float = 0.0

    def describe(self) -> str:
        """Who holds the lease this process was refused, for a message."""
        until = f" until {self.until:%H:%M:%S} UTC" if self.until else ""
        return f"held by {self.other}{until}"

    def renew(self, con: Any) -> None:
        """Push the lease's end back when :data:`RENEW_EVERY` has passed since the last time
        (cheap to call on every batch)."""
        if self.held and lake.is_lake_connection(con) and \
                time.monotonic() - self.renewed >= RENEW_EVERY:
            _take(con, self.name, force=True)
            self.renewed = time.monotonic()


def _take(con: Any, name: str, force: bool = False) -> tuple[str, datetime] | None:
    """Take the lease ``name`` for this process unless someone alive holds it: None when taken,
    else its holder and end."""
    me = holder()

    def attempt() -> tuple[str, datetime] | None:
        with transaction(con):
            # Two processes taking the same lease both update the claim row: the second commit
            # clashes, runs again, and then sees the first one's lease.
            lake.claim(con)
            row = con.execute(f"SELECT holder, expires_at FROM {TABLE} WHERE name = ?",
                              [name]).fetchone()
            if row and not force and row[0] != me and row[1] > _now() and not _dead(row[0]):
                return row[0], row[1]
            con.execute(f"DELETE FROM {TABLE} WHERE name = ?", [name])
            con.execute(f"INSERT INTO {TABLE} VALUES (?, ?, ?)",
                        [name, me, _now() + timedelta(seconds=TTL_SECONDS)])
            return None

    return lake.retrying(con, attempt)


def acquire(con: Any, name: str, wait: float = 0.0, poll: float = 1.0) -> Lease:
    """Ask for the lease ``name``, waiting up to ``wait`` seconds for its holder to give it
    back. On a DuckDB file, whose lock already keeps other writers out, it is always held."""
    if not lake.is_lake_connection(con):
        return Lease(name, held=True)
    deadline = time.monotonic() + wait
    while True:
        other = _take(con, name)
        if other is None:
            return Lease(name, held=True, renewed=time.monotonic())
        if time.monotonic() >= deadline:
            return Lease(name, held=False, other=other[0], until=other[1])
        time.sleep(poll)


def release(con: Any, lease: Lease) -> None:
    """Give ``lease`` back if this process holds it."""
    if lease.held and lake.is_lake_connection(con):
        lake.retrying(con, lambda: con.execute(
            f"DELETE FROM {TABLE} WHERE name = ? AND holder = ?", [lease.name, holder()]))


@contextmanager
def leased(con: Any, name: str, wait: float = 0.0) -> Iterator[Lease]:
    """:func:`acquire` the lease ``name`` for the ``with`` block and :func:`release` it after;
    the block checks ``lease.held`` before doing the leased work."""
    lease = acquire(con, name, wait)
    try:
        yield lease
    finally:
        release(con, lease)
