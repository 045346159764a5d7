"""Community reads (authors, newcomers, posts waiting for an answer) and the author rollup."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from analysis import community as C
from store import edits
from store.connection import reading
from store.filters import Filters

GRAINS = ("day", "week", "month")
_WATERMARK = "authors_collected_at"
# Same margin as the stories refresher: a source that started before the last refresh but
# wrote after it still has its authors counted.
MARGIN = timedelta(days=1)
# The segment rule of analysis.community.segment, written for the database.
_SEGMENT_SQL = (f"CASE WHEN days >= 2 AND posts >= {int(C.REGULAR_POSTS)} THEN 'regular' "
                "WHEN days >= 2 THEN 'returning' ELSE 'one-time' END")


def refresh_authors(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the ``authors`` rollup (first and last post per source and author) up to date.

    Reads only the items collected since the last refresh (less a margin); first and last
    seen are merged with min/max, so running it twice changes nothing. Returns the number of
    (source, author) rows inserted or updated.
    """
    row = con.execute("SELECT value FROM meta WHERE key = ?", [_WATERMARK]).fetchone()
    since = None
    if row:
        try:
            since = datetime.fromisoformat(row[0])
        except ValueError:
            since = None
    window, params = ("", []) if since is None else ("AND collected_at >= ?", [since - MARGIN])
    newest = con.execute(f"SELECT max(collected_at) FROM items WHERE true {window}",
                         params).fetchone()[0]
    if newest is None:
        return 0
    con.execute("BEGIN TRANSACTION")
    try:
        changed = con.execute(f"""
            INSERT INTO authors
            SELECT source, author, min(published_at), max(published_at)
            FROM items WHERE author IS NOT NULL AND author <> '' {window}
            GROUP BY source, author
            ON CONFLICT (source, author) DO UPDATE SET
                first_seen = least(authors.first_seen, excluded.first_seen),
                last_seen = greatest(authors.last_seen, excluded.last_seen)
        """, params).fetchone()[0]
        con.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
                    "value = excluded.value", [_WATERMARK, newest.isoformat()])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return int(changed)


def _posts(filters: Filters) -> tuple[str, list]:
    """SQL of the filtered mentions with their item's author: one row per (item, brand)."""
    where, params = filters.where("published_at", brand_column="brand", timestamp=True)
    iwhere, iparams = Filters(start=filters.start, end=filters.end).where(
        "published_at", brand_column=None, timestamp=True)
    iwhere = (iwhere + " AND" if iwhere else "WHERE") + " author IS NOT NULL AND author <> ''"
    sql = f"""
        SELECT m.item_id, m.brand, m.source, m.kind, m.published_at, m.sentiment_label,
               i.author, i.parent_id
        FROM (SELECT item_id, brand, source, kind, published_at, sentiment_label
              FROM mentions {where}) m
        JOIN (SELECT item_id, author, parent_id FROM items {iwhere}) i USING (item_id)
    """
    return sql, params + iparams


def _per_author(filters: Filters) -> tuple[str, list]:
    sql, params = _posts(filters)
    return f"""
        SELECT source, author, count(DISTINCT item_id) AS posts,
               count(DISTINCT CAST(published_at AS DATE)) AS days,
               count(DISTINCT item_id) FILTER (parent_id IS NOT NULL) AS replies,
               min(published_at) AS first_post, max(published_at) AS last_post,
               list(DISTINCT brand ORDER BY brand) AS brands
        FROM ({sql}) GROUP BY source, author
    """, params


def authors(db: Path | str, filters: Filters, limit: int = 50) -> pd.DataFrame:
    """The most active authors of the period, per source: who carries the conversation.

    Columns: ``source``, ``author``, ``posts`` (items naming a filtered brand), ``days``
    (distinct days they posted), ``replies`` (of those posts, how many answer someone),
    ``brands`` (list), ``first_post`` and ``last_post`` in the period, ``first_seen`` (their
    first post ever on that source), ``segment`` (:func:`analysis.community.segment`).
    """
    sql, params = _per_author(filters)
    with reading(db) as con:
        return con.execute(f"""
            SELECT a.source, a.author, a.posts, a.days, a.replies, a.brands, a.first_post,
                   a.last_post, coalesce(r.first_seen, a.first_post) AS first_seen,
                   {_SEGMENT_SQL} AS segment
            FROM ({sql}) a LEFT JOIN authors r USING (source, author)
            ORDER BY a.posts DESC, a.days DESC, a.source, a.author
            LIMIT ?
        """, params + [limit]).df()


def segments(db: Path | str, filters: Filters) -> pd.DataFrame:
    """Authors per source split into regulars, returning and one-time posters.

    Columns: ``source``, ``authors``, ``regular``, ``returning``, ``one_time``,
    ``one_time_share`` (0–1), ``posts``. Sorted by authors, largest first.
    """
    sql, params = _per_author(filters)
    with reading(db) as con:
        return con.execute(f"""
            SELECT source, count(*) AS authors,
                   count(*) FILTER (segment = 'regular') AS regular,
                   count(*) FILTER (segment = 'returning') AS returning,
                   count(*) FILTER (segment = 'one-time') AS one_time,
                   count(*) FILTER (segment = 'one-time') / count(*) AS one_time_share,
                   sum(posts) AS posts
            FROM (SELECT *, {_SEGMENT_SQL} AS segment FROM ({sql}))
            GROUP BY source ORDER BY authors DESC, source
        """, params).df()


def newcomers(db: Path | str, filters: Filters, grain: str = "week") -> pd.DataFrame:
    """Per period and source: authors active, and newcomers (first post ever on that source).

    Columns: ``period`` (start date), ``source``, ``active``, ``newcomers``. An author's first
    post comes from the ``authors`` rollup (all time, whatever the filters), so the first
    period of the data counts everybody as new.
    """
    if grain not in GRAINS:
        raise ValueError(f"grain must be day, week or month, not {grain!r}")
    sql, params = _posts(filters)
    with reading(db) as con:
        return con.execute(f"""
            WITH active AS (
                SELECT DISTINCT CAST(date_trunc('{grain}', p.published_at) AS DATE) AS period,
                       p.source, p.author,
                       coalesce(r.first_seen, min(p.published_at) OVER (
                           PARTITION BY p.source, p.author)) AS first_seen
                FROM ({sql}) p LEFT JOIN authors r USING (source, author)
            )
            SELECT period, source, count(*) AS active,
                   count(*) FILTER (CAST(date_trunc('{grain}', first_seen) AS DATE) = period)
                       AS newcomers
            FROM active GROUP BY period, source ORDER BY period, source
        """, params).df()


def _answered_table(db: Path | str) -> pa.Table:
    """The items marked answered in the app's edits file (empty when there is none)."""
    ids = getattr(edits, "answered_ids", None)
    if ids is not None:
        return pa.table({"item_id": pa.array(sorted(ids(db)), pa.string())})
    return edits.snapshot(db).answered


def needs_answer(db: Path | str, filters: Filters, own: str | None, limit: int = 200
                 ) -> pd.DataFrame:
    """Questions and complaints about our brand that nobody answered yet, newest first.

    Follows :func:`analysis.community.needs_answer`: posts that open a conversation (not
    replies, not publications) naming ``own``, that no stored item replies to and nobody
    marked answered in the app, and that ask something (:data:`QUESTION_PATTERN`) or are
    negative about ``own``. Columns: ``published_at``, ``reason`` (``question`` or
    ``complaint``), ``source``, ``kind``, ``author``, ``title``, ``text``, ``url``,
    ``item_id``, ``total`` (all waiting posts, of which at most ``limit`` rows are returned).
    Empty when there is no own brand or the filters leave it out.
    """
    columns = ["published_at", "reason", "source", "kind", "author", "title", "text", "url",
               "item_id", "total"]
    if own is None or (filters.brands and own not in filters.brands):
        return pd.DataFrame(columns=columns)
    scoped = Filters(start=filters.start, end=filters.end, brands=(own,), kinds=filters.kinds,
                     sources=filters.sources, langs=filters.langs)
    where, params = scoped.where("published_at", brand_column="brand", timestamp=True)
    iwhere, iparams = Filters(start=filters.start, end=filters.end).where(
        "published_at", brand_column=None, timestamp=True)
    iwhere = (iwhere + " AND" if iwhere else "WHERE") + " parent_id IS NULL"
    publications = ", ".join("?" for _ in C.PUBLICATION_KINDS)
    answered = _answered_table(db)
    with reading(db) as con:
        con.register("answered_items", answered)
        try:
            return con.execute(f"""
                WITH candidates AS (
                    SELECT i.item_id, m.published_at, m.source, m.kind, m.sentiment_label,
                           i.author, i.title, i.text,
                           CASE WHEN regexp_matches(i.url, '^https?://') THEN i.url END AS url
                    FROM (SELECT item_id, published_at, source, kind, sentiment_label
                          FROM mentions {where} AND kind NOT IN ({publications})) m
                    JOIN (SELECT item_id, author, title, text, url FROM items {iwhere}) i
                        USING (item_id)
                    WHERE NOT EXISTS (SELECT 1 FROM items r WHERE r.parent_id = i.item_id)
                      AND NOT EXISTS (SELECT 1 FROM answered_items a
                                      WHERE a.item_id = i.item_id)
                ), classified AS (
                    SELECT *, CASE
                        WHEN regexp_matches(strip_accents(lower(
                                 coalesce(title, '') || chr(10) || coalesce(text, ''))), ?)
                            THEN 'question'
                        WHEN sentiment_label = 'negative' THEN 'complaint' END AS reason
                    FROM candidates
                )
                SELECT published_at, reason, source, kind, author, title, text, url, item_id,
                       count(*) OVER () AS total
                FROM classified WHERE reason IS NOT NULL
                ORDER BY published_at DESC, item_id
                LIMIT ?
            """, params + list(C.PUBLICATION_KINDS) + iparams
                 + [C.QUESTION_PATTERN, limit]).df()
        finally:
            con.unregister("answered_items")
