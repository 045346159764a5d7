"""Community reads (authors, newcomers, posts waiting for an answer) and the author rollup."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from analysis import community as C
from store import edits, facts
from store.connection import reading
from store.filters import LAST_DAY, Filters
from store.meta import get_time, set_meta
from store.transaction import transaction

GRAINS = ("day", "week", "month")
_WATERMARK = "authors_collected_at"
# Same margin as the stories refresher: a source that started before the last refresh but
# wrote after it still has its authors counted.
MARGIN = timedelta(days=1)
# The segment rule of analysis.community.segment, written for the database.
_SEGMENT_SQL = (f"CASE WHEN days >= 2 AND posts >= {int(C.REGULAR_POSTS)} THEN 'regular' "
                "WHEN days >= 2 THEN 'returning' ELSE 'one-time' END")
# The first try of the top authors only groups those with this many posts ever (see
# _top_of): a few thousand at 10 million items, where grouping all would take seconds.
TOP_THRESHOLD = 16
# The authors with a number of posts or more ever in a scope (parameters: scope, posts).
_PROLIFIC = ("author_key IN (SELECT author_key FROM author_days "
             "WHERE scope = ? AND cum_posts >= ?)")
# The start of a count of the authors in author_day_counts rows that pass a FILTER.
_SUM = "coalesce(sum(authors) FILTER"
_WAITING = ["published_at", "reason", "source", "kind", "author", "title", "text", "url",
            "item_id", "total"]


def refresh_authors(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the ``authors`` rollup (first and last post per source and author) up to date.

    Reads only the items collected since the last refresh (less a margin); first and last
    seen are merged with min/max, so running it twice changes nothing. Returns the number of
    (source, author) rows inserted or updated.
    """
    since = get_time(con, _WATERMARK)
    window, params = ("", []) if since is None else ("AND collected_at >= ?", [since - MARGIN])
    newest = con.execute(f"SELECT max(collected_at) FROM items WHERE true {window}",
                         params).fetchone()[0]
    if newest is None:
        return 0
    with transaction(con):
        changed = con.execute(f"""
            INSERT INTO authors
            SELECT source, author, min(published_at), max(published_at)
            FROM items WHERE author IS NOT NULL AND author <> '' {window}
            GROUP BY source, author
            ON CONFLICT (source, author) DO UPDATE SET
                first_seen = least(authors.first_seen, excluded.first_seen),
                last_seen = greatest(authors.last_seen, excluded.last_seen)
        """, params).fetchone()[0]
        set_meta(con, _WATERMARK, newest.isoformat())
    return int(changed)


def _by_days(con: duckdb.DuckDBPyConnection, filters: Filters) -> Filters | None:
    """The filters to read ``author_days`` with, or None when it cannot answer.

    An author's rows there are all their posts on their source (in all brands, in one, or in
    one language), so a source filter keeps or drops an author whole; a set of brands or
    languages, or a brand and a language, would take only some of their posts, and the
    running figures would no longer hold. A kind filter is a source filter in disguise when
    every source's posts are all of the chosen kinds or none (a source collects one kind; the
    demo source mixes them, and is read the long way).
    """
    if (not facts.built(con) or len(filters.langs) > 1 or len(filters.brands) > 1
            or (filters.langs and filters.brands)):
        return None
    if not filters.kinds:
        return filters
    marks = ", ".join("?" for _ in filters.kinds)
    split = con.execute(f"""
        SELECT source, bool_and(kind IN ({marks})) AS whole, bool_or(kind IN ({marks})) AS some
        FROM daily_mentions GROUP BY source""", [*filters.kinds, *filters.kinds]).fetchall()
    kept = tuple(source for source, whole, _ in split
                 if whole and (not filters.sources or source in filters.sources))
    if not kept or any(some and not whole for _, whole, some in split):
        return None
    return replace(filters, kinds=(), sources=kept)


def _days_where(filters: Filters) -> tuple[str, list]:
    """WHERE clause over ``author_days`` (or its counts) for filters :func:`_by_days` gave."""
    where, params = Filters(start=filters.start, end=filters.end, sources=filters.sources).where(
        "day", brand_column=None)
    where = (where + " AND" if where else "WHERE") + " scope = ?"
    return where, params + [_scope(filters)]


def _scope(filters: Filters) -> str:
    """The author-day rows that answer filters :func:`_by_days` gave: of their brand, of
    their language, or of all brands."""
    if filters.brands:
        return filters.brands[0]
    return facts.LANG_SCOPE + filters.langs[0] if filters.langs else ""


def _start(filters: Filters) -> date:
    # "All dates" starts before any post: every author's first row is their first ever.
    return filters.start or date.min


def _posts(con: duckdb.DuckDBPyConnection, filters: Filters,
           threshold: int | None = None) -> tuple[str, list]:
    """SQL of the filtered mentions by named authors: one row per (item, brand); only of the
    authors with ``threshold`` posts or more ever when given (the facts rollup is built).

    Columns: ``item_id``, ``brand``, ``source``, ``published_at``, ``author``, ``author_key``,
    ``is_reply``, ``first_seen`` (first post ever on the source). Read from ``mention_facts``
    once a refresh has built it, before that by joining mentions with items.
    """
    where, params = filters.where("published_at", brand_column="brand", timestamp=True)
    if facts.built(con):
        where = (where + " AND" if where else "WHERE") + " author_key IS NOT NULL"
        if threshold is not None and threshold > 1:
            where += f" AND {_PROLIFIC}"
            params = params + ["", threshold]
        return f"""SELECT item_id, brand, source, published_at, author, author_key, is_reply,
                          first_seen
                   FROM mention_facts {where}""", params
    iwhere, iparams = Filters(start=filters.start, end=filters.end).where(
        "published_at", brand_column=None, timestamp=True)
    iwhere = (iwhere + " AND" if iwhere else "WHERE") + " author IS NOT NULL AND author <> ''"
    sql = f"""
        SELECT m.item_id, m.brand, m.source, m.published_at, i.author,
               md5_number_lower(m.source || chr(31) || i.author) AS author_key,
               i.parent_id IS NOT NULL AS is_reply,
               coalesce(r.first_seen, min(m.published_at) OVER (
                   PARTITION BY m.source, i.author)) AS first_seen
        FROM (SELECT item_id, brand, source, published_at FROM mentions {where}) m
        JOIN (SELECT item_id, author, parent_id FROM items {iwhere}) i USING (item_id)
        LEFT JOIN authors r ON r.source = m.source AND r.author = i.author
    """
    return sql, params + iparams


def _per_author(con: duckdb.DuckDBPyConnection, filters: Filters,
                threshold: int | None = None) -> tuple[str, list]:
    sql, params = _posts(con, filters, threshold)
    return f"""
        SELECT source, author_key, any_value(author) AS author,
               count(DISTINCT item_id) AS posts,
               count(DISTINCT CAST(published_at AS DATE)) AS days,
               count(DISTINCT item_id) FILTER (is_reply) AS replies,
               min(published_at) AS first_post, max(published_at) AS last_post,
               list(DISTINCT brand ORDER BY brand) AS brands, min(first_seen) AS first_seen
        FROM ({sql}) GROUP BY source, author_key
    """, params


def authors(db: Path | str, filters: Filters, limit: int = 50) -> pd.DataFrame:
    """The most active authors of the period, per source: who carries the conversation.

    Columns: ``source``, ``author``, ``posts`` (items naming a filtered brand), ``days``
    (distinct days they posted), ``replies`` (of those posts, how many answer someone),
    ``brands`` (list), ``first_post`` and ``last_post`` in the period, ``first_seen`` (their
    first post ever on that source), ``segment`` (:func:`analysis.community.segment`).
    """
    with reading(db) as con:
        by_days = _by_days(con, filters)
        if by_days is not None:
            return _top_by_days(con, by_days, limit)
        if facts.built(con):
            # A language, several brands or a kind split authors' days: group their posts,
            # but only those of the authors who can be in the top.
            return _top_of(lambda threshold: _top_of_posts(con, filters, limit, threshold),
                           limit)
        return _top_of_posts(con, filters, limit, None)


def _top_of_posts(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int,
                  threshold: int | None) -> pd.DataFrame:
    """:func:`authors` by grouping the filtered posts by author: of every author
    (``threshold`` None), or of those with ``threshold`` posts or more ever."""
    sql, params = _per_author(con, filters, threshold)
    return con.execute(f"""
        SELECT source, author, posts, days, replies, brands, first_post, last_post,
               first_seen, {_SEGMENT_SQL} AS segment
        FROM ({sql})
        ORDER BY posts DESC, days DESC, source, author
        LIMIT ?
    """, params + [limit]).df()


def _top_of(ranked: Callable[[int], pd.DataFrame], limit: int) -> pd.DataFrame:
    """The top ``limit`` authors, from ``ranked(T)``: the top of the authors with T posts or
    more ever.

    An author with fewer than T posts ever has fewer than T in the period: when the top
    ends at T posts or more, nobody else can enter it. The first try is at
    :data:`TOP_THRESHOLD`; if the top comes out short, the next uses the last one's posts
    (which then qualifies), or a quarter of T, down to 1 (everyone).
    """
    threshold = TOP_THRESHOLD
    while True:
        top = ranked(threshold)
        full = 0 < limit == len(top)
        if threshold <= 1 or (full and top["posts"].iloc[-1] >= threshold):
            return top
        threshold = int(top["posts"].iloc[-1]) if full else max(1, threshold // 4)


def _top_by_days(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int) -> pd.DataFrame:
    """:func:`authors` from ``author_months`` and ``author_days``, grouping only the authors
    who can be in the top.

    The first try takes the authors with :data:`store.facts.HEAVY_POSTS` posts or more ever,
    whose whole months of the period are summed already (only the days of its partial months
    are read): when its top ends at that many posts, nobody else can enter it. Otherwise
    :func:`_top_of` narrows by posts ever.
    """
    top = _ranked(con, filters, limit, None)
    if 0 < limit == len(top) and top["posts"].iloc[-1] >= facts.HEAVY_POSTS:
        return top
    return _top_of(lambda threshold: _ranked(con, filters, limit, threshold), limit)


def _heavy_rows(filters: Filters) -> tuple[str, list]:
    """SQL of the period's posts by the authors in ``author_months``: their whole months
    there, the days of the period's partial months (at most two ranges) in ``author_days``."""
    first = filters.start or date.min
    last = filters.end or LAST_DAY
    # The first and last month the period covers whole (none when they cross).
    whole_from = first if first.day == 1 else _next_month(first)
    whole_to = _month_of(last) if _next_month(last) - timedelta(days=1) == last else (
        _month_of(_month_of(last) - timedelta(days=1)))
    edges = []
    if whole_from > whole_to:
        edges.append((first, last))
    else:
        if whole_from > first:
            edges.append((first, whole_from - timedelta(days=1)))
        if _next_month(whole_to) <= last:
            edges.append((_next_month(whole_to), last))
    marks = ", ".join("?" for _ in filters.sources)
    source = f"AND source IN ({marks})" if filters.sources else ""
    source_params = list(filters.sources)
    scope = _scope(filters)
    parts = [f"""SELECT source, author_key, author, posts, days, replies, first_at, last_at,
                        first_seen
                 FROM author_months WHERE scope = ? AND month BETWEEN ? AND ? {source}"""]
    params = [scope, whole_from, whole_to, *source_params]
    for lo, hi in edges:
        parts.append(f"""SELECT source, author_key, author, posts, 1, replies, first_at,
                                last_at, first_seen
                         FROM author_days WHERE scope = ? AND day BETWEEN ? AND ? {source}
                           AND author_key IN (SELECT author_key FROM author_months
                                              WHERE scope = ?)""")
        params += [scope, lo, hi, *source_params, scope]
    return " UNION ALL ".join(parts), params


def _month_of(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    try:
        return (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    except OverflowError:  # the last month there is: nothing comes after it
        return LAST_DAY


def _candidates(filters: Filters, threshold: int) -> tuple[str, list]:
    """SQL of the period's posts, from ``author_days``, by the authors with ``threshold``
    posts or more ever."""
    where, params = _days_where(filters)
    return f"""SELECT source, author_key, author, posts, 1 AS days, replies, first_at,
                      last_at, first_seen
               FROM author_days {where} AND {_PROLIFIC}
            """, params + [params[-1], threshold]


def _ranked(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int,
            threshold: int | None) -> pd.DataFrame:
    """The top ``limit`` authors among those in ``author_months`` (``threshold`` None) or
    those with ``threshold`` posts ever, with their brands in the period and their segment,
    as :func:`authors` returns them."""
    rows, params = _heavy_rows(filters) if threshold is None else _candidates(filters,
                                                                               threshold)
    if filters.langs:
        # Language rows do not say which brands: the top's posts in that language do.
        within, brand_params = Filters(start=filters.start, end=filters.end,
                                       sources=filters.sources, langs=filters.langs).where(
            "published_at", brand_column=None, timestamp=True)
        brands = f"""SELECT author_key, list(DISTINCT brand ORDER BY brand) AS brands
                     FROM mention_facts {within}
                       AND author_key IN (SELECT author_key FROM counted)
                     GROUP BY author_key"""
    else:
        within, brand_params = Filters(start=filters.start, end=filters.end,
                                       sources=filters.sources).where("day", brand_column=None)
        # One brand's rows, or every brand's (neither all brands' nor a language's).
        within = (within + " AND" if within else "WHERE") + (
            " scope = ?" if filters.brands else " scope <> '' AND left(scope, 1) <> ?")
        brand_params += list(filters.brands[:1]) or [facts.LANG_SCOPE]
        brands = f"""SELECT author_key, list(DISTINCT scope ORDER BY scope) AS brands
                     FROM author_days {within}
                       AND author_key IN (SELECT author_key FROM counted)
                     GROUP BY author_key"""
    return con.execute(f"""
        WITH counted AS (
            SELECT source, author_key, any_value(author) AS author,
                   CAST(sum(posts) AS BIGINT) AS posts, CAST(sum(days) AS BIGINT) AS days,
                   CAST(sum(replies) AS BIGINT) AS replies, min(first_at) AS first_post,
                   max(last_at) AS last_post, min(first_seen) AS first_seen
            FROM ({rows}) GROUP BY source, author_key
            ORDER BY posts DESC, days DESC, source, author LIMIT ?
        ), brands AS ({brands})
        SELECT c.source, c.author, c.posts, c.days, c.replies, b.brands, c.first_post,
               c.last_post, c.first_seen, {_SEGMENT_SQL} AS segment
        FROM counted c LEFT JOIN brands b USING (author_key)
        ORDER BY c.posts DESC, c.days DESC, c.source, c.author
    """, params + [limit] + brand_params).df()


def segments(db: Path | str, filters: Filters) -> pd.DataFrame:
    """Authors per source split into regulars, returning and one-time posters.

    Columns: ``source``, ``authors``, ``regular``, ``returning``, ``one_time``,
    ``one_time_share`` (0–1), ``posts``. Sorted by authors, largest first.
    """
    with reading(db) as con:
        by_days = _by_days(con, filters)
        if by_days is not None:
            # Each author counts on one row of author_days (see store.facts for the running
            # columns), so on one of the rows that count them.
            where, params = _days_where(by_days)
            return con.execute(f"""
                SELECT source, CAST(authors AS BIGINT) AS authors,
                       CAST(regular AS BIGINT) AS regular,
                       CAST(several_days - regular AS BIGINT) AS returning,
                       CAST(authors - several_days AS BIGINT) AS one_time,
                       (authors - several_days) / authors AS one_time_share, posts
                FROM (
                    SELECT source,
                           {_SUM} (prev_day IS NULL OR prev_day < ?), 0) AS authors,
                           {_SUM} (regular_from >= ? AND (
                               regular_from_prev IS NULL OR regular_from_prev < ?)), 0)
                               AS regular,
                           {_SUM} (prev_day >= ? AND (
                               prev2_day IS NULL OR prev2_day < ?)), 0) AS several_days,
                           CAST(sum(posts) AS BIGINT) AS posts
                    FROM author_day_counts {where} GROUP BY source)
                ORDER BY authors DESC, source
            """, [_start(filters)] * 5 + params).df()
        sql, params = _per_author(con, filters)
        return con.execute(f"""
            SELECT source, count(*) AS authors,
                   count(*) FILTER (segment = 'regular') AS regular,
                   count(*) FILTER (segment = 'returning') AS returning,
                   count(*) FILTER (segment = 'one-time') AS one_time,
                   count(*) FILTER (segment = 'one-time') / count(*) AS one_time_share,
                   CAST(sum(posts) AS BIGINT) AS posts
            FROM (SELECT *, {_SEGMENT_SQL} AS segment FROM ({sql}))
            GROUP BY source ORDER BY authors DESC, source
        """, params).df()


def newcomers(db: Path | str, filters: Filters, grain: str = "week") -> pd.DataFrame:
    """Per period and source: authors active, and newcomers (first post ever on that source).

    Columns: ``period`` (start date), ``source``, ``active``, ``newcomers``. An author's first
    post is their first ever on that source (all time, whatever the filters), so the first
    period of the data counts everybody as new.
    """
    if grain not in GRAINS:
        raise ValueError(f"grain must be day, week or month, not {grain!r}")
    period = f"CAST(date_trunc('{grain}', day) AS DATE)"
    with reading(db) as con:
        by_days = _by_days(con, filters)
        if by_days is not None:
            # An author counts in a period on their first row in it (or in the range).
            where, params = _days_where(by_days)
            return con.execute(f"""
                SELECT period, source, CAST({_SUM} (first_in), 0) AS BIGINT) AS active,
                       CAST({_SUM} (first_in AND CAST(date_trunc('{grain}', first_day)
                                                      AS DATE) = period), 0) AS BIGINT)
                           AS newcomers
                FROM (SELECT {period} AS period, source, first_day, authors,
                             prev_day IS NULL OR prev_day < greatest({period}, ?) AS first_in
                      FROM author_day_counts {where})
                GROUP BY period, source ORDER BY period, source
            """, [_start(filters)] + params).df()
        sql, params = _posts(con, filters)
        return con.execute(f"""
            WITH active AS (
                SELECT DISTINCT CAST(date_trunc('{grain}', published_at) AS DATE) AS period,
                       source, author_key, first_seen
                FROM ({sql})
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
    if own is None or (filters.brands and own not in filters.brands):
        return pd.DataFrame(columns=_WAITING)
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
            if facts.built(con):
                return _waiting_from_facts(con, scoped, limit, answered)
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


def _waiting_from_facts(con: duckdb.DuckDBPyConnection, scoped: Filters, limit: int,
                        answered: pa.Table) -> pd.DataFrame:
    """:func:`needs_answer` from ``mention_facts`` (question and reply flags computed once).

    One narrow pass counts the waiting posts and finds when the ``limit``-th newest was
    published; only the rows from then on (a few row groups at the end of the table) are
    read whole.
    """
    where, params = scoped.where("published_at", brand_column="brand", timestamp=True)
    publications = ", ".join("?" for _ in C.PUBLICATION_KINDS)
    where += f""" AND kind NOT IN ({publications}) AND NOT is_reply AND NOT replied
                  AND (is_question OR sentiment_label = 'negative')"""
    params += list(C.PUBLICATION_KINDS)
    if answered.num_rows:
        where += " AND item_id NOT IN (SELECT item_id FROM answered_items)"
    total, newest = con.execute(f"SELECT count(*), max(published_at, ?) FROM mention_facts "
                                f"{where}", [max(limit, 1), *params]).fetchone()
    if not total or limit < 1:
        return pd.DataFrame(columns=_WAITING)
    waiting = con.execute(f"""
        SELECT published_at, CASE WHEN is_question THEN 'question' ELSE 'complaint' END
                   AS reason, source, kind, author, item_id, ? AS total
        FROM mention_facts {where} AND published_at >= ?
        ORDER BY published_at DESC, item_id
        LIMIT ?
    """, [total, *params, min(newest), limit]).df()
    # Only the rows shown need their texts: items is in time order, their range prunes it.
    con.register("waiting_ids", pa.table({"item_id": pa.array(waiting["item_id"], pa.string())}))
    try:
        texts = con.execute("""
            SELECT item_id, title, text,
                   CASE WHEN regexp_matches(url, '^https?://') THEN url END AS url
            FROM items WHERE published_at >= ?
              AND item_id IN (SELECT item_id FROM waiting_ids)
        """, [min(newest)]).df()
    finally:
        con.unregister("waiting_ids")
    return waiting.merge(texts, on="item_id", how="left")[_WAITING]
