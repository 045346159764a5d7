"""The facts rollups Community and Share of voice read: per item, per mention, per author-day."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import duckdb
import pyarrow as pa

from analysis import community as C
from store.meta import get_meta, get_time, set_meta
from store.transaction import transaction

_WATERMARK = "facts_collected_at"
# The question rule the stored ``is_question`` flags were computed with, and the scopes of
# the author-day rows: when either changes, the next refresh rebuilds everything.
_RULE = "facts_question_rule"
_SCOPES = "all brands, each brand, each language"
# The scope of one language's author-day rows: this mark and the language code. A brand's
# scope is its name, which a control character never starts (brands are read from TOML).
LANG_SCOPE = chr(31)
# Same margin as the stories and authors refreshers: a source that started before the last
# refresh but wrote after it is still picked up.
MARGIN = timedelta(days=1)
# Temporary tables of one refresh (dropped at its end).
_TEMP = ("facts_fresh", "facts_gone", "facts_multi", "facts_parents", "facts_authors",
         "facts_first", "facts_since", "facts_days", "facts_days_gone", "facts_days_new",
         "facts_delta", "facts_counts", "facts_copied", "facts_stories")
# The mentions of a re-matched range [lo, hi), as _MENTION_FACTS and _STORY_COPIES name them
# (published_at is the item's, in both tables: both ranges prune).
_WITHIN = ("m.published_at >= ? AND m.published_at < ? "
           "AND f.published_at >= ? AND f.published_at < ?")
# The items a refresh rebuilds (all of them on a full build).
_FRESH = "WHERE item_id IN (SELECT item_id FROM facts_fresh)"

# One person on one source. A stable hash (md5: DuckDB's own hash() may change between
# versions, and keys are stored) so that reads group by an integer, never by strings.
_AUTHOR_KEY = "md5_number_lower(i.source || chr(31) || i.author)"
_ITEM_FACTS = f"""
    SELECT i.item_id, i.published_at, i.source,
           CASE WHEN i.author <> '' THEN i.author END AS author,
           CASE WHEN i.author <> '' THEN {_AUTHOR_KEY} END AS author_key,
           CAST(NULL AS TIMESTAMP) AS first_seen,
           i.parent_id IS NOT NULL AS is_reply,
           coalesce(s.story_id, i.item_id) AS story_id,
           false AS multi,
           i.parent_id IS NULL AND regexp_matches(strip_accents(lower(
               coalesce(i.title, '') || chr(10) || coalesce(i.text, ''))), ?) AS is_question,
           i.item_id IN ({{replies}}) AS replied
"""
# Which items someone replied to: any of them on a full build; after that, a fresh item
# only (replies to older items are caught as they come, see _rebuild_items).
_ALL_REPLIES = "SELECT parent_id FROM items WHERE parent_id IS NOT NULL"
_FRESH_REPLIES = "SELECT parent_id FROM items WHERE parent_id IN (SELECT item_id FROM facts_fresh)"
_MENTION_FACTS = """
    SELECT m.published_at, m.item_id, m.brand, m.source, m.kind, m.lang, m.sentiment_label,
           f.author, f.author_key, f.first_seen, f.is_reply, f.is_question, f.replied
    FROM mentions m JOIN item_facts f USING (item_id)
"""
# When the previous copy of the same story naming the same brand was published (prev_at),
# and the previous one also of the same kind, language, tone or source: a copy whose
# previous one falls in the same period (and range) adds no story there, so reads count
# stories without grouping by story. Ties in time are ordered by item.
_PREVIOUS = (("prev_at", ""), ("prev_kind_at", ", kind"),
             ("prev_lang_at", ", coalesce(lang, 'unknown')"),
             ("prev_tone_at", ", coalesce(sentiment_label, 'unknown')"),
             ("prev_source_at", ", source"))
_LAGS = ", ".join(f"lag(published_at) OVER (PARTITION BY story_key, brand{by} "
                  f"ORDER BY published_at, item_id) AS {column}" for column, by in _PREVIOUS)
# The previous-copy column for counting stories per brand, or per brand and a dimension.
PREVIOUS_COPY = {None: "prev_at", "kind": "prev_kind_at", "lang": "prev_lang_at",
                 "sentiment_label": "prev_tone_at", "source": "prev_source_at"}
# The key groups stories by an integer (same stable hash as authors); first_copy marks one
# row per item (its first brand), so copies are counted without telling item ids apart;
# head marks the rows of the item a story is named after. Selects every mention of the items
# it takes, which first_copy needs; the previous copies are right when it takes every copy
# (a full build), and set again by _link_copies otherwise.
_STORY_COPIES = f"""
    SELECT *, {_LAGS} FROM (
        SELECT m.published_at, m.item_id, m.brand, m.source, m.kind, m.lang,
               m.sentiment_label, f.story_id, md5_number_lower(f.story_id) AS story_key,
               row_number() OVER (PARTITION BY m.item_id ORDER BY m.brand) = 1 AS first_copy,
               m.item_id = f.story_id AS head
        FROM mentions m JOIN item_facts f USING (item_id)
        WHERE f.multi {{within}})
"""
# One row per author, scope (all brands: '', one brand, or one language: LANG_SCOPE and its
# code) and day they posted on. The
# running columns let a read count, for any start day s, the authors active, those active
# on two days or more, and the regulars, each by the one row where the author qualifies:
# - active from s: the first row on or after s (prev_day < s);
# - two days or more: the second such row (prev_day >= s > prev2_day);
# - regular (REGULAR_POSTS posts on two days or more): the first row r where, counting from
#   s, both hold; that is s <= regular_from(r), the latest start for which they hold at r
#   (the earlier of the previous active day and the day of the latest row k such that rows k
#   to r hold REGULAR_POSTS posts), while s > regular_from of the row before. Every row holds
#   a post, so k is one of the REGULAR_POSTS rows ending at r: a few lags find it.
_LATEST_K = " ".join(
    f"WHEN lag(cum_posts - posts, {int(back)}) OVER w <= cum_posts - {int(C.REGULAR_POSTS)} "
    f"THEN lag(day, {int(back)}) OVER w" for back in range(C.REGULAR_POSTS))
# The rows are computed from mention_facts, for every author or (``since``) for the authors
# in temp table facts_since from their since_day on: then the author's last REGULAR_POSTS
# stored rows before it (``context``) carry the running columns on.
_AUTHOR_DAYS = """
    WITH facts AS (
        SELECT m.* FROM mention_facts m {since_join} WHERE m.author_key IS NOT NULL
    ), posts AS (
        SELECT '' AS scope, source, author_key, any_value(author) AS author,
               any_value(published_at) AS published_at, bool_or(is_reply) AS is_reply,
               min(first_seen) AS first_seen
        FROM facts GROUP BY source, author_key, item_id
        UNION ALL
        SELECT brand, source, author_key, author, published_at, is_reply, first_seen
        FROM facts
        UNION ALL
        SELECT chr(31) || any_value(lang), source, author_key, any_value(author),
               any_value(published_at), bool_or(is_reply), min(first_seen)
        FROM facts WHERE lang IS NOT NULL GROUP BY source, author_key, item_id
    ), days AS (
        SELECT scope, source, author_key, any_value(author) AS author,
               CAST(published_at AS DATE) AS day, count(*) AS posts,
               count(*) FILTER (is_reply) AS replies, min(published_at) AS first_at,
               max(published_at) AS last_at, min(first_seen) AS first_seen,
               false AS context, CAST(NULL AS BIGINT) AS stored_cum,
               CAST(NULL AS DATE) AS stored_regular_from
        FROM posts GROUP BY scope, source, author_key, day
        {context}
    ), running AS (
        SELECT *, lag(day) OVER w AS prev_day, lag(day, 2) OVER w AS prev2_day,
               CASE WHEN context THEN stored_cum
                    ELSE coalesce(max(stored_cum) OVER (PARTITION BY scope, author_key), 0)
                         + sum(CASE WHEN context THEN 0 ELSE posts END) OVER w END
                   AS cum_posts
        FROM days WINDOW w AS (PARTITION BY scope, author_key ORDER BY day)
    ), latest AS (
        SELECT *, CASE {latest_k} END AS k_day
        FROM running WINDOW w AS (PARTITION BY scope, author_key ORDER BY day)
    ), regular AS (
        SELECT *, CASE WHEN context THEN stored_regular_from
                       WHEN prev_day IS NOT NULL AND k_day IS NOT NULL
                       THEN least(k_day, prev_day) END AS regular_from
        FROM latest
    ), done AS (
        SELECT *, lag(regular_from) OVER (PARTITION BY scope, author_key ORDER BY day)
                      AS regular_from_prev
        FROM regular
    )
    SELECT scope, source, author_key, author, day, CAST(posts AS INTEGER) AS posts,
           CAST(replies AS INTEGER) AS replies, first_at, last_at,
           coalesce(first_seen, first_at) AS first_seen, prev_day, prev2_day, regular_from,
           regular_from_prev, CAST(cum_posts AS BIGINT) AS cum_posts
    FROM done WHERE NOT context
"""
_SINCE_JOIN = ("JOIN facts_since s ON s.author_key = m.author_key "
               "AND m.published_at >= s.since_day")
_CONTEXT = f"""
        UNION ALL
        SELECT scope, source, author_key, author, day, posts, replies, first_at, last_at,
               first_seen, true, cum_posts, regular_from
        FROM (SELECT a.*, row_number() OVER (PARTITION BY a.scope, a.author_key
                                             ORDER BY a.day DESC) AS back
              FROM author_days a JOIN facts_since s ON s.author_key = a.author_key
                                                   AND a.day < s.since_day)
        WHERE back <= {int(C.REGULAR_POSTS)}
"""


# Authors with this many posts ever (in a scope) have their author-day rows summed by month
# in author_months: the top posters of a period are found there when the last of them has
# this many posts in it (see store.community.authors).
HEAVY_POSTS = 8
_AUTHOR_MONTHS = f"""
    SELECT scope, source, author_key, any_value(author) AS author, month, sum(posts) AS posts,
           count(*) AS days, sum(replies) AS replies, min(first_at) AS first_at,
           max(last_at) AS last_at, min(first_seen) AS first_seen
    FROM (SELECT *, CAST(date_trunc('month', day) AS DATE) AS month,
                 max(cum_posts) OVER (PARTITION BY scope, author_key) AS total
          FROM author_days {{touched}})
    WHERE total >= {int(HEAVY_POSTS)}
    GROUP BY scope, source, author_key, month
"""
# What author_day_counts counts author-day rows by.
_COUNT_COLUMNS = ("scope", "source", "day", "prev_day", "prev2_day", "regular_from",
                  "regular_from_prev", "first_day")
_COUNT_KEY = ("scope, source, day, prev_day, prev2_day, regular_from, regular_from_prev, "
              "CAST(first_seen AS DATE) AS first_day")


def _rule() -> str:
    return hashlib.sha256(f"{C.QUESTION_PATTERN}\n{_SCOPES}".encode()).hexdigest()


def built(con: duckdb.DuckDBPyConnection) -> bool:
    """True once the facts tables exist and a refresh has filled them (reads use them then)."""
    exists = con.execute("SELECT count(*) FROM information_schema.tables "
                         "WHERE table_name = 'author_days'").fetchone()[0]
    return bool(exists) and get_meta(con, _WATERMARK) is not None


def refresh_facts(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the facts rollups (``item_facts``, ``mention_facts``, ``story_copies``,
    ``author_days`` and its counts and months) up to date; a refresher.

    Runs after the stories and authors refreshers. Items collected since the last refresh
    (less :data:`MARGIN`) get their rows rebuilt; so do the stories they join or leave
    (``multi``: two items or more, and the copies' links), the items they reply to
    (``replied``) and their authors (first post ever; author-day rows from the first day
    that changed, rewritten only where a value changed, so the tables keep their order).
    The first run, and a run after the question rule changed, build everything. One
    transaction: a killed refresh leaves the previous state, and running it twice changes
    nothing. Returns the number of items (re)built.
    """
    since = get_time(con, _WATERMARK)
    stories_since = get_time(con, "stories_collected_at")
    # Never ahead of the stories refresher: items it has yet to group come back next time.
    if since is not None and stories_since is not None:
        since = min(since, stories_since)
    full = since is None or get_meta(con, _RULE) != _rule()
    window, params = ("", []) if full else ("WHERE collected_at >= ?", [since - MARGIN])
    newest = con.execute(f"SELECT max(collected_at) FROM items {window}", params).fetchone()[0]
    if newest is None and not full:
        return 0
    try:
        with transaction(con):
            con.execute(f"CREATE OR REPLACE TEMP TABLE facts_fresh AS "
                        f"SELECT item_id, published_at FROM items {window}", params)
            done = con.execute("SELECT count(*) FROM facts_fresh").fetchone()[0]
            _rebuild_items(con, full)
            _rebuild_mentions(con, full)
            rebuild_author_days(con, everyone=full)
            if newest is not None:
                set_meta(con, _WATERMARK, newest.isoformat())
            set_meta(con, _RULE, _rule())
    finally:
        for table in _TEMP:
            con.execute(f"DROP TABLE IF EXISTS {table}")
    return int(done)


def _rebuild_items(con: duckdb.DuckDBPyConnection, full: bool) -> None:
    """Rewrite the item facts of ``facts_fresh``, then the flags other items owe them."""
    fresh = "" if full else _FRESH
    # What the rebuilt items were before: the stories and authors they may have left.
    con.execute(f"CREATE OR REPLACE TEMP TABLE facts_gone AS "
                f"SELECT story_id, author_key, published_at FROM item_facts {fresh}")
    con.execute(f"DELETE FROM item_facts {fresh}")
    if full:
        con.execute(f"INSERT INTO item_facts {_ITEM_FACTS.format(replies=_ALL_REPLIES)} "
                    "FROM items i LEFT JOIN stories s USING (item_id) ORDER BY i.published_at",
                    [C.QUESTION_PATTERN])
    else:
        # Both tables are in time order: the fresh items' range prunes their row groups.
        lo, hi = con.execute("SELECT min(published_at), max(published_at) FROM facts_fresh"
                             ).fetchone()
        con.execute(f"""
            INSERT INTO item_facts {_ITEM_FACTS.format(replies=_FRESH_REPLIES)}
            FROM (SELECT * FROM items WHERE published_at BETWEEN ? AND ?
                  AND item_id IN (SELECT item_id FROM facts_fresh)) i
            LEFT JOIN (SELECT item_id, story_id FROM stories
                       WHERE published_at BETWEEN ? AND ?) s USING (item_id)
            ORDER BY i.published_at
        """, [C.QUESTION_PATTERN, lo, hi, lo, hi])
    _recount_stories(con, full)
    if not full:
        # A new reply answers its parent, whenever the parent was collected.
        con.execute("""
            CREATE OR REPLACE TEMP TABLE facts_parents AS
            SELECT DISTINCT parent_id AS item_id FROM items
            WHERE parent_id IS NOT NULL AND item_id IN (SELECT item_id FROM facts_fresh)""")
        for table in ("item_facts", "mention_facts"):
            con.execute(f"UPDATE {table} SET replied = true WHERE NOT replied "
                        "AND item_id IN (SELECT item_id FROM facts_parents)")
    _first_posts(con, full)


def _recount_stories(con: duckdb.DuckDBPyConnection, full: bool) -> None:
    """Set ``multi`` (the story has two items or more) on the stories the fresh items touch."""
    touched = "" if full else f"""WHERE story_id IN (
        SELECT story_id FROM item_facts {_FRESH} UNION SELECT story_id FROM facts_gone)"""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE facts_multi AS
        SELECT f.item_id, c.n >= 2 AS multi
        FROM item_facts f JOIN (SELECT story_id, count(*) AS n FROM item_facts {touched}
                                GROUP BY story_id) c USING (story_id)
        WHERE f.multi <> (c.n >= 2)""")
    con.execute("UPDATE item_facts SET multi = c.multi FROM facts_multi c "
                "WHERE item_facts.item_id = c.item_id")


def _first_posts(con: duckdb.DuckDBPyConnection, full: bool) -> None:
    """Set the first post ever on the source (any item, named brand or not) of the authors
    the fresh items touch, including those an item left; list them in ``facts_since`` with
    the first day their author-day rows may change (all of them when the first post moved).
    """
    touched = "SELECT author_key, published_at FROM item_facts" if full else f"""
        SELECT author_key, published_at FROM item_facts {_FRESH}
        UNION ALL SELECT author_key, published_at FROM facts_gone"""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE facts_authors AS
        SELECT author_key, CAST(min(published_at) AS DATE) AS since_day FROM ({touched})
        WHERE author_key IS NOT NULL GROUP BY author_key""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE facts_first AS
        SELECT author_key, min(published_at) AS first_seen FROM item_facts
        WHERE author_key IN (SELECT author_key FROM facts_authors) GROUP BY author_key""")
    if not full:
        con.execute("""
            CREATE OR REPLACE TEMP TABLE facts_since AS
            SELECT t.author_key,
                   CASE WHEN was.first_seen IS NOT DISTINCT FROM f.first_seen THEN t.since_day
                        ELSE DATE '0001-01-01' END AS since_day
            FROM facts_authors t LEFT JOIN facts_first f USING (author_key)
            LEFT JOIN (SELECT author_key, min(first_seen) AS first_seen FROM author_days
                       WHERE scope = '' AND author_key IN (SELECT author_key FROM facts_authors)
                       GROUP BY author_key) was USING (author_key)""")
    for table in ("item_facts", "mention_facts"):
        con.execute(f"""
            UPDATE {table} SET first_seen = f.first_seen FROM facts_first f
            WHERE {table}.author_key = f.author_key
              AND {table}.first_seen IS DISTINCT FROM f.first_seen""")


def _rebuild_mentions(con: duckdb.DuckDBPyConnection, full: bool) -> None:
    """Rewrite the mention facts of the fresh items, and the story copies of the fresh items
    and of the items whose story gained or lost its second item."""
    if full:
        con.execute("DELETE FROM mention_facts")
        con.execute(f"INSERT INTO mention_facts {_MENTION_FACTS} ORDER BY m.published_at")
        con.execute("DELETE FROM story_copies")
        con.execute(f"INSERT INTO story_copies {_STORY_COPIES.format(within='')} "
                    "ORDER BY published_at")
        return
    con.execute("DELETE FROM mention_facts WHERE item_id IN (SELECT item_id FROM facts_fresh)")
    lo, hi = con.execute("SELECT min(published_at), max(published_at) FROM facts_fresh"
                         ).fetchone()
    con.execute(f"""
        INSERT INTO mention_facts {_MENTION_FACTS}
        WHERE m.published_at BETWEEN ? AND ? AND f.published_at BETWEEN ? AND ?
          AND m.item_id IN (SELECT item_id FROM facts_fresh)
        ORDER BY m.published_at
    """, [lo, hi, lo, hi])
    con.execute("CREATE OR REPLACE TEMP TABLE facts_copied AS SELECT item_id FROM facts_fresh "
                "UNION SELECT item_id FROM facts_multi")
    _replace_copies(con)


def rebuild_author_days(con: duckdb.DuckDBPyConnection, everyone: bool = False) -> None:
    """Recompute ``author_days``, ``author_day_counts`` and ``author_months`` inside the
    caller's transaction: for every author, or for those in temp table ``facts_since``
    (``author_key``, ``since_day``) from their ``since_day`` on.

    Only rows whose values changed are deleted and written again, so an author's past days
    keep their place when they post again; the counts change by what was removed and added.
    Both tables are ordered by scope, then day: a read of one scope over a period touches
    only its row groups.
    """
    if everyone:
        every_row = _AUTHOR_DAYS.format(since_join="", context="", latest_k=_LATEST_K)
        con.execute("DELETE FROM author_days")
        con.execute(f"INSERT INTO author_days {every_row} ORDER BY scope, day")
        con.execute("DELETE FROM author_day_counts")
        con.execute(f"INSERT INTO author_day_counts SELECT {_COUNT_KEY}, count(*), sum(posts) "
                    "FROM author_days GROUP BY ALL ORDER BY scope, day")
        con.execute("DELETE FROM author_months")
        con.execute(f"INSERT INTO author_months {_AUTHOR_MONTHS.format(touched='')}")
        return
    since = _AUTHOR_DAYS.format(since_join=_SINCE_JOIN, context=_CONTEXT, latest_k=_LATEST_K)
    con.execute(f"CREATE OR REPLACE TEMP TABLE facts_days AS {since}")
    stored = """(SELECT a.* FROM author_days a JOIN facts_since s
                 ON s.author_key = a.author_key AND a.day >= s.since_day)"""
    con.execute(f"CREATE OR REPLACE TEMP TABLE facts_days_gone AS "
                f"SELECT * FROM {stored} EXCEPT SELECT * FROM facts_days")
    con.execute(f"CREATE OR REPLACE TEMP TABLE facts_days_new AS "
                f"SELECT * FROM facts_days EXCEPT SELECT * FROM {stored}")
    con.execute("""
        DELETE FROM author_days USING facts_days_gone g
        WHERE author_days.scope = g.scope AND author_days.author_key = g.author_key
          AND author_days.day = g.day""")
    con.execute("INSERT INTO author_days SELECT * FROM facts_days_new ORDER BY scope, day")
    _count_changes(con)
    touched = "WHERE author_key IN (SELECT author_key FROM facts_since)"
    con.execute(f"DELETE FROM author_months {touched}")
    con.execute(f"INSERT INTO author_months {_AUTHOR_MONTHS.format(touched=touched)}")


def _count_changes(con: duckdb.DuckDBPyConnection) -> None:
    """Apply the author-day rows removed and added (temp tables) to ``author_day_counts``."""
    same = " AND ".join(f"author_day_counts.{column} IS NOT DISTINCT FROM d.{column}"
                        for column in _COUNT_COLUMNS)
    key = ", ".join(f"d.{column}" for column in _COUNT_COLUMNS)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE facts_delta AS
        SELECT {_COUNT_KEY}, sum(n) AS authors, sum(n * posts) AS posts FROM (
            SELECT *, -1 AS n FROM facts_days_gone UNION ALL
            SELECT *, 1 AS n FROM facts_days_new)
        GROUP BY ALL""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE facts_counts AS
        SELECT {key}, d.authors + coalesce(author_day_counts.authors, 0) AS authors,
               d.posts + coalesce(author_day_counts.posts, 0) AS posts
        FROM facts_delta d LEFT JOIN author_day_counts ON {same}""")
    con.execute(f"DELETE FROM author_day_counts USING facts_delta d WHERE {same}")
    con.execute("INSERT INTO author_day_counts SELECT * FROM facts_counts WHERE authors <> 0 "
                "ORDER BY scope, day")


def replace_mentions(con: duckdb.DuckDBPyConnection, lo: datetime, hi: datetime) -> None:
    """Follow a re-match of the mentions published in [lo, hi).

    Called by :func:`store.rematch.rematch` in its step's transaction, once the new mentions
    are stored: the range's facts are rewritten from ``mentions`` and ``item_facts`` (which
    re-matching cannot change), every brand's (an item's first brand may have changed), and
    the author-day rows of the authors who posted in the range are recomputed. Items not in
    ``item_facts`` yet are left to the next refresh.
    """
    if not built(con):
        return
    con.execute("DELETE FROM mention_facts WHERE published_at >= ? AND published_at < ?",
                [lo, hi])
    con.execute(f"INSERT INTO mention_facts {_MENTION_FACTS} WHERE {_WITHIN} "
                "ORDER BY m.published_at", [lo, hi, lo, hi])
    _replace_copies(con, lo, hi)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE facts_since AS
        SELECT DISTINCT author_key, CAST(? AS DATE) AS since_day FROM item_facts
        WHERE published_at >= ? AND published_at < ? AND author_key IS NOT NULL""",
                [lo, lo, hi])
    try:
        rebuild_author_days(con)
    finally:
        for table in _TEMP:
            con.execute(f"DROP TABLE IF EXISTS {table}")


def _replace_copies(con: duckdb.DuckDBPyConnection, lo: datetime | None = None,
                    hi: datetime | None = None) -> None:
    """Rewrite the story copies of the items in temp table ``facts_copied`` (of the mentions
    published in [lo, hi) when given), and link again every story either side touched."""
    if lo is None:
        rows, params = "item_id IN (SELECT item_id FROM facts_copied)", []
        select = _STORY_COPIES.format(within="AND m.item_id IN (SELECT item_id FROM facts_copied)")
    else:
        rows, params = "published_at >= ? AND published_at < ?", [lo, hi]
        select = _STORY_COPIES.format(within=f"AND {_WITHIN}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE facts_stories AS "
                f"SELECT DISTINCT story_key FROM story_copies WHERE {rows}", params)
    con.execute(f"DELETE FROM story_copies WHERE {rows}", params)
    con.execute(f"INSERT INTO story_copies {select} ORDER BY published_at", params * 2)
    con.execute(f"INSERT INTO facts_stories SELECT DISTINCT story_key FROM story_copies "
                f"WHERE {rows}", params)
    _link_copies(con)


def _link_copies(con: duckdb.DuckDBPyConnection) -> None:
    """Set the previous-copy columns of the stories in temp table ``facts_stories``."""
    changed = " OR ".join(f"story_copies.{c} IS DISTINCT FROM l.{c}" for c, _ in _PREVIOUS)
    assigned = ", ".join(f"{c} = l.{c}" for c, _ in _PREVIOUS)
    con.execute(f"""
        UPDATE story_copies SET {assigned}
        FROM (SELECT item_id, brand, {_LAGS} FROM story_copies
              WHERE story_key IN (SELECT story_key FROM facts_stories)) l
        WHERE story_copies.item_id = l.item_id AND story_copies.brand = l.brand
          AND ({changed})""")


def correct_labels(con: duckdb.DuckDBPyConnection, corrections: pa.Table) -> None:
    """Copy people's sentiment corrections (columns item_id, brand, label) into
    ``mention_facts`` and ``story_copies``, in the caller's transaction
    (:func:`store.edits.apply_corrections`).
    """
    if not built(con):
        return
    con.register("facts_corrections", corrections)
    try:
        for table in ("mention_facts", "story_copies"):
            con.execute(f"""
                UPDATE {table} SET sentiment_label = c.label FROM facts_corrections c
                WHERE {table}.item_id = c.item_id AND {table}.brand = c.brand
                  AND {table}.sentiment_label IS DISTINCT FROM c.label""")
        con.execute("""
            CREATE OR REPLACE TEMP TABLE facts_stories AS SELECT DISTINCT story_key
            FROM story_copies WHERE item_id IN (SELECT item_id FROM facts_corrections)""")
        _link_copies(con)
    finally:
        con.execute("DROP TABLE IF EXISTS facts_stories")
        con.unregister("facts_corrections")
