"""Stories: near-duplicate items grouped incrementally, and share of voice counted in stories."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from analysis import stories as S
from analysis import workers
from store import facts
from store.connection import reading
from store.filters import Filters
from store.meta import get_time, set_meta
from store.transaction import transaction

# New items are matched against the signatures of items published this close to them; older
# signatures are dropped, so the matching tables stay the size of a month of data.
WINDOW = timedelta(days=30)
CHUNK = 5_000
# Items are picked up by collection time, with this margin for a source whose run started
# before another one's refresh but wrote after it (the anti-join skips what is done).
MARGIN = timedelta(days=1)
_WATERMARK = "stories_collected_at"
GRAINS = ("day", "week", "month")
# The columns a breakdown may group by; only these names ever enter the SQL text.
DIMENSIONS = ("kind", "lang", "sentiment_label", "source")


def refresh_stories(con: duckdb.DuckDBPyConnection, chunk: int = CHUNK) -> int:
    """Assign every item without a story (or whose text changed) to one; a derived refresher.

    Items are taken in publication order, :data:`CHUNK` at a time; each is matched against
    the kept signatures of items published within :data:`WINDOW` of it and against the items
    before it in the run (:mod:`analysis.stories`). An item joins the story of the closest
    match, or starts its own. Running it again with nothing new changes nothing. Returns the
    number of items assigned.
    """
    since = get_time(con, _WATERMARK)
    # The signatures stored before this refresh span this range; the items this refresh groups
    # stay in memory (in publication order, their window only), so the stored ones are
    # looked up only for chunks that come within the window of that range. Looking every
    # chunk up in the tables, which this refresh fills, made a first run quadratic.
    index = S.StoryIndex()
    stored = con.execute("SELECT min(published_at), max(published_at) FROM story_signatures"
                         ).fetchone()
    window = "" if since is None else "AND i.collected_at >= ?"
    params = [] if since is None else [since - MARGIN]
    # A second cursor streams the pending items while the first writes the results.
    reader = con.cursor()
    try:
        batches = reader.execute(f"""
            SELECT i.item_id, i.title, i.text, i.published_at, i.content_hash, i.collected_at,
                   EXISTS (SELECT 1 FROM stories s WHERE s.item_id = i.item_id) AS regroup
            FROM items i
            WHERE NOT EXISTS (SELECT 1 FROM stories s
                              WHERE s.item_id = i.item_id AND s.content_hash = i.content_hash)
            {window}
            ORDER BY i.published_at, i.item_id
        """, params).fetch_record_batch(chunk)
        done, newest = 0, since
        # Worker processes sign the next chunk while this process groups this one.
        for rows, signing in workers.one_ahead(
                _chunks(batches, chunk), lambda rows: workers.submit_map(_sign, _texts(rows))):
            done += _assign(con, rows, signing, index, stored)
            newest = _latest(newest, rows)
    finally:
        reader.close()
    if newest is not None and newest != since:
        set_meta(con, _WATERMARK, newest.isoformat())
    _prune(con)
    return done


def _latest(current: datetime | None, rows: list[dict]) -> datetime | None:
    stamps = [r["collected_at"] for r in rows if r["collected_at"] is not None]
    if not stamps:
        return current
    return max(stamps) if current is None else max(current, max(stamps))


def _chunks(batches, size: int) -> Iterator[list[dict]]:
    """The streamed rows as lists of ``size`` (the last one shorter)."""
    pending: list[dict] = []
    for batch in batches:
        pending.extend(batch.to_pylist())
        while len(pending) >= size:
            yield pending[:size]
            pending = pending[size:]
    if pending:
        yield pending


def _texts(rows: list[dict]) -> list[str]:
    return ["\n".join(p for p in (row["title"], row["text"]) if p) for row in rows]


def _assign(con: duckdb.DuckDBPyConnection, rows: list[dict], signing: workers.Pending,
            index: S.StoryIndex, stored: tuple) -> int:
    """Group one time-ordered chunk and store its stories, signatures and band keys.

    ``signing`` gives the chunk's signatures (:func:`_sign`); ``index`` holds the signatures
    of the items grouped so far in this refresh; ``stored`` is the (first, last) publication
    time of the signatures stored before it.
    """
    signed = [(row, sig, keys) for row, (sig, keys) in zip(
        rows, (pair for part in signing.result() for pair in part), strict=True)]
    lo = min(r["published_at"] for r in rows) - WINDOW
    hi = max(r["published_at"] for r in rows) + WINDOW
    index.forget_before(lo)
    if stored[0] is not None and stored[0] <= hi and stored[1] >= lo:
        _known(con, lo, hi, signed, index)
    out_stories, out_sigs = [], []
    band_keys, band_items, band_times = [], [], []
    for row, sig, keys in signed:
        item_id = row["item_id"]
        found = index.match(sig, keys) if sig is not None else None
        story_id, score = found if found is not None else (item_id, 1.0)
        out_stories.append((item_id, story_id, score, row["published_at"], row["content_hash"]))
        if sig is not None:
            index.add(story_id, sig, keys, item_id=item_id, published=row["published_at"])
            out_sigs.append((item_id, story_id, row["published_at"], S.to_bytes(sig)))
            band_keys.extend(keys)
            band_items.extend([item_id] * len(keys))
            band_times.extend([row["published_at"]] * len(keys))
    ids = pa.table({"item_id": pa.array([r["item_id"] for r in rows if r["regroup"]],
                                        pa.string())})
    new_stories = pa.table({
        "item_id": pa.array([r[0] for r in out_stories], pa.string()),
        "story_id": pa.array([r[1] for r in out_stories], pa.string()),
        "similarity": pa.array([r[2] for r in out_stories], pa.float64()),
        "published_at": pa.array([r[3] for r in out_stories], pa.timestamp("us")),
        "content_hash": pa.array([r[4] for r in out_stories], pa.string()),
    })
    new_sigs = pa.table({
        "item_id": pa.array([r[0] for r in out_sigs], pa.string()),
        "story_id": pa.array([r[1] for r in out_sigs], pa.string()),
        "published_at": pa.array([r[2] for r in out_sigs], pa.timestamp("us")),
        "signature": pa.array([r[3] for r in out_sigs], pa.binary()),
    })
    new_bands = pa.table({
        "key": pa.array(band_keys, pa.int64()),
        "item_id": pa.array(band_items, pa.string()),
        "published_at": pa.array(band_times, pa.timestamp("us")),
    })
    names = ("story_ids", "story_new", "story_new_sigs", "story_new_bands")
    for name, table in zip(names, (ids, new_stories, new_sigs, new_bands), strict=True):
        con.register(name, table)
    try:
        with transaction(con):
            # An item whose text changed is grouped again: its earlier rows go first.
            for table in ("stories", "story_signatures", "story_bands") if ids.num_rows else ():
                con.execute(f"DELETE FROM {table} WHERE item_id IN (SELECT item_id FROM story_ids)")
            con.execute("INSERT INTO stories SELECT * FROM story_new ORDER BY published_at")
            con.execute("INSERT INTO story_signatures SELECT * FROM story_new_sigs")
            con.execute("INSERT INTO story_bands SELECT * FROM story_new_bands")
    finally:
        for name in names:
            con.unregister(name)
    return len(rows)


def _sign(_context: None, texts: list[str]) -> list[tuple]:
    """``(signature, band keys)`` of each text; ``(None, [])`` for a text too short to sign."""
    out = []
    for text in texts:
        sig = S.signature(text)
        out.append((sig, S.band_keys(sig) if sig is not None else []))
    return out


def _known(con: duckdb.DuckDBPyConnection, lo: datetime, hi: datetime, signed: list,
           index: S.StoryIndex) -> None:
    """Add to ``index`` the stored signatures published in [lo, hi] that share a band key
    with this chunk and are not in it yet, in time order."""
    keys = sorted({k for _, _, ks in signed for k in ks})
    if not keys:
        return
    con.register("story_chunk_keys", pa.table({"key": pa.array(keys, pa.int64())}))
    try:
        found = con.execute("""
            WITH hits AS (
                SELECT DISTINCT b.item_id
                FROM story_bands b SEMI JOIN story_chunk_keys k USING (key)
                WHERE b.published_at BETWEEN ? AND ?
            )
            SELECT s.item_id, s.story_id, s.published_at, s.signature
            FROM story_signatures s SEMI JOIN hits USING (item_id)
            ORDER BY s.published_at, s.item_id
        """, [lo, hi]).fetchall()
    finally:
        con.unregister("story_chunk_keys")
    for item_id, story_id, published, blob in found:
        if item_id not in index:
            index.add(story_id, S.from_bytes(blob), item_id=item_id, published=published)


def _prune(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the signatures and band keys of items older than the window before the newest."""
    newest = con.execute("SELECT max(published_at) FROM story_signatures").fetchone()[0]
    if newest is None:
        return
    cut = newest - WINDOW
    con.execute("DELETE FROM story_bands WHERE published_at < ?", [cut])
    con.execute("DELETE FROM story_signatures WHERE published_at < ?", [cut])


# --- reads ------------------------------------------------------------------------------------
#
# Distinct stories = mentions - the extra copies: a story with n copies in a group counts n
# mentions and one story. Only stories of two items or more have extra copies, and their
# mentions are in story_copies (store.facts, about a tenth of all): a read counts mentions
# from the daily rollup and groups only those copies by story, never joining mentions with
# stories. Mentions newer than the last refresh count as stories of their own, as before
# they are grouped.


def _stories_join(filters: Filters) -> tuple[str, list]:
    """A join of the filtered mentions with their stories (an unassigned item is its own).

    What the reads use on a database whose facts rollup is not built yet.
    """
    where, params = filters.where("published_at", brand_column="brand", timestamp=True,
                                  sentiment_column="sentiment_label")
    # The stories table is in time order too: the same range prunes its row groups.
    swhere, sparams = Filters(start=filters.start, end=filters.end).where(
        "published_at", brand_column=None, timestamp=True)
    sql = f"""
        SELECT m.*, coalesce(s.story_id, m.item_id) AS story_id
        FROM (SELECT * FROM mentions {where}) m
        LEFT JOIN (SELECT item_id, story_id FROM stories {swhere}) s USING (item_id)
    """
    return sql, params + sparams


def _counts(con: duckdb.DuckDBPyConnection, filters: Filters, grain: str | None = None,
            dimension: str | None = None) -> tuple[str, list]:
    """SQL of ``mentions`` and distinct ``stories`` per ``brand``, and per ``period`` (of
    ``grain``) and/or ``value`` (of ``dimension``) when given."""
    if grain not in (*GRAINS, None):
        raise ValueError(f"grain must be day, week or month, not {grain!r}")
    if dimension not in (*DIMENSIONS, None):
        raise ValueError(f"dimension must be one of {DIMENSIONS}, not {dimension!r}")
    keys = ", ".join(k for k, on in (("period", grain), ("value", dimension), ("brand", 1)) if on)
    at = "CAST(date_trunc('{grain}', {column}) AS DATE) AS period, " if grain else ""
    value = f"coalesce({dimension}, 'unknown') AS value, " if dimension else ""
    by_item = at.format(grain=grain, column="published_at") + value + "brand"
    if not facts.built(con):
        sql, params = _stories_join(filters)
        return f"""SELECT {by_item}, count(*) AS mentions,
                          count(DISTINCT story_id) AS stories
                   FROM ({sql}) GROUP BY ALL""", params
    where, params = filters.where(sentiment_column="sentiment_label")
    cwhere, cparams = filters.where("published_at", brand_column="brand", timestamp=True,
                                    sentiment_column="sentiment_label")
    if filters.kinds or filters.sources or filters.langs or filters.sentiments:
        # A filtered-out copy may come between two kept ones: group the copies by story.
        extra = f"""SELECT {keys}, sum(copies - 1) AS extra
                    FROM (SELECT {by_item}, story_key, count(*) AS copies
                          FROM story_copies {cwhere} GROUP BY ALL)
                    GROUP BY ALL"""
    else:
        # A copy adds no story where the one before it (same story, brand and value) was
        # published in the same period, within the range.
        since = (f"greatest(CAST(date_trunc('{grain}', published_at) AS TIMESTAMP), ?)"
                 if grain else "?")
        extra = f"""SELECT {by_item}, count(*) AS extra FROM story_copies
                    {cwhere} {'AND' if cwhere else 'WHERE'}
                    {facts.PREVIOUS_COPY[dimension]} >= {since} GROUP BY ALL"""
        cparams = [*cparams, _start(filters)]
    return f"""
        WITH m AS (
            SELECT {at.format(grain=grain, column="day")}{value}brand,
                   sum(mentions) AS mentions
            FROM daily_mentions {where} GROUP BY ALL
        ), x AS ({extra})
        SELECT {keys}, CAST(m.mentions AS BIGINT) AS mentions,
               CAST(m.mentions - coalesce(x.extra, 0) AS BIGINT) AS stories
        FROM m LEFT JOIN x USING ({keys})
    """, params + cparams


def _start(filters: Filters) -> datetime:
    # "All dates" starts before any copy.
    return datetime.combine(filters.start or date.min, datetime.min.time())


def share_of_voice_stories(db: Path | str, filters: Filters, grain: str = "week") -> pd.DataFrame:
    """Distinct stories and share per brand per period (``day``, ``week`` or ``month``).

    Like :func:`store.queries.share_of_voice` but a press release on 30 sites counts once:
    columns ``period``, ``brand``, ``stories``, ``share`` (0–1 of the period's stories
    across the filtered brands). A story whose copies span two periods counts in each.
    """
    if grain not in GRAINS:
        raise ValueError(f"grain must be day, week or month, not {grain!r}")
    with reading(db) as con:
        sql, params = _counts(con, filters, grain=grain)
        return con.execute(f"""
            SELECT period, brand, stories,
                   stories / sum(stories) OVER (PARTITION BY period) AS share
            FROM ({sql})
            ORDER BY period, brand
        """, params).df()


def share_by(db: Path | str, filters: Filters, dimension: str, unit: str = "mentions"
             ) -> pd.DataFrame:
    """Each brand's count and share within each value of ``dimension``, over the period.

    ``dimension`` is one of :data:`DIMENSIONS` (``kind``, ``lang``, ``sentiment_label``,
    ``source``); ``unit`` is ``mentions`` (read from the daily rollup) or ``stories``
    (distinct stories). Columns: ``value``, ``brand``, ``count``, ``share`` (0–1 of that
    value's total across the filtered brands). A missing value (unknown language) reads
    ``unknown``.
    """
    if dimension not in DIMENSIONS:
        raise ValueError(f"dimension must be one of {DIMENSIONS}, not {dimension!r}")
    if unit not in ("mentions", "stories"):
        raise ValueError(f"unit must be mentions or stories, not {unit!r}")
    with reading(db) as con:
        if unit == "mentions":
            where, params = filters.where(sentiment_column="sentiment_label")
            inner = f"""SELECT coalesce({dimension}, 'unknown') AS value, brand,
                               sum(mentions) AS count
                        FROM daily_mentions {where} GROUP BY ALL"""
        else:
            sql, params = _counts(con, filters, dimension=dimension)
            inner = f"SELECT value, brand, stories AS count FROM ({sql})"
        return con.execute(f"""
            SELECT value, brand, CAST(count AS BIGINT) AS count,
                   count / sum(count) OVER (PARTITION BY value) AS share
            FROM ({inner})
            ORDER BY value, brand
        """, params).df()


def ranking(db: Path | str, filters: Filters, grain: str = "week", unit: str = "mentions"
            ) -> pd.DataFrame:
    """Each brand's rank per period by mentions or stories (1 = the most talked about).

    Columns: ``period``, ``brand``, ``count``, ``rank`` (ties share the better rank),
    ``brands`` (how many brands had any in that period). A brand silent in a period has no row.
    """
    if grain not in GRAINS:
        raise ValueError(f"grain must be day, week or month, not {grain!r}")
    if unit not in ("mentions", "stories"):
        raise ValueError(f"unit must be mentions or stories, not {unit!r}")
    with reading(db) as con:
        if unit == "mentions":
            where, params = filters.where(sentiment_column="sentiment_label")
            inner = f"""SELECT CAST(date_trunc('{grain}', day) AS DATE) AS period, brand,
                               sum(mentions) AS count
                        FROM daily_mentions {where} GROUP BY ALL"""
        else:
            sql, params = _counts(con, filters, grain=grain)
            inner = f"SELECT period, brand, stories AS count FROM ({sql})"
        return con.execute(f"""
            SELECT period, brand, CAST(count AS BIGINT) AS count,
                   CAST(rank() OVER (PARTITION BY period ORDER BY count DESC) AS INTEGER) AS rank,
                   CAST(count(*) OVER (PARTITION BY period) AS INTEGER) AS brands
            FROM ({inner})
            ORDER BY period, rank, brand
        """, params).df()


def totals(db: Path | str, filters: Filters) -> pd.DataFrame:
    """Mentions and distinct stories per brand over the period: ``brand``, ``mentions``,
    ``stories``, ``copies`` (mentions per story, 1.0 when nothing is syndicated)."""
    with reading(db) as con:
        sql, params = _counts(con, filters)
        return con.execute(f"""
            SELECT brand, mentions, stories, mentions / stories AS copies
            FROM ({sql}) ORDER BY mentions DESC, brand
        """, params).df()


def top_stories(db: Path | str, filters: Filters, limit: int = 20) -> pd.DataFrame:
    """The stories with the most copies among the filtered mentions, biggest first.

    Columns: ``story_id``, ``copies`` (items), ``brands`` (list), ``first_seen``,
    ``last_seen``, ``title`` and ``url`` (of the story's first item). Only stories with two
    copies or more.
    """
    with reading(db) as con:
        if facts.built(con):
            hits = _top_copies(con, filters, limit)
        else:
            sql, params = _stories_join(filters)
            hits = con.execute(f"""
                SELECT story_id, count(DISTINCT item_id) AS copies,
                       list(DISTINCT brand ORDER BY brand) AS brands,
                       min(published_at) AS first_seen, max(published_at) AS last_seen,
                       CAST(NULL AS TIMESTAMP) AS head_at
                FROM ({sql}) GROUP BY story_id HAVING count(DISTINCT item_id) > 1
                ORDER BY copies DESC, first_seen LIMIT ?
            """, params + [limit]).df()
        # items is in time order: when the first items' publication times are all known,
        # they prune it to a few row groups.
        heads = [] if hits["head_at"].isna().any() else sorted(
            {t.to_pydatetime() for t in hits["head_at"]})
        within = f"published_at IN ({', '.join('?' for _ in heads)}) AND" if heads else ""
        con.register("top_story_hits", hits)
        try:
            return con.execute(f"""
                SELECT h.story_id, h.copies, h.brands, h.first_seen, h.last_seen,
                       coalesce(i.title, left(i.text, 120)) AS title,
                       CASE WHEN regexp_matches(i.url, '^https?://') THEN i.url END AS url
                FROM top_story_hits h
                LEFT JOIN (SELECT item_id, title, text, url FROM items
                           WHERE {within} item_id IN (SELECT story_id FROM top_story_hits)) i
                       ON i.item_id = h.story_id
                ORDER BY h.copies DESC, h.first_seen
            """, heads).df()
        finally:
            con.unregister("top_story_hits")


def _top_copies(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int) -> pd.DataFrame:
    """:func:`top_stories` from ``story_copies``: the biggest stories by integer key, then
    the names, brands and first items of those only.

    Copies are items: with one brand each counts on its only row; without a brand or tone
    filter, on its first mention row (``first_copy``); otherwise they are told apart.
    """
    where, params = filters.where("published_at", brand_column="brand", timestamp=True,
                                  sentiment_column="sentiment_label")
    if len(filters.brands) == 1:
        copies = "count(*)"
    elif filters.brands or filters.sentiments:
        copies = "count(DISTINCT item_id)"
    else:
        copies = "count(*) FILTER (first_copy)"
    hits = con.execute(f"""
        SELECT story_key, {copies} AS copies, min(published_at) AS first_seen,
               max(published_at) AS last_seen
        FROM story_copies {where} GROUP BY story_key HAVING {copies} > 1
        ORDER BY copies DESC, first_seen LIMIT ?
    """, params + [limit]).df()
    keys = [int(k) for k in hits["story_key"]]
    marks = ", ".join("?" for _ in keys) or "NULL"
    brands = con.execute(f"""
        SELECT story_key, list(DISTINCT brand ORDER BY brand) AS brands FROM story_copies
        {where} {'AND' if where else 'WHERE'} story_key IN ({marks}) GROUP BY story_key
    """, params + keys).df()
    # A story is named after its first item: its own row (head) says when it was published,
    # unless it names no brand, when any copy still tells the name.
    names = con.execute(f"""
        SELECT story_key, any_value(story_id) AS story_id, min(published_at) AS head_at
        FROM story_copies WHERE head AND story_key IN ({marks}) GROUP BY story_key
    """, keys).df()
    named = {int(k) for k in names["story_key"]}
    missing = [k for k in keys if k not in named]
    if missing:
        names = pd.concat([names, con.execute(f"""
            SELECT story_key, any_value(story_id) AS story_id, CAST(NULL AS TIMESTAMP) AS head_at
            FROM story_copies WHERE story_key IN ({', '.join('?' for _ in missing)})
            GROUP BY story_key""", missing).df()])
    out = hits.merge(names, on="story_key", how="left").merge(brands, on="story_key", how="left")
    return out[["story_id", "copies", "brands", "first_seen", "last_seen", "head_at"]]
