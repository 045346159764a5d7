"""Idempotent writes: one transaction per batch of items, mentions, rollups and source state."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from store import lake
from store.meta import get_meta, set_meta
from store.transaction import transaction

ITEM_COLUMNS = [
    ("item_id", pa.string()), ("source", pa.string()), ("kind", pa.string()), ("url", pa.string()),
    ("title", pa.string()), ("text", pa.string()), ("author", pa.string()),
    ("published_at", pa.timestamp("us")), ("collected_at", pa.timestamp("us")),
    ("lang", pa.string()), ("sentiment", pa.float64()), ("sentiment_label", pa.string()),
    ("score", pa.int64()), ("comments", pa.int64()), ("parent_id", pa.string()),
    ("content_hash", pa.string()),
    # Migration 11: set by some kinds only; a shorter tuple leaves them NULL.
    ("own_brand", pa.string()), ("followers", pa.int64()), ("rating", pa.int16()),
]
MENTION_COLUMNS = [
    ("item_id", pa.string()), ("brand", pa.string()), ("sentiment", pa.float64()),
    ("sentiment_label", pa.string()), ("published_at", pa.timestamp("us")),
    ("source", pa.string()), ("kind", pa.string()), ("lang", pa.string()),
]
ITEM_SCHEMA = pa.schema(ITEM_COLUMNS)
_ITEM_NAMES = ", ".join(name for name, _ in ITEM_COLUMNS)
_MENTION_NAMES = ", ".join(name for name, _ in MENTION_COLUMNS)
MENTION_SCHEMA = pa.schema(MENTION_COLUMNS)
# Past this share of rows written out of time order, the tables are rewritten in order.
REORDER_SHARE = 0.02
# Meta key set when items changed and the derived tables (alerts, terms…) are not yet rebuilt.
DERIVED_STALE = "derived_stale"


@dataclass
class BatchResult:
    """What one batch changed in the database."""

    new: int = 0
    updated: int = 0


def now() -> datetime:
    """The current time as naive UTC, the way every TIMESTAMP column stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


def existing_hashes(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, str]:
    """Return ``{item_id: content_hash}`` for the ids already stored (to skip unchanged items)."""
    if not ids:
        return {}
    table = pa.table({"item_id": pa.array(list(ids), pa.string())})
    con.register("lookup_ids", table)
    try:
        rows = con.execute(
            "SELECT i.item_id, i.content_hash FROM items i SEMI JOIN lookup_ids l USING (item_id)"
        ).fetchall()
    finally:
        con.unregister("lookup_ids")
    return dict(rows)


def write_batch(con: duckdb.DuckDBPyConnection, items: Sequence[tuple], mentions: Iterable[tuple],
                *, source: str, kind: str, state: dict[str, Any]) -> BatchResult:
    """Store a batch atomically and return how many items were new or updated.

    ``items`` are tuples in :data:`ITEM_COLUMNS` order (unique ids), ``mentions`` tuples in
    :data:`MENTION_COLUMNS` order for those items. An id already stored with the same content
    hash is left alone; with a different hash its row and mentions are replaced. The source's
    ``state`` (cursor, ETag…) is saved in the same transaction, so a killed run never stores a
    cursor ahead of its items.
    """
    items_table = _table(items, ITEM_SCHEMA)
    mentions_table = _table(list(mentions), MENTION_SCHEMA)
    # On a lake, a commit that clashes with another writer's runs the batch again: what is
    # new or changed is then found afresh against what that writer stored.
    return lake.retrying(con, lambda: _store_batch(con, items, items_table, mentions_table,
                                                   source, kind, state))


def _store_batch(con: duckdb.DuckDBPyConnection, items: Sequence[tuple], items_table: pa.Table,
                 mentions_table: pa.Table, source: str, kind: str,
                 state: dict[str, Any]) -> BatchResult:
    try:
        with transaction(con):
            result = _write(con, items_table, mentions_table) if items else BatchResult()
            if result.new or result.updated:
                # In the batch's transaction: a run killed before its derived tables were refreshed
                # leaves this mark, and the next run refreshes them even if it stores nothing new.
                set_meta(con, DERIVED_STALE, "1")
            con.execute(
                "INSERT INTO sources (name, kind, state, items_total) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, state = excluded.state, "
                "items_total = sources.items_total + excluded.items_total",
                [source, kind, json.dumps(state, default=str), result.new],
            )
    finally:
        for name in ("batch_items", "batch_mentions"):
            try:
                con.unregister(name)
            except duckdb.Error:
                pass
    return result


def _table(rows: Sequence[tuple], schema: pa.Schema) -> pa.Table:
    width = len(schema)
    if rows and any(len(row) < width for row in rows):
        # Trailing columns added by later migrations are optional for the writer.
        rows = [tuple(row) + (None,) * (width - len(row)) for row in rows]
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in schema]
    return pa.table([pa.array(col, type=field.type) for col, field in zip(columns, schema,
                                                                         strict=True)],
                    schema=schema)


def _write(con: duckdb.DuckDBPyConnection, items: pa.Table, mentions: pa.Table) -> BatchResult:
    con.register("batch_items", items)
    con.register("batch_mentions", mentions)
    # One pass over items.item_id tells new from changed from unchanged.
    con.execute("""
        CREATE OR REPLACE TEMP TABLE batch_status AS
        SELECT b.item_id, b.published_at,
               CASE WHEN i.item_id IS NULL THEN 'new' ELSE 'changed' END AS status,
               i.published_at AS old_published_at
        FROM batch_items b LEFT JOIN items i USING (item_id)
        WHERE i.item_id IS NULL OR i.content_hash <> b.content_hash
    """)
    new, updated = con.execute(
        "SELECT count(*) FILTER (status = 'new'), count(*) FILTER (status = 'changed') "
        "FROM batch_status").fetchone()
    if not new and not updated:
        return BatchResult()
    before_max = con.execute("SELECT max(published_at) FROM items").fetchone()[0]
    if updated:
        con.execute("DELETE FROM mentions WHERE item_id IN "
                    "(SELECT item_id FROM batch_status WHERE status = 'changed')")
        con.execute("DELETE FROM items WHERE item_id IN "
                    "(SELECT item_id FROM batch_status WHERE status = 'changed')")
    # Named columns: later migrations may add columns that other steps fill in.
    con.execute(f"INSERT INTO items ({_ITEM_NAMES}) SELECT {_ITEM_NAMES} FROM batch_items b "
                "SEMI JOIN batch_status s USING (item_id) ORDER BY b.published_at")
    con.execute(f"INSERT INTO mentions ({_MENTION_NAMES}) SELECT {_MENTION_NAMES} "
                "FROM batch_mentions m SEMI JOIN batch_status s USING (item_id) "
                "ORDER BY m.published_at")
    days = {row[0] for row in con.execute(
        "SELECT DISTINCT CAST(published_at AS DATE) FROM batch_status UNION "
        "SELECT DISTINCT CAST(old_published_at AS DATE) FROM batch_status "
        "WHERE old_published_at IS NOT NULL").fetchall()}
    refresh_rollups(con, days)
    if before_max is not None:
        late = con.execute("SELECT count(*) FROM batch_status WHERE published_at < ?",
                           [before_max]).fetchone()[0]
        if late:
            _add_meta_count(con, "rows_out_of_order", late)
    return BatchResult(new=new, updated=updated)


def refresh_rollups(con: duckdb.DuckDBPyConnection, days: Iterable[date] | None = None) -> None:
    """Recompute the daily rollups (``daily_mentions``, ``daily_items``) for ``days`` (every
    day when None) from ``mentions``."""
    if days is None:
        con.execute("DELETE FROM daily_mentions")
        con.execute("DELETE FROM daily_items")
        window, params = "", []
    else:
        days = sorted(days)
        if not days:
            return
        lo = datetime.combine(days[0], datetime.min.time())
        hi = datetime.combine(days[-1], datetime.min.time()) + timedelta(days=1)
        day_list = pa.table({"day": pa.array(days, pa.date32())})
        con.register("refresh_days", day_list)
        con.execute("DELETE FROM daily_mentions WHERE day IN (SELECT day FROM refresh_days)")
        con.execute("DELETE FROM daily_items WHERE day IN (SELECT day FROM refresh_days)")
        # The range lets DuckDB skip row groups by their min/max before the exact day test.
        window = ("WHERE published_at >= ? AND published_at < ? AND "
                  "CAST(published_at AS DATE) IN (SELECT day FROM refresh_days)")
        params = [lo, hi]
    con.execute(f"""
        INSERT INTO daily_mentions
        SELECT CAST(published_at AS DATE) AS day, brand, source, kind, lang, sentiment_label,
               count(*) AS mentions, coalesce(sum(sentiment), 0) AS sentiment_sum
        FROM mentions {window}
        GROUP BY ALL
    """, params)
    # An item's mentions share its time, source, kind and language: one row per item.
    con.execute(f"""
        INSERT INTO daily_items
        SELECT day, source, kind, lang, brands, count(*) FROM (
            SELECT CAST(any_value(published_at) AS DATE) AS day, any_value(source) AS source,
                   any_value(kind) AS kind, any_value(lang) AS lang,
                   list(DISTINCT brand ORDER BY brand) AS brands
            FROM mentions {window} GROUP BY item_id)
        GROUP BY ALL
    """, params)
    if days is not None:
        con.unregister("refresh_days")


def _add_meta_count(con: duckdb.DuckDBPyConnection, key: str, n: int) -> None:
    con.execute(
        "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
        "value = CAST(CAST(meta.value AS BIGINT) + CAST(excluded.value AS BIGINT) AS VARCHAR)",
        [key, str(n)])


# The tables kept in time order, with what they are ordered by (the facts rollups of
# store.facts are appended refresh by refresh, late items with the rest).
TIME_ORDERED = (("items", "published_at"), ("mentions", "published_at"),
                ("item_facts", "published_at"), ("mention_facts", "published_at"),
                ("story_copies", "published_at"), ("author_days", "scope, day"),
                ("author_day_counts", "scope, day"))


def reorder_if_needed(con: duckdb.DuckDBPyConnection, force: bool = False) -> bool:
    """Rewrite items, mentions and the facts rollups in time order when enough rows landed
    out of order.

    Time order keeps DuckDB's per-row-group min/max useful, which is what makes date-filtered
    queries fast at millions of rows. Returns True when the tables were rewritten.

    A lake is never rewritten: one transaction replacing every row clashes with any other
    writer's append, and under a collector that commits every batch it would retry until it
    gave up. A lake prunes by each Parquet file's min/max instead, and every batch's file is
    small and recent.
    """
    if lake.is_lake_connection(con):
        return False
    late = con.execute("SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'rows_out_of_order'"
                       ).fetchone()
    total = con.execute("SELECT count(*) FROM items").fetchone()[0]
    if not force and (not late or not total or late[0] < REORDER_SHARE * total):
        return False
    with transaction(con):
        for table, column in TIME_ORDERED:
            con.execute(f"CREATE TEMP TABLE sorted_{table} AS "
                        f"SELECT * FROM {table} ORDER BY {column}")
            con.execute(f"DELETE FROM {table}")
            con.execute(f"INSERT INTO {table} SELECT * FROM sorted_{table}")
            con.execute(f"DROP TABLE sorted_{table}")
        con.execute("DELETE FROM meta WHERE key = 'rows_out_of_order'")
    return True


def save_brands(con: duckdb.DuckDBPyConnection, brands: Sequence[Any]) -> None:
    """Replace the stored brand list (name, query, own, colour, order, accounts per channel)
    with the config's."""
    def save() -> None:
        with transaction(con):
            lake.claim(con)  # two lake writers saving brands at once must not double them
            con.execute("DELETE FROM brands")
            if brands:
                con.executemany(
                    "INSERT INTO brands (name, query, own, color, position, accounts) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [[b.name, b.query, b.own, b.color, i,
                      json.dumps(getattr(b, "accounts", None) or {}, sort_keys=True)]
                     for i, b in enumerate(brands)])

    lake.retrying(con, save)


def derived_stale(con: duckdb.DuckDBPyConnection) -> bool:
    """True when items changed since the derived tables were last rebuilt in full."""
    return get_meta(con, DERIVED_STALE) == "1"


def clear_derived_stale(con: duckdb.DuckDBPyConnection) -> None:
    """Record that every derived table has been rebuilt from the current items."""
    con.execute("DELETE FROM meta WHERE key = ?", [DERIVED_STALE])


def source_state(con: duckdb.DuckDBPyConnection, name: str) -> dict[str, Any]:
    """Return the persisted state (cursor, ETag…) of source ``name``, empty if never run."""
    row = con.execute("SELECT state FROM sources WHERE name = ?", [name]).fetchone()
    if not row or not row[0]:
        return {}
    try:
        state = json.loads(row[0])
    except ValueError:
        return {}
    return state if isinstance(state, dict) else {}


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, source: str, kind: str,
              every: float | None) -> None:
    """Record that a run of ``source`` began (the source row is created if new)."""
    started = now()
    con.execute(
        "INSERT INTO sources (name, kind, every_seconds, last_run_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, "
        "every_seconds = excluded.every_seconds, last_run_at = excluded.last_run_at",
        [source, kind, every, started])
    con.execute("INSERT INTO runs (run_id, source, kind, started_at, status) "
                "VALUES (?, ?, ?, ?, 'running')", [run_id, source, kind, started])


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, source: str, *, status: str,
               seen: int, new: int, updated: int, warnings: int, error: str | None = None,
               error_kind: str | None = None) -> None:
    """Close the run log entry and update the source's health (last success or last error)."""
    finished = now()
    con.execute("UPDATE runs SET finished_at = ?, status = ?, items_seen = ?, items_new = ?, "
                "items_updated = ?, warnings = ?, error = ? WHERE run_id = ? AND source = ?",
                [finished, status, seen, new, updated, warnings, error, run_id, source])
    if status == "ok":
        con.execute("UPDATE sources SET last_success = ?, last_items = ?, last_error = NULL, "
                    "last_error_kind = NULL, consecutive_failures = 0 WHERE name = ?",
                    [finished, new, source])
    else:
        con.execute("UPDATE sources SET last_error = ?, last_error_kind = ?, last_items = ?, "
                    "consecutive_failures = consecutive_failures + 1 WHERE name = ?",
                    [error, error_kind, new, source])
