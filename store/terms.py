"""The term rollup and topics: refreshed after runs, read per brand and period by Topics."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from analysis import workers
from analysis.query import QuerySyntaxError, compile_query
from analysis.terms import brand_words, distinctive, emerging, terms
from analysis.topics import fit_topics
from store.connection import reading
from store.filters import Filters
from store.transaction import transaction

# Bump when the extraction changes: every day is then recomputed at the next refresh.
TERMS_VERSION = "2"
# Kept per (day, brand, language): the table stays bounded at any volume; a term outside a
# day's top is rare that day and barely moves sums over weeks.
TOP_TERMS, TOP_PHRASES = 200, 100
# Items tokenised per transaction, which bounds the refresher's memory.
CHUNK_ITEMS = 50_000
TOPICS_K, TOPICS_SAMPLE, TOPICS_DAYS = 8, 5_000, 90


# --- refreshing ------------------------------------------------------------------------------


def _exclusions(con: duckdb.DuckDBPyConnection) -> set[str]:
    out: set[str] = set()
    for name, query in con.execute("SELECT name, query FROM brands").fetchall():
        try:
            written = compile_query(query).terms
        except QuerySyntaxError:
            written = []
        out |= brand_words(name, written)
    return out


def refresh_terms(con: duckdb.DuckDBPyConnection) -> int:
    """Bring ``daily_terms`` up to date with items and mentions; return the days recomputed.

    A day is recomputed when its items changed since the last refresh (their number or their
    newest ``collected_at`` differ — re-collected items are stored again with a new one), when
    the brands' names changed, or when the extraction version did; days without items any more
    lose their rows. Recomputing a day replaces its rows, so running this twice changes nothing.
    """
    banned = _exclusions(con)
    version = TERMS_VERSION + ":" + hashlib.md5(
        "\n".join(sorted(banned)).encode("utf-8"), usedforsecurity=False).hexdigest()[:12]
    con.execute("""CREATE OR REPLACE TEMP TABLE terms_now AS
        SELECT CAST(published_at AS DATE) AS day, count(*) AS items,
               max(collected_at) AS last_collected
        FROM items GROUP BY ALL""")
    dirty = con.execute("""
        SELECT n.day, n.items FROM terms_now n LEFT JOIN terms_days d USING (day)
        WHERE d.day IS NULL OR d.items <> n.items OR d.last_collected <> n.last_collected
              OR d.version <> ?
        ORDER BY n.day""", [version]).fetchall()
    with transaction(con):
        con.execute("DELETE FROM daily_terms WHERE day NOT IN (SELECT day FROM terms_now)")
        con.execute("DELETE FROM terms_days WHERE day NOT IN (SELECT day FROM terms_now)")
    # Worker processes count the next chunk's terms while this process writes this one.
    for days, counting in workers.one_ahead(_day_chunks(dirty),
                                            lambda days: _start_counting(con, days, banned)):
        _write_days(con, days, counting, version)
    con.execute("DROP TABLE IF EXISTS terms_now")
    return len(dirty)


def _day_chunks(dirty: list[tuple[date, int]]) -> Iterator[list[date]]:
    """Consecutive days holding about :data:`CHUNK_ITEMS` items each."""
    chunk: list[date] = []
    size = 0
    for day, items in dirty:
        chunk.append(day)
        size += items
        if size >= CHUNK_ITEMS:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _start_counting(con: duckdb.DuckDBPyConnection, days: list[date], banned: set[str]
                    ) -> workers.Pending:
    """Read the mentions of ``days`` and start counting their terms in the workers."""
    lo = datetime.combine(days[0], datetime.min.time())
    hi = datetime.combine(days[-1], datetime.min.time()) + timedelta(days=1)
    con.register("terms_chunk", pa.table({"day": pa.array(days, pa.date32())}))
    try:
        # The time range on both tables lets DuckDB skip row groups (rows are in time order).
        rows = con.execute("""
            SELECT i.item_id, CAST(i.published_at AS DATE) AS day, m.brand, i.lang, i.title,
                   i.text
            FROM items i JOIN mentions m USING (item_id)
            WHERE i.published_at >= ? AND i.published_at < ?
              AND m.published_at >= ? AND m.published_at < ?
              AND CAST(i.published_at AS DATE) IN (SELECT day FROM terms_chunk)
        """, [lo, hi, lo, hi]).fetchall()
    finally:
        con.unregister("terms_chunk")
    # Extracting terms is the Python-heavy part of a refresh: it goes to worker processes.
    return workers.submit_map(_count, rows, frozenset(banned))


def _write_days(con: duckdb.DuckDBPyConnection, days: list[date], counting: workers.Pending,
                version: str) -> None:
    """Replace the rows of ``days`` with the top terms the workers counted."""
    # Parts of a chunk may count the same (day, brand, lang, term): their counts add up.
    con.register("terms_new", pa.concat_tables(counting.result()))
    con.register("terms_chunk", pa.table({"day": pa.array(days, pa.date32())}))
    try:
        with transaction(con):
            con.execute("DELETE FROM daily_terms WHERE day IN (SELECT day FROM terms_chunk)")
            con.execute(f"""
                INSERT INTO daily_terms (day, brand, lang, term, ngram, n)
                SELECT day, brand, lang, term, ngram, CAST(sum(n) AS INTEGER) AS n
                FROM terms_new GROUP BY day, brand, lang, term, ngram
                QUALIFY row_number() OVER (PARTITION BY day, brand, lang, ngram > 1
                                           ORDER BY sum(n) DESC, term)
                        <= CASE WHEN ngram > 1 THEN {TOP_PHRASES} ELSE {TOP_TERMS} END
                ORDER BY day""")
            con.execute("DELETE FROM terms_days WHERE day IN (SELECT day FROM terms_chunk)")
            con.execute("""
                INSERT INTO terms_days (day, items, last_collected, version)
                SELECT day, items, last_collected, ? FROM terms_now
                WHERE day IN (SELECT day FROM terms_chunk)""", [version])
    finally:
        con.unregister("terms_new")
        con.unregister("terms_chunk")


def _count(banned: frozenset[str], rows: list[tuple]) -> pa.Table:
    """Mentions holding each ``(day, brand, lang, term)`` among ``rows`` (one per mention),
    as a table with the term's number of words (``ngram``) and the count (``n``)."""
    seen: dict[str, set[str]] = {}
    # One counter per (day, brand, lang), fed a whole item's terms at once (counted in C).
    groups: dict[tuple, Counter] = defaultdict(Counter)
    for item_id, day, brand, lang, title, text in rows:
        found = seen.get(item_id)
        if found is None:
            full = f"{title}\n{text}" if title else (text or "")
            found = seen[item_id] = terms(full, banned)
        groups[(day, brand, lang)].update(found)
    days, brands, langs, words, counts = [], [], [], [], []
    for (day, brand, lang), counted in groups.items():
        size = len(counted)
        days.extend([day] * size)
        brands.extend([brand] * size)
        langs.extend([lang] * size)
        words.extend(counted.keys())
        counts.extend(counted.values())
    return pa.table({
        "day": pa.array(days, pa.date32()),
        "brand": pa.array(brands, pa.string()),
        "lang": pa.array(langs, pa.string()),
        "term": pa.array(words, pa.string()),
        "ngram": pa.array([w.count(" ") + 1 for w in words], pa.int8()),
        "n": pa.array(counts, pa.int32()),
    })


def refresh_topics(con: duckdb.DuckDBPyConnection) -> int:
    """Fit the topics again on a sample of the mentions of the last 90 days; return how many.

    The sample is the same for the same data (items ordered by the md5 of their id), so the
    topics are stable between runs that add little. The previous topics are replaced whole.
    """
    last = con.execute("SELECT max(published_at) FROM mentions").fetchone()[0]
    if last is None:
        return 0
    since = last - timedelta(days=TOPICS_DAYS)
    # Pick the ids first: sorting whole texts by md5 is three times slower.
    rows = con.execute("""
        WITH pick AS (
            SELECT item_id FROM items i
            SEMI JOIN (SELECT item_id FROM mentions WHERE published_at >= ?) m USING (item_id)
            WHERE i.published_at >= ?
            ORDER BY md5(item_id) LIMIT ?)
        SELECT i.title, i.text FROM items i SEMI JOIN pick USING (item_id)
        WHERE i.published_at >= ?""", [since, since, TOPICS_SAMPLE, since]).fetchall()
    banned = _exclusions(con)
    docs = [{t for t in terms(f"{title}\n{text}" if title else (text or ""), banned)
             if " " not in t} for title, text in rows]
    found = fit_topics(docs, k=TOPICS_K)
    fitted = datetime.now()
    with transaction(con):
        con.execute("DELETE FROM topic_terms")
        con.execute("DELETE FROM topics")
        for topic in found:
            con.execute("INSERT INTO topics VALUES (?, ?, ?, ?, ?)",
                        [topic.topic_id, topic.label, list(topic.top_terms), fitted, len(docs)])
            con.executemany("INSERT INTO topic_terms VALUES (?, ?, ?)",
                            [[topic.topic_id, t, w] for t, w in topic.weights.items()])
    return len(found)


# --- reading ---------------------------------------------------------------------------------


def _ready(con: duckdb.DuckDBPyConnection) -> bool:
    """True once the migration that holds the term tables has run on this file."""
    return con.execute("SELECT count(*) FROM information_schema.tables "
                       "WHERE table_name = 'daily_terms'").fetchone()[0] > 0


def _scope(filters: Filters) -> Filters:
    # The rollup has no source or kind: those filters cannot narrow terms (the page says so).
    return replace(filters, kinds=(), sources=())


def has_terms(db: Path | str) -> bool:
    """True when the term rollup exists and holds at least one row."""
    with reading(db) as con:
        return _ready(con) and con.execute(
            "SELECT count(*) FROM (SELECT 1 FROM daily_terms LIMIT 1)").fetchone()[0] > 0


def key_terms(db: Path | str, filters: Filters, limit: int = 15,
              min_count: int = 2) -> pd.DataFrame:
    """The most distinctive terms and phrases of each filtered brand over the period.

    Columns: ``brand``, ``term``, ``phrase`` (True for 2–3 word phrases), ``n`` (mentions of
    the brand holding it), ``score`` (log-odds z-score against every other brand, see
    :func:`analysis.terms.distinctive`). Up to ``limit`` terms and ``limit`` phrases per
    brand, seen at least ``min_count`` times, with a positive score, best first. Source and
    kind filters do not apply (the rollup is per day, brand and language).
    """
    scoped = _scope(filters)
    where, params = replace(scoped, brands=()).where()
    with reading(db) as con:
        if not _ready(con):
            return _empty_terms()
        counts = con.execute(f"""
            SELECT brand, term, ngram > 1 AS phrase, CAST(sum(n) AS BIGINT) AS n
            FROM daily_terms {where} GROUP BY ALL""", params).df()
    if counts.empty:
        return _empty_terms()
    parts = []
    for phrase, group in counts.groupby("phrase"):
        scored = distinctive(group[["brand", "term", "n"]])
        scored["phrase"] = bool(phrase)
        parts.append(scored)
    out = pd.concat(parts, ignore_index=True)
    if scoped.brands:
        out = out[out["brand"].isin(scoped.brands)]
    out = out[(out["n"] >= min_count) & (out["score"] > 0)]
    out = out.sort_values(["brand", "phrase", "score", "term"],
                          ascending=[True, True, False, True])
    out = out.groupby(["brand", "phrase"], sort=False).head(limit)
    return out[["brand", "term", "phrase", "n", "score"]].reset_index(drop=True)


def _empty_terms() -> pd.DataFrame:
    return pd.DataFrame({"brand": pd.Series(dtype="object"), "term": pd.Series(dtype="object"),
                         "phrase": pd.Series(dtype="bool"), "n": pd.Series(dtype="int64"),
                         "score": pd.Series(dtype="float64")})


def topics(db: Path | str) -> pd.DataFrame:
    """The topics of the last fit: ``topic_id``, ``label``, ``top_terms`` (list), ``fitted_at``."""
    with reading(db) as con:
        if not _ready(con):
            return pd.DataFrame(columns=["topic_id", "label", "top_terms", "fitted_at"])
        return con.execute("SELECT topic_id, label, top_terms, fitted_at FROM topics "
                           "ORDER BY topic_id").df()


def topic_shares(db: Path | str, filters: Filters) -> pd.DataFrame:
    """Each topic's share of each filtered brand's conversation over the period.

    Every occurrence of a topic term counts for its topics in proportion to its weight in
    each, so a brand's shares add up to 1 over the topics. Columns: ``topic_id``, ``label``,
    ``brand``, ``weight`` (weighted term occurrences), ``share`` (0–1 within the brand).
    """
    # Only daily_terms has day, brand and lang columns, so the filter needs no table prefix.
    where, params = _scope(filters).where()
    with reading(db) as con:
        if not _ready(con):
            return pd.DataFrame(columns=["topic_id", "label", "brand", "weight", "share"])
        return con.execute(f"""
            WITH spread AS (
                SELECT topic_id, term, weight / sum(weight) OVER (PARTITION BY term) AS part
                FROM topic_terms
            )
            SELECT topic_id, t.label, brand, weight,
                   weight / sum(weight) OVER (PARTITION BY brand) AS share
            FROM (
                SELECT s.topic_id, d.brand, sum(d.n * s.part) AS weight
                FROM daily_terms d JOIN spread s USING (term)
                {where}
                GROUP BY ALL
            ) JOIN topics t USING (topic_id)
            ORDER BY topic_id, brand""", params).df()


def emerging_terms(db: Path | str, filters: Filters, recent_days: int = 7,
                   baseline_days: int = 28, limit: int = 10) -> pd.DataFrame:
    """Terms rising for each filtered brand: the last ``recent_days`` of the period against
    the ``baseline_days`` before them, relative to the brand's own mention volume.

    Columns: ``brand``, ``term``, ``recent``, ``baseline``, ``expected``, ``lift``, ``score``
    (see :func:`analysis.terms.emerging`); up to ``limit`` terms per brand, best first. The
    window ends on the period's last day (or the newest day with data when open-ended).
    """
    with reading(db) as con:
        if not _ready(con):
            return pd.DataFrame(columns=["brand", "term", "recent", "baseline", "expected",
                                         "lift", "score"])
        end = filters.end or con.execute("SELECT max(day) FROM daily_terms").fetchone()[0]
        if end is None:
            return pd.DataFrame(columns=["brand", "term", "recent", "baseline", "expected",
                                         "lift", "score"])
        split = end - timedelta(days=recent_days - 1)
        window = replace(_scope(filters), start=split - timedelta(days=baseline_days),
                         end=end)
        where, params = window.where()
        counts = con.execute(f"""
            SELECT brand, term, CAST(sum(n) FILTER (day >= ?) AS DOUBLE) AS recent,
                   CAST(coalesce(sum(n) FILTER (day < ?), 0) AS DOUBLE) AS baseline
            FROM daily_terms {where} GROUP BY ALL HAVING sum(n) FILTER (day >= ?) > 0
            """, [split, split, *params, split]).df()
        totals = dict(((b, r), t) for b, r, t in con.execute(f"""
            SELECT brand, day >= ? AS recent, CAST(sum(mentions) AS DOUBLE)
            FROM daily_mentions {where} GROUP BY ALL""", [split, *params]).fetchall())
    parts = []
    for brand, group in counts.groupby("brand"):
        found = emerging(group[["term", "recent", "baseline"]],
                         totals.get((brand, True), 0.0), totals.get((brand, False), 0.0))
        parts.append(found.head(limit).assign(brand=brand))
    if not parts:
        return pd.DataFrame(columns=["brand", "term", "recent", "baseline", "expected",
                                     "lift", "score"])
    out = pd.concat(parts, ignore_index=True)
    return out[["brand", "term", "recent", "baseline", "expected", "lift", "score"]]
