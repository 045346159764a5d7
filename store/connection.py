"""DuckDB connections that survive the file lock: short-lived, retried with jittered backoff."""

from __future__ import annotations

import os
import random
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from store import interrupts, lake
from store.schema import MIGRATIONS, current_version, migrate

# Readers give up sooner than writers: a page should say "busy" rather than hang a meeting.
READ_PATIENCE = 15.0
WRITE_PATIENCE = 60.0
# What one reading process lets DuckDB hold; bigger sorts and aggregates spill to disk. Without
# it a read over 10 M items can take DuckDB's default of 80 % of the machine's memory (5.4 GB
# was seen), while the app must stay under 2 GB. Override with VEILLE_DB_MEMORY (e.g. "4GB").
READ_MEMORY_LIMIT = "1GB"


class StoreError(Exception):
    """The database could not be used; the message says what to do."""


class DatabaseMissing(StoreError):
    """No database file exists yet at the configured path."""


class DatabaseBusy(StoreError):
    """Another process kept the database locked for longer than we were willing to wait."""


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc)
    return "lock" in text.lower() and ("Could not set lock" in text or "Conflicting lock" in text)


def connect_retrying(path: Path, read_only: bool, patience: float, *, what: str,
                     busy_markers: tuple[str, ...] = (),
                     settings: dict[str, str] | None = None) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect`` that waits out another holder of the file with jittered backoff.

    ``busy_markers`` are further error texts that mean "try again shortly". Raises
    :class:`DatabaseBusy` after ``patience`` seconds, :class:`StoreError` on any other failure;
    ``what`` names the file in those messages. ``settings`` are further DuckDB options.
    """
    deadline = time.monotonic() + patience
    delay = 0.01
    config = {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false",
              **(settings or {})}
    while True:
        try:
            return interrupts.WholeStatements(duckdb.connect(str(path), read_only=read_only,
                                                             config=config))
        except duckdb.Error as exc:
            busy = _is_lock_error(exc) or any(m in str(exc) for m in busy_markers)
            if not busy:
                raise StoreError(f"cannot open the {what} {path}: {exc}") from exc
            if time.monotonic() >= deadline:
                raise DatabaseBusy(f"the {what} {path} stayed locked by another process for "
                                   f"{patience:.0f} s") from exc
            # Jitter keeps several waiting readers from retrying in lock-step.
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.5)


def _read_memory_limit() -> str:
    value = (os.environ.get("VEILLE_DB_MEMORY") or READ_MEMORY_LIMIT).strip()
    if not re.fullmatch(r"\d+(\.\d+)?\s*([KMGT]i?B|B)", value, flags=re.IGNORECASE):
        raise StoreError(f"VEILLE_DB_MEMORY must be a size such as 1GB or 512MB, not {value!r}")
    return value


def open_connection(path: Path | str, read_only: bool,
                    patience: float | None = None) -> duckdb.DuckDBPyConnection:
    """Open ``path`` and return the connection, retrying while another process holds the lock.

    Read-only opens require the file to exist (:class:`DatabaseMissing` otherwise); read-write
    opens create it and bring the schema up to date. Raises :class:`DatabaseBusy` when the lock
    outlasts ``patience`` seconds. A ``ducklake:`` target opens the lake instead
    (:func:`open_lake`).
    """
    if lake.is_lake(path):
        return open_lake(str(path), read_only, patience)
    path = Path(path)
    if read_only and not path.exists():
        raise DatabaseMissing(f"no database at {path}: run `python -m collectors run` first")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    if patience is None:
        patience = READ_PATIENCE if read_only else WRITE_PATIENCE
    settings = {"memory_limit": _read_memory_limit()} if read_only else None
    con = connect_retrying(path, read_only, patience, what="database", settings=settings)
    # DuckDB draws its own progress bar on stderr for long queries: noise in the server log
    # and across the collectors' progress line.
    con.execute("SET enable_progress_bar = false")
    if not read_only:
        try:
            migrate(con)
        except _WRITE_FAILURES as exc:
            con.close()
            raise _write_failed(path, exc) from exc
        except Exception:
            con.close()
            raise
    return con


def open_lake(target: str, read_only: bool, patience: float | None = None):
    """A connection to the lake ``target`` (see :mod:`store.lake`), the schema brought up to
    date by this process's first writer.

    A reader of a lake without Veille's tables raises :class:`DatabaseMissing`; a migration
    that clashes with another process's retries until ``patience`` runs out.
    """
    settings = {"memory_limit": _read_memory_limit()} if os.environ.get("VEILLE_DB_MEMORY") \
        else None
    try:
        con = lake.connect(target, settings=settings)
    except lake.LakeError as exc:
        raise StoreError(str(exc)) from exc
    # A lake pinned to a past snapshot is read-only: its schema is what it was then.
    if read_only or lake.pinned(target) is not None:
        if current_version(con) == 0:
            con.close()
            raise DatabaseMissing(f"no Veille data in the lake {lake.describe(target)}: run "
                                  "`python -m collectors run` first")
        return con
    if lake.needs_migration(target):
        deadline = time.monotonic() + (WRITE_PATIENCE if patience is None else patience)
        while True:
            try:
                lake.prepare(con)
                migrate(con)
                break
            except duckdb.Error as exc:
                # Two processes migrating a new lake at once: the second one's commit clashes,
                # or its CREATE finds the table the first just committed. Its next try skips
                # the migrations the first recorded.
                racing = lake.is_conflict(exc) or (isinstance(exc, duckdb.CatalogException)
                                                   and "already exists" in str(exc))
                if not racing or time.monotonic() >= deadline:
                    con.close()
                    raise StoreError(f"could not bring the lake {lake.describe(target)} up to "
                                     f"date: {exc}") from exc
                time.sleep(0.05 + random.random() * 0.2)
        lake.mark_migrated(target)
    return con


def store_exists(db: Path | str) -> bool:
    """True when ``db`` is a database file that exists, or a lake (whether it holds Veille's
    data is said by the read that follows: :class:`DatabaseMissing`)."""
    return lake.is_lake(db) or Path(db).is_file()


# What DuckDB raises when the disk is full or the file cannot be written (a fatal error also
# invalidates the connection): the user needs to know the cause, not a traceback.
_WRITE_FAILURES = (duckdb.IOException, duckdb.FatalException, duckdb.PermissionException)


def _write_failed(path: Path | str, exc: Exception) -> StoreError:
    return StoreError(f"could not write to the database {path} (is the disk full, or the file "
                      f"read-only?): {exc}")


@contextmanager
def reading(path: Path | str) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a read-only connection for one query or a few, closed right after.

    Never keep it: an open read-only connection locks every writer out of the file.
    """
    con = open_connection(path, read_only=True)
    try:
        yield con
    except duckdb.OutOfMemoryException as exc:
        raise StoreError(
            f"this view needs more memory than a reader may use ({_read_memory_limit()}); "
            "choose a shorter period or fewer brands, or raise VEILLE_DB_MEMORY") from exc
    finally:
        con.close()


@contextmanager
def writing(path: Path | str) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a read-write connection (schema migrated) for one batch, closed right after.

    A write that fails for lack of space or permission raises :class:`StoreError`; what
    earlier transactions committed stays intact.
    """
    con = open_connection(path, read_only=False)
    try:
        yield con
    except _WRITE_FAILURES as exc:
        raise _write_failed(path, exc) from exc
    except duckdb.TransactionException as exc:
        # A COMMIT that could not write ends the transaction, so the ROLLBACK after it fails
        # too: look behind that second error for the first.
        cause = _write_failure_in(exc)
        if cause is None:
            raise
        raise _write_failed(path, cause) from exc
    finally:
        con.close()


def _write_failure_in(exc: BaseException | None) -> BaseException | None:
    """The error in ``exc``'s chain that says a file could not be written, if any."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, _WRITE_FAILURES) or "Could not write" in str(exc):
            return exc
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


def upgrade(path: Path | str) -> bool:
    """Bring an existing database written by an older Veille to the current schema.

    The app reads with read-only connections, which never migrate: without this, a page
    reading a table added since would fail until the next collection. Returns True when
    migrations ran. A database being written by a collector needs nothing: its writer has
    migrated it already (or waits for this one).
    """
    with reading(path) as con:
        if current_version(con) == 0:
            return False  # not a Veille database yet: nothing to upgrade
        applied = {row[0] for row in con.execute("SELECT version FROM schema_migrations"
                                                 ).fetchall()}
    if applied >= {number for number, _, _ in MIGRATIONS}:
        return False
    try:
        with writing(path):
            pass  # opening for writing applies the missing migrations
    except DatabaseBusy:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure must reach the user as a message
        raise StoreError(f"the database {path} was written by an older Veille and could not "
                         f"be brought up to date ({exc}); the step that failed was undone") from exc
    return True
