"""Watched web pages: the changes detected on them, and the last snapshot kept of each."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
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
    no_brand = Filters(start=filters.start, end=filters.end, kinds=filters.kinds,
                       sources=filters.sources, langs=filters.langs)
    where, params = no_brand.where("published_at", brand_column=None, timestamp=True)
    where = (where + " AND" if where else "WHERE") + " kind = 'web' AND parent_id IS NOT NULL"
    with reading(db) as con:
        if current_version(con) < 2:
            return pd.DataFrame(columns=CHANGE_COLUMNS)
        # Change items are few: find them in items first, then read only their mentions
        # (joining every mention of the period, as the page_changes view does, cost 0.8 s at
        # 10 M items).
        changes = con.execute(f"""
            SELECT CAST(published_at AS DATE) AS day, published_at, source, url, title,
                   len(regexp_extract_all(coalesce(text, ''), '(?m)^\\+ ')) AS added,
                   len(regexp_extract_all(coalesce(text, ''), '(?m)^\u2212 ')) AS removed,
                   text, item_id, parent_id
            FROM items {where}
        """, params).df()
        if changes.empty:
            return pd.DataFrame(columns=CHANGE_COLUMNS)
        ids = list(changes["item_id"])
        named = con.execute(f"""
            SELECT item_id, string_agg(DISTINCT brand, ', ' ORDER BY brand) AS brand,
                   list(DISTINCT brand) AS brands
            FROM mentions
            WHERE published_at >= ? AND published_at <= ?
              AND item_id IN ({', '.join('?' for _ in ids)})
            GROUP BY item_id
        """, [changes["published_at"].min().to_pydatetime(),
              changes["published_at"].max().to_pydatetime(), *ids]).df()
    out = changes.merge(named, on="item_id", how="left")
    if filters.brands:
        chosen = set(filters.brands)
        out = out[out["brands"].map(lambda b: isinstance(b, (list, tuple, np.ndarray))
                                    and bool(chosen.intersection(b)))]
    out["brand"] = out["brand"].fillna("")
    out = out.sort_values(["published_at", "url"], ascending=[False, True], kind="stable")
    if limit is not None:
        out = out.head(limit)
    return out[CHANGE_COLUMNS].reset_index(drop=True)


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
