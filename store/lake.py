"""The store on a DuckLake (catalog in PostgreSQL, Parquet files in a folder): open, and
translate what a lake cannot do (keys, indexes, ``ON CONFLICT``) into what it can."""

from __future__ import annotations

import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from store import interrupts
from store.sqltext import identifier, literal

T = TypeVar("T")

# A store target naming a lake: ``ducklake:postgres:<libpq conninfo>``.
PREFIX = "ducklake:"
DATA_PATH_ENV = "VEILLE_LAKE_DATA_PATH"
ALIAS = "lake"
# The extensions a lake needs, each from its pinned PyPI package (duckdb-extension-<name>):
# DuckDB 1.5.5 cannot download them, and Veille never downloads anything at run time.
# The catalog's extension is "postgres_scanner" (the package duckdb-extension-postgres holds
# a build DuckDB refuses to load).
EXTENSIONS = ("ducklake", "postgres_scanner")
# Data files on object storage need httpfs, and an S3 secret made from the usual AWS variables.
S3_EXTENSION = "httpfs"
S3_ENV = {"KEY_ID": "AWS_ACCESS_KEY_ID", "SECRET": "AWS_SECRET_ACCESS_KEY",
          "SESSION_TOKEN": "AWS_SESSION_TOKEN"}
# Text of the error DuckLake raises when another writer committed a clashing snapshot first.
CONFLICT_MARKERS = ("Transaction conflict", "conflict", "Conflict")
# How long a writer keeps trying again after losing a commit race to another writer.
CONFLICT_PATIENCE = 120.0


def is_lake(target: Path | str | None) -> bool:
    """True when ``target`` names a DuckLake rather than a DuckDB file."""
    return target is not None and str(target).startswith(PREFIX)


def target_text(target: Path | str) -> str:
    """``target`` as text, with the "//" of a ``postgresql://`` URL that a Path folded put back."""
    return re.sub(r"^(ducklake:postgres:postgres(?:ql)?):/(?=[^/])", r"\1://", str(target))


def describe(target: Path | str) -> str:
    """``target`` with any password in its conninfo (``password=…`` or a URL's
    ``user:password@``) masked, for messages and ``store info``."""
    text = re.sub(r"(password\s*=\s*)('[^']*'|\S+)", r"\1***", target_text(target))
    return re.sub(r"(://[^:/@\s]*:)[^@\s]*@", r"\1***@", text)


def extension_file(name: str) -> Path:
    """Where the pinned PyPI package ``duckdb-extension-<name>`` keeps the extension."""
    import importlib.util

    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    if spec is None or not spec.submodule_search_locations:
        raise LakeError(f"the DuckDB extension {name!r} is not installed: run "
                        f"`pip install -r requirements.txt`")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return folder / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"


class LakeError(Exception):
    """The lake could not be opened; the message says why."""


def data_path() -> str | None:
    """The folder (or ``s3://`` prefix) for the lake's data files, from the environment."""
    value = (os.environ.get(DATA_PATH_ENV) or "").strip()
    if not value:
        return None
    if "://" in value:
        return value.rstrip("/") + "/"
    folder = Path(value).expanduser().resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder) + "/"


# One DuckDB instance per process and lake: loading the extensions and attaching the catalog
# takes over a second, far too long for every page read, and a lake has no file lock to free.
_instances: dict[tuple[int, str, str | None, int | None], duckdb.DuckDBPyConnection] = {}
# Lakes this process reads as they were at a past snapshot (see :func:`at_snapshot`).
_pins: dict[str, int] = {}
_migrated: set[tuple[int, str, str | None]] = set()
_lock = threading.Lock()


def _instance(target: str, settings: dict[str, str]) -> tuple[tuple, duckdb.DuckDBPyConnection]:
    where = data_path()
    version = _pins.get(target)
    # The pid keeps a forked child from using its parent's instance.
    key = (os.getpid(), target, where, version)
    with _lock:
        base = _instances.get(key)
        if base is None:
            base = duckdb.connect(":memory:", config={"autoinstall_known_extensions": "false",
                                                      "autoload_known_extensions": "false",
                                                      **settings})
            try:
                for name in EXTENSIONS:
                    base.execute(f"LOAD {literal(str(extension_file(name)))}")
                if (where or "").startswith("s3://"):
                    _object_storage(base)
                _attach(base, target, where, version)
            except duckdb.Error as exc:
                base.close()
                hint = (f" (set {DATA_PATH_ENV} to the folder for its data files)"
                        if not where and "DATA_PATH" in str(exc) else "")
                raise LakeError(f"cannot open the lake {describe(target)}: {exc}{hint}") from exc
            base.execute("SET enable_progress_bar = false")
            _instances[key] = base
        return key, base


def s3_settings(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The S3 secret's settings for an ``s3://`` data path, from the AWS SDK's environment
    variables: keys, session token, region (``AWS_REGION`` or ``AWS_DEFAULT_REGION``, else
    us-east-1), and ``AWS_ENDPOINT_URL`` for an S3-compatible server (MinIO, Garage, Ceph…),
    which is then addressed by path (``http://`` turns TLS off).

    The values are secrets: they go into DuckDB's secret manager only, never into a message.
    """
    env = os.environ if environ is None else environ
    settings = {key: env[name] for key, name in S3_ENV.items() if env.get(name)}
    settings["REGION"] = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
    endpoint = (env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL") or "").strip()
    if endpoint:
        scheme, _, rest = endpoint.rpartition("://")
        settings["ENDPOINT"] = rest.rstrip("/")
        settings["URL_STYLE"] = "path"
        settings["USE_SSL"] = "false" if scheme == "http" else "true"
    return settings


def _object_storage(base: duckdb.DuckDBPyConnection) -> None:
    base.execute(f"LOAD {literal(str(extension_file(S3_EXTENSION)))}")
    options = ", ".join(f"{identifier(key)} {literal(value)}"
                        for key, value in s3_settings().items())
    base.execute(f"CREATE OR REPLACE SECRET veille_s3 (TYPE s3, {options})")


def _attach(base: duckdb.DuckDBPyConnection, target: str, where: str | None,
            version: int | None = None) -> None:
    settings = [f"DATA_PATH {literal(where)}"] if where else []
    if version is not None:
        settings.append(f"SNAPSHOT_VERSION {int(version)}")
    options = f" ({', '.join(settings)})" if settings else ""
    for attempt in range(10):
        try:
            base.execute(f"ATTACH {literal(target)} AS {ALIAS}{options}")
            return
        except duckdb.Error as exc:
            # Two processes creating a new lake's catalog at once: PostgreSQL refuses the
            # second one's tables; by the next try the first has made them.
            if "Failed to initialize DuckLake" not in str(exc) or attempt == 9:
                raise
            time.sleep(0.2 + random.random() * 0.5)


def connect(target: Path | str, *, settings: dict[str, str] | None = None) -> LakeConnection:
    """A connection (a cursor of this process's instance) to the lake ``target``, ``USE``-ing it.

    Close it when done: that closes the cursor, never the shared instance.
    """
    _, base = _instance(target_text(target), settings or {})
    cursor = interrupts.WholeStatements(base.cursor())
    cursor.execute(f"USE {ALIAS}")
    return LakeConnection(cursor, target_text(target))


def snapshot(target: Path | str) -> int | None:
    """The id of the snapshot this process reads ``target`` at: the latest (it grows with every
    commit) unless :func:`at_snapshot` pinned another; None before any or when the lake cannot
    be read (the read that follows says why)."""
    if target_text(target) in _pins:
        return _pins[target_text(target)]
    return _snapshot_ids(target)[1]


def _snapshot_ids(target: Path | str) -> tuple[int | None, int | None]:
    """The first and latest snapshot ids the lake still keeps."""
    try:
        con = connect(target)
    except LakeError:
        return None, None
    try:
        return con.execute(f"SELECT min(snapshot_id), max(snapshot_id) FROM "
                           f"__ducklake_metadata_{ALIAS}.ducklake_snapshot").fetchone()
    except duckdb.Error:
        return None, None
    finally:
        con.close()


def pinned(target: Path | str) -> int | None:
    """The snapshot :func:`at_snapshot` pinned ``target`` to in this process, if any."""
    return _pins.get(target_text(target))


@contextmanager
def at_snapshot(target: Path | str, version: int | None = None) -> Iterator[int]:
    """Within the block, every connection this process opens to ``target`` reads it as it
    was at snapshot ``version`` (default: the latest now), read-only, whatever other writers
    commit meanwhile. Yields the snapshot id.

    Raises :class:`LakeError` when the lake keeps no such snapshot.
    """
    key = target_text(target)
    first, latest = _snapshot_ids(key)
    if version is None:
        version = latest
    if version is None or first is None or not first <= version <= latest:
        kept = f"it keeps snapshots {first} to {latest}" if first is not None else \
            "it has none"
        raise LakeError(f"the lake {describe(key)} has no snapshot {version} ({kept})")
    _pins[key] = version
    try:
        yield version
    finally:
        _pins.pop(key, None)


def needs_migration(target: Path | str) -> bool:
    """True until this process has migrated ``target`` once (every later writer skips it)."""
    return (os.getpid(), target_text(target), data_path()) not in _migrated


def mark_migrated(target: Path | str) -> None:
    """Record that this process brought ``target``'s schema up to date."""
    _migrated.add((os.getpid(), target_text(target), data_path()))


def is_conflict(exc: BaseException) -> bool:
    """True when ``exc`` is DuckLake refusing a commit because another writer got there first."""
    return isinstance(exc, duckdb.TransactionException) and any(
        m in str(exc) for m in CONFLICT_MARKERS)


def retrying(con: Any, work: Callable[[], T], patience: float = CONFLICT_PATIENCE) -> T:
    """``work()``, run again while another lake writer makes its commit clash.

    ``work`` must be a whole transaction (or several) that can run again from the start: a
    clashing commit has rolled it back. On a file (``con`` not a lake connection) it runs once.
    """
    if not isinstance(con, LakeConnection):
        return work()
    deadline = time.monotonic() + patience
    delay = 0.05
    while True:
        try:
            return work()
        except duckdb.Error as exc:
            if not is_conflict(exc) or time.monotonic() >= deadline:
                raise
        # Jitter keeps two writers that clashed from clashing again in lock-step.
        time.sleep(delay * (0.5 + random.random()))
        delay = min(delay * 2, 2.0)


# One row every keyed write updates in its transaction. DuckLake lets two transactions append
# to a table at once, so two writers inserting the same new key (a source, a meta key) would
# both succeed and double it; both updating this row makes the second commit clash instead,
# and :func:`retrying` runs it again, when the first one's row is there to be merged with.
WRITES_TABLE = "veille_lake_writes"
# Who collects which source and who refreshes the derived tables (see store.leases).
LEASES_TABLE = "veille_leases"


def prepare(con: LakeConnection) -> None:
    """Create the lake's own bookkeeping (:data:`WRITES_TABLE`, :data:`LEASES_TABLE`) if it is
    not there yet."""
    con.execute(f"CREATE TABLE IF NOT EXISTS {WRITES_TABLE} (writes BIGINT NOT NULL)")
    con.execute(f"CREATE TABLE IF NOT EXISTS {LEASES_TABLE} (name VARCHAR NOT NULL, "
                "holder VARCHAR NOT NULL, expires_at TIMESTAMP NOT NULL)")
    if not con.execute(f"SELECT count(*) FROM {WRITES_TABLE}").fetchone()[0]:
        con.execute(f"INSERT INTO {WRITES_TABLE} VALUES (0)")


def is_lake_connection(con: Any) -> bool:
    """True when ``con`` is a connection to a lake rather than to a DuckDB file."""
    return isinstance(con, LakeConnection)


def claim(con: Any) -> None:
    """Make the current transaction clash with any other lake writer's that also claims (see
    :data:`WRITES_TABLE`); nothing on a file, whose single writer needs no such thing."""
    if isinstance(con, LakeConnection):
        con.execute(f"UPDATE {WRITES_TABLE} SET writes = writes + 1")


# How long `store maintain` keeps past snapshots readable (reports re-rendered with
# --snapshot) by default: a week, the time between two weekly reports.
KEEP_DAYS = 7.0


def footprint(con: Any) -> dict[str, int]:
    """The lake's current data files (count and bytes) and the snapshots it keeps."""
    meta = f"__ducklake_metadata_{ALIAS}"
    files, size = con.execute(f"SELECT count(*), coalesce(sum(file_size_bytes), 0) FROM "
                              f"{meta}.ducklake_data_file WHERE end_snapshot IS NULL").fetchone()
    snapshots = con.execute(f"SELECT count(*) FROM {meta}.ducklake_snapshot").fetchone()[0]
    return {"files": int(files), "bytes": int(size), "snapshots": int(snapshots)}


def maintain(target: Path | str, keep_days: float = KEEP_DAYS) -> tuple[dict, dict]:
    """Compact the lake ``target``: merge its small data files (every collector batch writes
    its own), forget the snapshots older than ``keep_days`` and delete the files only those
    needed. Returns its :func:`footprint` before and after.

    Safe beside running collectors and app servers: each step is its own commit, run again
    when another writer's commit clashes with it.
    """
    import datetime as dt

    con = connect(target)
    try:
        before = footprint(con)
        name = literal(ALIAS)
        cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(days=keep_days)
        # Not ducklake_flush_inlined_data: with the 1.5.5 extension, a process that had read
        # the lake before the flush then failed every read of the flushed tables (an internal
        # error in DuckLakeInlinedDataReader), so an app server would break; small commits
        # stay inlined in the catalog, where they cost no file.
        for step in (f"CALL ducklake_merge_adjacent_files({name})",
                     f"CALL ducklake_expire_snapshots({name}, older_than => "
                     f"{literal(cutoff.isoformat())}::TIMESTAMPTZ)",
                     f"CALL ducklake_cleanup_old_files({name}, cleanup_all => true)"):
            retrying(con, lambda step=step: con.execute(step).fetchall())
        return before, footprint(con)
    finally:
        con.close()


def close_all() -> None:
    """Close every lake instance this process opened (tests, and before a fork)."""
    with _lock:
        for base in _instances.values():
            try:
                base.close()
            except duckdb.Error:
                pass
        _instances.clear()
        _migrated.clear()


# --- what a lake cannot do ----------------------------------------------------------------------

# Keys declared by CREATE TABLE statements (the lake drops them): what a bare
# ``ON CONFLICT DO NOTHING`` means, and what ``store copy`` may de-duplicate on.
KEYS: dict[str, tuple[str, ...]] = {}

_CREATE = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)",
                     re.IGNORECASE)
_TABLE_KEY = re.compile(r",\s*(?:PRIMARY\s+KEY|UNIQUE)\s*\(([^)]*)\)", re.IGNORECASE)
_COLUMN_KEY = re.compile(r"(\w+)\s+[\w\[\]]+(?:\s+NOT\s+NULL)?\s+(PRIMARY\s+KEY|UNIQUE)\b",
                         re.IGNORECASE)
_INDEX = re.compile(r"^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\b", re.IGNORECASE)
_UPSERT = re.compile(
    r"^\s*INSERT\s+INTO\s+(?P<table>\w+)\s*(?:\((?P<cols>[^)]*)\))?\s*(?P<source>.*?)\s*"
    r"ON\s+CONFLICT\s*(?:\((?P<keys>[^)]*)\))?\s*DO\s+(?:NOTHING|UPDATE\s+SET\s+(?P<set>.*?))"
    r"\s*;?\s*$", re.IGNORECASE | re.DOTALL)


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _drop_keys(sql: str) -> str:
    """``sql`` (a CREATE TABLE) without its key constraints; the keys go to :data:`KEYS`."""
    table = _CREATE.match(sql).group(1).lower()
    keys = [name for match in _TABLE_KEY.finditer(sql) for name in _names(match.group(1))]
    keys += [match.group(1) for match in _COLUMN_KEY.finditer(sql)]
    if keys:
        KEYS[table] = tuple(keys)
    sql = _TABLE_KEY.sub("", sql)
    return re.sub(r"\s+(PRIMARY\s+KEY|UNIQUE)\b", "", sql, flags=re.IGNORECASE)


def _merge(match: re.Match, columns: list[str]) -> str:
    """The ``MERGE INTO`` doing what the matched ``INSERT … ON CONFLICT`` does on a file."""
    table = match.group("table")
    keys = _names(match.group("keys") or "") or list(KEYS.get(table.lower(), ()))
    if not keys:
        raise LakeError(f"no key known for {table}: cannot upsert it on a lake")
    source = match.group("source").strip()
    on = " AND ".join(f"{table}.{k} = excluded.{k}" for k in keys)
    update = match.group("set")
    matched = f" WHEN MATCHED THEN UPDATE SET {update}" if update else ""
    cols = ", ".join(columns)
    values = ", ".join(f"excluded.{c}" for c in columns)
    # The source keeps its place first, so positional parameters keep their order.
    return (f"MERGE INTO {table} USING ({source}) AS excluded({cols}) ON {on}{matched} "
            f"WHEN NOT MATCHED THEN INSERT ({cols}) VALUES ({values})")


@lru_cache(maxsize=512)
def _plain(sql: str) -> str | None:
    """``sql`` as a lake runs it, when that needs no look-up; None for an upsert."""
    if _CREATE.match(sql):
        return _drop_keys(sql)
    if _INDEX.match(sql):
        return "SELECT NULL"  # no index on a lake: its Parquet min/max do that job
    if _UPSERT.match(sql):
        return None
    return sql


class LakeConnection:
    """A DuckDB cursor on the lake whose ``execute`` translates the few statements a lake
    refuses; everything else passes through unchanged."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, target: str) -> None:
        self._con = cursor
        self._in_transaction = False
        self.target = target  # the store target this connection is to (edits find it here)

    def _translate(self, sql: str) -> str:
        plain = _plain(sql)
        if plain is not None:
            return plain
        match = _UPSERT.match(sql)
        columns = _names(match.group("cols") or "") or self._columns(match.group("table"))
        return _merge(match, columns)

    def _columns(self, table: str) -> list[str]:
        return [row[0] for row in self._con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_catalog = ? "
            "AND table_name = ? ORDER BY ordinal_position", [ALIAS, table]).fetchall()]

    def execute(self, sql: str, parameters: Any = None) -> duckdb.DuckDBPyConnection:
        """``DuckDBPyConnection.execute`` with the statement translated for the lake.

        A statement outside an explicit transaction commits on its own: when another writer's
        commit clashes with it, it is run again (it was rolled back whole).
        """
        if not isinstance(sql, str):
            return self._con.execute(sql, parameters)
        word = sql.lstrip()[:8].upper()
        if word.startswith("BEGIN"):
            self._in_transaction = True
        elif word.startswith(("COMMIT", "ROLLBACK", "ABORT", "END")):
            self._in_transaction = False
        plain = _plain(sql)
        if plain is None:
            return self._upsert(sql, parameters)
        if self._in_transaction or word.startswith(("COMMIT", "ROLLBACK")):
            return self._con.execute(plain, parameters)
        return retrying(self, lambda: self._con.execute(plain, parameters))

    def _upsert(self, sql: str, parameters: Any) -> duckdb.DuckDBPyConnection:
        """An ``INSERT … ON CONFLICT`` as a MERGE that claims (:func:`claim`), in its own
        transaction when it has none."""
        merge = self._translate(sql)
        if self._in_transaction:
            claim(self)
            return self._con.execute(merge, parameters)

        def alone() -> duckdb.DuckDBPyConnection:
            self._con.execute("BEGIN TRANSACTION")
            try:
                self._con.execute(f"UPDATE {WRITES_TABLE} SET writes = writes + 1")
                changed = self._con.execute(merge, parameters).fetchall()
                self._con.execute("COMMIT")
            except BaseException:
                try:
                    self._con.execute("ROLLBACK")
                except duckdb.Error:
                    pass
                raise
            # What the statement answers (the rows it changed), as execute would give it.
            return self._con.execute("SELECT * FROM (VALUES (?)) AS t(changed)",
                                     [changed[0][0] if changed else 0])

        return retrying(self, alone)

    def executemany(self, sql: str, parameters: Any = None) -> duckdb.DuckDBPyConnection:
        """``DuckDBPyConnection.executemany`` with the statement translated for the lake."""
        return self._con.executemany(self._translate(sql), parameters)

    def cursor(self) -> LakeConnection:
        """Another cursor on the same lake."""
        cursor = self._con.cursor()
        cursor.execute(f"USE {ALIAS}")
        return LakeConnection(cursor, self.target)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)

    def __enter__(self) -> LakeConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
