"""Watched web pages: the changes detected on them, and the last snapshot kept of each."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analysis.pagediff import unpack_snapshot
from store.connection import reading
from store.filters import Filters
from store.schema import current_version

CHANGE_COLUMNS = ["day", "published_at", "brand", "source", "url", "title", "added", "removed",
                  "text", "item_id", "parent_id"]
SNAPSHOT_COLUMNS = ["source", "url", "title", "first_seen", "changed_at", "fingerprint",
                    "etag", "last_modified", "text"]


def page_changes(db: Path | str, filters: Filters, limit: int | None = 500) -> pd.DataFrame:
    """The changes detected on watched pages in the filtered period, newest first.

    One row per change: ``day`` and ``published_at`` (when it was detected), ``brand`` (the
    brands the change item mentions, comma-separated, alphabetical; empty when none),
    ``source``, ``url`` (the page), ``title`` (``"Change on <page title>: +a / −r lines"``),
    ``added`` and ``removed`` (line counts), ``text`` (the readable diff, ``"+ "`` and
    ``"− "`` lines), ``item_id`` and ``parent_id`` (the page's item). A brand filter keeps the
    changes that mention one of the chosen brands. At most ``limit`` rows (None: all).
    """
    with reading(db) as con:
        if current_version(con) < 2:
            return pd.DataFrame(columns=CHANGE_COLUMNS)
        where, params = filters.where("published_at", brand_column="brand", timestamp=True)
        limit_sql = "" if limit is None else "LIMIT ?"
        return con.execute(f"""
            WITH chosen AS (SELECT DISTINCT item_id FROM page_changes {where})
            SELECT any_value(day) AS day, any_value(published_at) AS published_at,
                   coalesce(string_agg(DISTINCT brand, ', ' ORDER BY brand), '') AS brand,
                   any_value(source) AS source, any_value(url) AS url,
                   any_value(title) AS title, any_value(added) AS added,
                   any_value(removed) AS removed, any_value(text) AS text, item_id,
                   any_value(parent_id) AS parent_id
            FROM page_changes SEMI JOIN chosen USING (item_id)
            GROUP BY item_id
            ORDER BY published_at DESC, url
            {limit_sql}
        """, params + ([] if limit is None else [limit])).df()[CHANGE_COLUMNS]


def page_snapshots(db: Path | str, sources: tuple[str, ...] = ()) -> pd.DataFrame:
    """The last snapshot kept of every watched page (all ``web`` sources, or those named).

    Snapshots live in each web source's saved state, written in the same transaction as the
    items they produced, so they always match what the database shows. One row per page:
    ``source``, ``url``, ``title``, ``first_seen`` and ``changed_at`` (ISO times, UTC;
    ``changed_at`` empty until a change), ``fingerprint`` (of the meaningful text), the
    ``etag`` and ``last_modified`` the site gave, and ``text`` (the extracted text as last
    seen, at most 200 KB of it).
    """
    with reading(db) as con:
        if current_version(con) == 0:
            return pd.DataFrame(columns=SNAPSHOT_COLUMNS)
        rows = con.execute("SELECT name, state FROM sources WHERE kind = 'web' ORDER BY name"
                           ).fetchall()
    out = []
    for name, raw in rows:
        if sources and name not in sources:
            continue
        try:
            state = json.loads(raw or "{}")
        except ValueError:
            continue
        pages = state.get("pages") if isinstance(state, dict) else None
        for url, entry in (pages or {}).items():
            if not isinstance(entry, dict):
                continue
            packed = entry.get("snapshot")
            out.append({
                "source": name, "url": url, "title": entry.get("title"),
                "first_seen": entry.get("first_seen"), "changed_at": entry.get("changed_at"),
                "fingerprint": entry.get("fingerprint"), "etag": entry.get("etag"),
                "last_modified": entry.get("last_modified"),
                "text": unpack_snapshot(packed) if isinstance(packed, str) else None,
            })
    return pd.DataFrame(out, columns=SNAPSHOT_COLUMNS)
