"""The notification delivery log: which event went to which target, and what failed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from store.connection import reading
from store.schema import current_version
from store.writes import now

SENT, FAILED = "sent", "failed"
# Alerts are sent while they are news: detected in the last FRESH_DAYS and reaching the last
# day of data. A watch that adds a target, or collects years of history at once, does not
# send every spike of its past.
FRESH_DAYS = 2


@dataclass(frozen=True)
class AlertEvent:
    """One alert as a notification needs it."""

    id: str
    brand: str
    source: str | None
    kind: str
    started_at: datetime
    ended_at: datetime
    peak: float
    baseline: float
    ratio: float | None
    explanation: dict


def pending_alerts(con: duckdb.DuckDBPyConnection, target: str, brands: tuple[str, ...] = (),
                   min_ratio: float | None = None) -> list[AlertEvent]:
    """Fresh alerts not yet sent to ``target`` (failed ones included), oldest first."""
    newest = con.execute("SELECT max(published_at) FROM items").fetchone()[0]
    if newest is None:
        return []
    clauses = ["a.created_at >= ?", "a.ended_at >= ?"]
    params: list = [now() - timedelta(days=FRESH_DAYS),
                    datetime.combine(newest.date() - timedelta(days=1), datetime.min.time())]
    if brands:
        clauses.append(f"a.brand IN ({', '.join('?' for _ in brands)})")
        params.extend(brands)
    if min_ratio is not None:
        clauses.append("(a.ratio IS NULL OR a.ratio >= ?)")
        params.append(min_ratio)
    rows = con.execute(f"""
        SELECT a.id, a.brand, a.source, a.kind, a.started_at, a.ended_at, a.peak, a.baseline,
               a.ratio, a.explanation
        FROM alerts a
        WHERE {' AND '.join(clauses)} AND NOT EXISTS (
            SELECT 1 FROM deliveries d
            WHERE d.target = ? AND d.event = 'alert' AND d.ref = a.id AND d.status = ?)
        ORDER BY a.started_at, a.id""", [*params, target, SENT]).fetchall()
    return [AlertEvent(*row[:9], json.loads(row[9] or "{}")) for row in rows]


@dataclass(frozen=True)
class PageChange:
    """One change seen on a watched page, as a notification needs it."""

    item_id: str
    brand: str | None
    url: str | None
    title: str | None
    added: int
    removed: int
    diff: str
    seen_at: datetime


def pending_page_changes(con: duckdb.DuckDBPyConnection, target: str,
                         brands: tuple[str, ...] = ()) -> list[PageChange]:
    """Page changes collected in the last ``FRESH_DAYS`` not yet sent to ``target``."""
    clauses, params = ["i.collected_at >= ?"], [now() - timedelta(days=FRESH_DAYS)]
    if brands:
        clauses.append(f"c.brand IN ({', '.join('?' for _ in brands)})")
        params.extend(brands)
    rows = con.execute(f"""
        SELECT c.item_id, any_value(c.brand), any_value(c.url), any_value(c.title),
               any_value(c.added), any_value(c.removed), any_value(c.text),
               any_value(i.collected_at)
        FROM page_changes c JOIN items i USING (item_id)
        WHERE {' AND '.join(clauses)} AND NOT EXISTS (
            SELECT 1 FROM deliveries d WHERE d.target = ? AND d.event = 'page_change'
            AND d.ref = c.item_id AND d.status = ?)
        GROUP BY c.item_id ORDER BY any_value(i.collected_at), c.item_id""",
                       [*params, target, SENT]).fetchall()
    return [PageChange(*row[:6], row[6] or "", row[7]) for row in rows]


def record(con: duckdb.DuckDBPyConnection, target: str, event: str, ref: str,
           error: str | None) -> None:
    """Log one attempt: sent when ``error`` is None, failed with it otherwise."""
    con.execute("""
        INSERT INTO deliveries VALUES (?, ?, ?, ?, 1, ?, ?, ?)
        ON CONFLICT (target, event, ref) DO UPDATE SET status = excluded.status,
            attempts = deliveries.attempts + 1, last_at = excluded.last_at,
            error = excluded.error""",
                [target, event, ref, FAILED if error else SENT, now(), now(), error])


def was_sent(con: duckdb.DuckDBPyConnection, target: str, event: str, ref: str) -> bool:
    """True when ``event`` ``ref`` already reached ``target``."""
    return con.execute("SELECT count(*) FROM deliveries WHERE target = ? AND event = ? AND "
                       "ref = ? AND status = ?", [target, event, ref, SENT]).fetchone()[0] > 0


def delivery_log(db: Path | str, limit: int = 200) -> pd.DataFrame:
    """The latest deliveries, newest first: target, event, ref, status, attempts, last_at,
    error."""
    with reading(db) as con:
        if current_version(con) < 10:
            return pd.DataFrame(columns=["target", "event", "ref", "status", "attempts",
                                         "last_at", "error"])
        return con.execute("SELECT target, event, ref, status, attempts, last_at, error "
                           "FROM deliveries ORDER BY last_at DESC LIMIT ?", [limit]).df()
