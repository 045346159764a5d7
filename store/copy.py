"""Copy a whole store from one shape to another (a DuckDB file to a DuckLake, and back)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa

from store import lake
from store.connection import StoreError, reading, upgrade, writing
from store.schema import current_version
from store.sqltext import identifier
from store.transaction import transaction

# Rows moved per Arrow batch: large enough to write Parquet files of a useful size on a lake,
# small enough to keep a 10 M-item copy within a few hundred MB of memory.
BATCH_ROWS = 200_000
# Written by the target's own migrations (and a lake's bookkeeping), not copied.
SKIPPED = {"schema_migrations", lake.WRITES_TABLE, lake.LEASES_TABLE}
# The app's edits, which a lake keeps among its tables (store.edits): not copied.
EDITS = {"sentiment_corrections", "tags", "answered", "states", "saved_views"}


class TargetNotEmpty(StoreError):
    """The store copied to already holds data."""


def tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The store's own tables (not its views, temporary tables or a lake's catalog)."""
    return [row[0] for row in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
        "AND table_catalog = current_database() AND table_schema = 'main' "
        "ORDER BY table_name").fetchall() if row[0] not in SKIPPED]


def _rows(con: duckdb.DuckDBPyConnection, names: list[str]) -> dict[str, int]:
    return {name: con.execute(f"SELECT count(*) FROM {identifier(name)}").fetchone()[0]
            for name in names}


def plan(source: Path | str) -> dict[str, int]:
    """The tables ``source`` holds with their row counts: what :func:`copy_store` moves."""
    with reading(source) as con:
        return _rows(con, [name for name in tables(con) if name not in EDITS])


def copy_store(source: Path | str, target: Path | str,
               on_rows: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Copy every table of ``source`` into ``target`` (a file path or a ``ducklake:`` target)
    and return the rows copied per table.

    The target is created or migrated to the current schema and must hold no data yet
    (:class:`TargetNotEmpty` otherwise). Everything is copied in one transaction: a copy
    stopped half-way leaves the target as empty as it was. ``on_rows(table, n)`` is told of
    each batch written (for a progress bar). An older source is brought up to date first.
    The app's edits (the sidecar ``*.edits.duckdb`` of a file) are not copied.
    """
    if str(source) == str(target):
        raise StoreError("the source and the target of a copy are the same store")
    if not lake.is_lake(source) and Path(source).exists():
        upgrade(source)
    with reading(source) as src:
        if current_version(src) == 0:
            raise StoreError(f"{lake.describe(source)} holds no Veille data to copy")
        names = tables(src)
        with writing(target) as dst:
            held = {name: n for name, n in _rows(dst, tables(dst)).items() if n}
            if held:
                raise TargetNotEmpty(
                    f"{lake.describe(target)} already holds data ({', '.join(sorted(held))}); "
                    "copy into a new file or an empty lake")
            # The app's edits are kept apart (a file's sidecar, a lake's own tables) and stay
            # where they are; any other table the target lacks means a newer Veille wrote it.
            names = [name for name in names if name not in EDITS]
            copied = dict.fromkeys(names, 0)
            missing = sorted(set(names) - set(tables(dst)))
            if missing:
                raise StoreError(f"{lake.describe(target)} has no table {', '.join(missing)}: "
                                 "is it a newer Veille's store?")
            with transaction(dst):
                for name in names:
                    copied[name] = _copy_table(src, dst, name, on_rows)
    return copied


def _copy_table(src, dst, name: str, on_rows: Callable[[str, int], None] | None) -> int:
    columns = ", ".join(identifier(row[0]) for row in src.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_catalog = "
        "current_database() AND table_schema = 'main' AND table_name = ? "
        "ORDER BY ordinal_position", [name]).fetchall())
    reader = src.execute(f"SELECT {columns} FROM {identifier(name)}"
                         ).fetch_record_batch(BATCH_ROWS)
    done = 0
    for batch in reader:
        dst.register("copy_batch", pa.Table.from_batches([batch]))
        try:
            dst.execute(f"INSERT INTO {identifier(name)} ({columns}) SELECT {columns} "
                        "FROM copy_batch")
        finally:
            dst.unregister("copy_batch")
        done += batch.num_rows
        if on_rows:
            on_rows(name, batch.num_rows)
    return done
