"""The items behind the numbers: filtered, searched, sorted lists paged by keyset, with edits."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pandas as pd

from analysis.text import search_pattern
from store import edits
from store.connection import reading
from store.filters import Filters
from store.meta import MODELS_IN_USE, RETRAINED_KEY, get_meta

SORTS = {"newest": "Newest first", "oldest": "Oldest first", "engaged": "Most engaged",
         "reach": "Largest audience"}
PAGE_SIZES = (25, 50, 100)
ANSWERED = {"answered": "Answered", "unanswered": "Not answered"}
# A search longer than this is not a phrase someone looks for; it is cut, never refused.
MAX_SEARCH_CHARS = 200
MAX_EXPORT_ROWS = 50_000

_ENGAGEMENT = "coalesce(i.score, 0) + coalesce(i.comments, 0)"
_REACH = "coalesce(i.followers, -1)"
# Sort key columns and direction per sort; the last two make the order total (keyset-safe).
_KEYS = {
    "newest": (["i.published_at", "i.item_id"], "DESC"),
    "oldest": (["i.published_at", "i.item_id"], "ASC"),
    "engaged": ([_ENGAGEMENT, "i.published_at", "i.item_id"], "DESC"),
    # The author's audience where the service gives it (items.followers); unknown ones last.
    "reach": ([_REACH, "i.published_at", "i.item_id"], "DESC"),
}
ITEM_COLUMNS = ["item_id", "published_at", "source", "kind", "author", "title", "text", "url",
                "lang", "score", "comments", "engagement", "followers"]


@dataclass(frozen=True)
class MentionQuery:
    """What the Mentions page asks for beyond the global filters.

    ``search`` is a case- and accent-insensitive substring of the title or text;
    ``sentiments`` keeps items with a mention of a filtered brand having one of these labels
    (as corrected by people); ``tags`` keeps items carrying any of them; ``answered`` is
    ``"answered"``, ``"unanswered"`` or None for both.
    """

    search: str = ""
    sentiments: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    answered: str | None = None
    sort: str = "newest"
    size: int = 25


@dataclass(frozen=True)
class Page:
    """One page of items: ``rows`` (a DataFrame of :data:`ITEM_COLUMNS` plus ``brands``: a
    list of ``{"brand", "label", "corrected", "analysed"}`` per item), and the keyset cursor
    of its last row (None when nothing follows)."""

    rows: pd.DataFrame
    next_cursor: tuple | None


def _normalise_search(text: str) -> str:
    return " ".join(str(text).split())[:MAX_SEARCH_CHARS]


def _select(filters: Filters, query: MentionQuery, snapshot: edits.Snapshot
            ) -> tuple[str, list, list[str]]:
    """The FROM/WHERE part shared by the page, the count and the export, with parameters.

    Returns ``(sql, params, tables)``: the tables name the Arrow tables to register.
    """
    if query.sort not in _KEYS:
        raise ValueError(f"sort must be one of {', '.join(_KEYS)}")
    where, params = filters.where("m.published_at", brand_column="m.brand", timestamp=True)
    # kind/source/lang stay bare in that clause: only mentions has them in the subquery.
    hit_where = ""
    hit_params: list = []
    labels = [s for s in query.sentiments if s in edits.LABELS]
    mentioned = f"SELECT m.item_id FROM mentions m {where}"
    if labels:
        hit_where = f"WHERE label IN ({', '.join('?' for _ in labels)})"
        hit_params = labels
        mentioned = f"""SELECT item_id FROM (
                SELECT m.item_id, coalesce(c.label, m.sentiment_label) AS label
                FROM mentions m LEFT JOIN edit_corrections c USING (item_id, brand)
                {where}
            ) {hit_where}"""
    sql = f"""
        FROM items i
        SEMI JOIN ({mentioned}) hit USING (item_id)
    """
    # The same time range on items lets DuckDB skip its row groups too.
    window, window_params = _item_window(filters)
    clauses = [window[len("WHERE "):]] if window else []
    all_params = [*params, *hit_params, *window_params]
    needle = _normalise_search(query.search)
    if needle:
        # A pattern that folds accents itself scans ~10x faster than folding every text;
        # everything typed is escaped in it, so % _ ( [ match themselves.
        clauses.append("regexp_matches(coalesce(i.title, '') || ' ' || coalesce(i.text, ''), ?)")
        all_params.append(search_pattern(needle))
    tables = ["edit_corrections"]
    if query.tags:
        clauses.append(f"i.item_id IN (SELECT item_id FROM edit_tags WHERE tag IN "
                       f"({', '.join('?' for _ in query.tags)}))")
        all_params.extend(query.tags)
        tables.append("edit_tags")
    if query.answered in ANSWERED:
        negate = "NOT " if query.answered == "unanswered" else ""
        clauses.append(f"i.item_id {negate}IN (SELECT item_id FROM edit_answered)")
        tables.append("edit_answered")
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    return sql, all_params, tables


def _with_tones(filters: Filters, query: MentionQuery) -> MentionQuery:
    """The query with the global tone filter as its own (corrected labels count), if set."""
    return replace(query, sentiments=filters.sentiments) if filters.sentiments else query


def _item_window(filters: Filters) -> tuple[str, list]:
    """The WHERE clause (and parameters) keeping the items ``i`` of the filtered days."""
    return Filters(start=filters.start, end=filters.end).where(
        "i.published_at", brand_column=None, timestamp=True)


def _register(con: duckdb.DuckDBPyConnection, snapshot: edits.Snapshot) -> None:
    con.register("edit_corrections", snapshot.corrections)
    con.register("edit_tags", snapshot.tags)
    con.register("edit_answered", snapshot.answered)


def page(db: Path | str, filters: Filters, query: MentionQuery, after: tuple | None = None
         ) -> Page:
    """One page of the items behind the filtered mentions, ``query.size`` rows long.

    ``after`` is the cursor of the previous page's last row (:attr:`Page.next_cursor`); pages
    are found by keyset on the sort key, so a deep page costs what the first costs.
    """
    size = query.size if query.size in PAGE_SIZES else PAGE_SIZES[0]
    query = _with_tones(filters, query)
    snapshot = edits.snapshot(db)
    if not _normalise_search(query.search) and query.sort in ("newest", "oldest"):
        return _page_by_time(db, filters, query, after, size, snapshot)
    base, params, _ = _select(filters, query, snapshot)
    keys, direction = _KEYS[query.sort]
    if after is not None:
        if len(after) != len(keys):
            raise ValueError("the cursor does not belong to this sort")
        op = "<" if direction == "DESC" else ">"
        joiner = " AND " if " WHERE " in base else " WHERE "
        base += f"{joiner}({', '.join(keys)}) {op} ({', '.join('?' for _ in keys)})"
        params = [*params, *after]
    order = ", ".join(f"{k} {direction}" for k in keys)
    with reading(db) as con:
        _register(con, snapshot)
        found = None
        if not _normalise_search(query.search) and query.sort == "engaged":
            found = _most_engaged(con, filters, query, after, size + 1)
        if found is None:
            # Sort keys first, whole rows after: a top-N that carries every text along is 3x
            # slower over millions of items.
            found = con.execute(f"""
                SELECT i.item_id, i.published_at, {keys[0]} AS engagement
                {base}
                ORDER BY {order}
                LIMIT {size + 1}
            """, params).fetchall()
        more = len(found) > size
        found = found[:size]
        rows = _rows_of(con, [(item, at) for item, at, _ in found])
    cursor = None
    if more and found:
        item, at, engagement = found[-1]
        cursor = (engagement, at, item) if len(keys) == 3 else (at, item)
    return Page(rows=rows, next_cursor=cursor)


# How many of the most engaged items of the period are checked against the filters first.
_CANDIDATES = 20


def _most_engaged(con: duckdb.DuckDBPyConnection, filters: Filters, query: MentionQuery,
                  after: tuple | None, want: int) -> list[tuple] | None:
    """The first ``want`` items by engagement, found among the most engaged items of the
    period before any join: most of them name a filtered brand, so the join with mentions
    stays small (0.3 s instead of 6 s over 10 M items). None when too few of them pass the
    filters to be sure of the page; the caller then runs the full query."""
    keys, _ = _KEYS["engaged"]
    window, params = _item_window(filters)
    clauses = [window[len("WHERE "):]] if window else []
    if after is not None:
        clauses.append(f"({', '.join(keys)}) < ({', '.join('?' for _ in keys)})")
        params.extend(after)
    source, mention_clauses, mention_params = _mention_clauses(filters, query)
    limit = int(want) * _CANDIDATES
    rows = con.execute(f"""
        WITH candidates AS MATERIALIZED (  -- read once, not once per use below
            SELECT i.item_id, i.published_at, {_ENGAGEMENT} AS engagement
            FROM items i {"WHERE " + " AND ".join(clauses) if clauses else ""}
            ORDER BY {", ".join(f"{k} DESC" for k in keys)}
            LIMIT {limit}
        )
        SELECT item_id, published_at, engagement,
               item_id IN (SELECT m.item_id FROM {source}
                           WHERE {" AND ".join(mention_clauses + ["m.item_id IN "
                                                "(SELECT item_id FROM candidates)"])}) AS passes
        FROM candidates
        ORDER BY engagement DESC, published_at DESC, item_id DESC
    """, [*params, *mention_params]).fetchall()
    passed = [r[:3] for r in rows if r[3]][:want]
    # Enough passed, or every item of the period was a candidate: the page is right.
    if len(passed) == want or len(rows) < limit:
        return passed
    return None


def _rows_of(con: duckdb.DuckDBPyConnection, found: list[tuple]) -> pd.DataFrame:
    """The items of ``found`` (``(item_id, published_at)`` pairs) in that order, with their
    brands; read by id within their time range, so only those row groups are opened."""
    ids = [r[0] for r in found]
    if not ids:
        rows = pd.DataFrame(columns=ITEM_COLUMNS)
        rows["brands"] = []
        return rows
    times = _distinct_times(r[1] for r in found)
    rows = con.execute(f"""
        SELECT i.item_id, i.published_at, i.source, i.kind, i.author, i.title, i.text,
               i.url, i.lang, i.score, i.comments, {_ENGAGEMENT} AS engagement,
               i.followers
        FROM items i
        WHERE i.published_at IN ({', '.join('?' for _ in times)})
          AND i.item_id IN ({', '.join('?' for _ in ids)})
    """, [*times, *ids]).df()
    rows = rows.set_index("item_id").loc[ids].reset_index()
    rows["brands"] = _brands_of(con, ids, rows)
    return rows


def _mention_clauses(filters: Filters, query: MentionQuery) -> tuple[str, list[str], list]:
    """``(from, clauses, params)``: the FROM part over ``mentions m`` and WHERE clauses for
    every filter but the text search. The corrections are joined (as ``c``) only when a
    sentiment filter needs them: the join alone costs 0.7 s over 10 M mentions."""
    where, params = filters.where("m.published_at", brand_column="m.brand", timestamp=True)
    clauses = [where[len("WHERE "):]] if where else []
    labels = [s for s in query.sentiments if s in edits.LABELS]
    source = "mentions m"
    if labels:
        source = "mentions m LEFT JOIN edit_corrections c USING (item_id, brand)"
        clauses.append(f"coalesce(c.label, m.sentiment_label) IN "
                       f"({', '.join('?' for _ in labels)})")
        params.extend(labels)
    if query.tags:
        clauses.append(f"m.item_id IN (SELECT item_id FROM edit_tags WHERE tag IN "
                       f"({', '.join('?' for _ in query.tags)}))")
        params.extend(query.tags)
    if query.answered in ANSWERED:
        negate = "NOT " if query.answered == "unanswered" else ""
        clauses.append(f"m.item_id {negate}IN (SELECT item_id FROM edit_answered)")
    return source, clauses, params


def _page_by_time(db: Path | str, filters: Filters, query: MentionQuery, after: tuple | None,
                  size: int, snapshot: edits.Snapshot) -> Page:
    """A page in time order without a text search: found in ``mentions`` alone (it holds the
    time and every filtered dimension), then only its rows are read from ``items``."""
    source, clauses, params = _mention_clauses(filters, query)
    desc = query.sort == "newest"
    if after is not None:
        if len(after) != 2:
            raise ValueError("the cursor does not belong to this sort")
        # Bounding the time lets DuckDB skip the row groups already paged through.
        clauses.append(f"m.published_at {'<=' if desc else '>='} ?")
        params.append(after[0])
        op = "<" if desc else ">"
        clauses.append(f"(m.published_at {op} ? OR (m.published_at = ? AND m.item_id {op} ?))")
        params.extend([after[0], after[0], after[1]])
    direction = "DESC" if desc else "ASC"
    order = f"ORDER BY published_at {direction}, item_id {direction}"
    with reading(db) as con:
        _register(con, snapshot)
        # An item has at most one mention per brand, so the first rows for (size + 1) × brands
        # hold the first size + 1 items: a top-N over mention rows, instead of grouping every
        # mention of the period by item first (1.3 s at 10 M mentions, against 20 ms).
        per_item = _brands_per_item(con, filters)
        found = con.execute(f"""
            SELECT item_id, any_value(published_at) AS published_at FROM (
                SELECT m.item_id, m.published_at
                FROM {source}
                {"WHERE " + " AND ".join(clauses) if clauses else ""}
                {order}
                LIMIT {(size + 1) * per_item}
            )
            GROUP BY item_id
            {order}
            LIMIT {size + 1}
        """, params).fetchall()
        more = len(found) > size
        found = found[:size]
        rows = _rows_of(con, found)
    cursor = (found[-1][1], found[-1][0]) if more and found else None
    return Page(rows=rows, next_cursor=cursor)


def _brands_per_item(con: duckdb.DuckDBPyConnection, filters: Filters) -> int:
    """The most mentions one item can have under ``filters``: one per brand counted."""
    # The brands of the watch, or of the rollup if a brand left the watch but not the data.
    known = con.execute("SELECT greatest((SELECT count(*) FROM brands), "
                        "(SELECT count(DISTINCT brand) FROM daily_mentions))").fetchone()[0]
    return max(1, min(known, len(filters.brands)) if filters.brands else known)


def _distinct_times(values) -> list:
    """The distinct timestamps of a page's rows, as datetimes. Matching them with IN lets
    DuckDB skip every row group whose time range holds none of them, where one range from the
    first to the last would read the whole table for a page sorted by engagement."""
    return sorted({v.to_pydatetime() if hasattr(v, "to_pydatetime") else v for v in values})


def _brands_of(con: duckdb.DuckDBPyConnection, ids: list[str], rows: pd.DataFrame) -> list:
    if not ids:
        return []
    times = _distinct_times(rows["published_at"])
    found = con.execute(f"""
        SELECT m.item_id, m.brand, coalesce(c.label, m.sentiment_label) AS label,
               c.label IS NOT NULL AS corrected,
               coalesce(c.analysed_label, m.sentiment_label) AS analysed
        FROM mentions m LEFT JOIN edit_corrections c USING (item_id, brand)
        LEFT JOIN brands b ON b.name = m.brand
        WHERE m.published_at IN ({', '.join('?' for _ in times)})
          AND m.item_id IN ({', '.join('?' for _ in ids)})
        ORDER BY coalesce(b.position, 1e9), m.brand
    """, [*times, *ids]).fetchall()
    per: dict[str, list[dict]] = {i: [] for i in ids}
    for item_id, brand, label, corrected, analysed in found:
        per[item_id].append({"brand": brand, "label": label, "corrected": bool(corrected),
                             "analysed": analysed})
    return [per[i] for i in ids]


def count(db: Path | str, filters: Filters, query: MentionQuery) -> int:
    """How many items the filters and the query select (all pages together)."""
    query = _with_tones(filters, query)
    if not (_normalise_search(query.search) or query.sentiments or query.tags
            or query.answered in ANSWERED):
        return _count_from_rollup(db, filters)
    snapshot = edits.snapshot(db)
    if _normalise_search(query.search):
        base, params, _ = _select(filters, query, snapshot)
        sql = f"SELECT count(*) {base}"
    else:
        # Without a search every filter is a column of mentions: no need to read items.
        source, clauses, params = _mention_clauses(filters, query)
        sql = f"""SELECT count(DISTINCT m.item_id) FROM {source}
                  {"WHERE " + " AND ".join(clauses) if clauses else ""}"""
    with reading(db) as con:
        _register(con, snapshot)
        return int(con.execute(sql, params).fetchone()[0])


def _count_from_rollup(db: Path | str, filters: Filters) -> int:
    """The items of the global filters alone, summed from ``daily_items``: an item counts when
    one of the brands it names is chosen (each item is one row there, whatever its brands)."""
    where, params = replace(filters, brands=()).where("day", brand_column=None)
    if filters.brands:
        where = (where + " AND" if where else "WHERE") + " list_has_any(brands, ?)"
        params.append(list(filters.brands))
    with reading(db) as con:
        return int(con.execute(f"SELECT coalesce(sum(items), 0) FROM daily_items {where}",
                               params).fetchone()[0])


def export(db: Path | str, filters: Filters, query: MentionQuery,
           limit: int = MAX_EXPORT_ROWS) -> pd.DataFrame:
    """The selected items in the query's order as a flat table for CSV (at most ``limit``).

    Columns: published_at, brands (``Brand: label`` joined by ``; ``), source, kind, author,
    title, text, url, engagement, tags, answered.
    """
    query = _with_tones(filters, query)
    snapshot = edits.snapshot(db)
    base, params, _ = _select(filters, query, snapshot)
    keys, direction = _KEYS[query.sort]
    order = ", ".join(f"{k} {direction}" for k in keys)
    outer = ", ".join(f"p.{k} {direction}" for k in
                      (["sort_key"] if len(keys) == 3 else []) + ["published_at", "item_id"])
    with reading(db) as con:
        _register(con, snapshot)
        rows = con.execute(f"""
            WITH picked AS (
                SELECT i.item_id, i.published_at, i.source, i.kind, i.author, i.title, i.text,
                       i.url, {_ENGAGEMENT} AS engagement, {keys[0]} AS sort_key
                {base}
                ORDER BY {order}
                LIMIT {int(limit)}
            ),
            labels AS (
                SELECT m.item_id,
                       string_agg(m.brand || ': ' || coalesce(c.label, m.sentiment_label)
                                  || CASE WHEN c.label IS NULL THEN '' ELSE ' (corrected)' END,
                                  '; ' ORDER BY m.brand) AS brands
                FROM mentions m SEMI JOIN picked p USING (item_id)
                LEFT JOIN edit_corrections c USING (item_id, brand)
                GROUP BY m.item_id
            ),
            tagged AS (
                SELECT item_id, string_agg(tag, '; ' ORDER BY tag) AS tags
                FROM edit_tags GROUP BY item_id
            )
            SELECT p.published_at, l.brands, p.source, p.kind, p.author, p.title, p.text,
                   p.url, p.engagement, t.tags,
                   p.item_id IN (SELECT item_id FROM edit_answered) AS answered
            FROM picked p LEFT JOIN labels l USING (item_id) LEFT JOIN tagged t USING (item_id)
            ORDER BY {outer}
        """, params).df()
    return rows


@dataclass(frozen=True)
class SentimentModel:
    """The sentiment model that labelled one language's stored items."""

    lang: str  # "fr", or "en" for every other language
    precise: bool  # sentence embeddings added (``[collect] sentiment = "precise"``)
    corrections: int  # the watch's corrections it was adapted to; 0 when as shipped


@dataclass(frozen=True)
class SentimentStatus:
    """What labels the stored sentiment, and how many corrections it has not learnt yet."""

    models: tuple[SentimentModel, ...]  # empty until the collectors have labelled anything
    corrections: int  # made in the app, in all
    not_learnt: int  # made since the last retrain


def _notes(db: Path | str) -> tuple[str | None, str | None]:
    with reading(db) as con:
        try:
            return get_meta(con, MODELS_IN_USE), get_meta(con, RETRAINED_KEY)
        except duckdb.CatalogException:  # a file no collector has written to yet
            return None, None


def _models(described: str | None) -> tuple[SentimentModel, ...]:
    # A note that cannot be read counts as none: better nothing said than something wrong.
    try:
        return tuple(SentimentModel(str(lang), bool(model["precise"]), int(model["corrections"]))
                     for lang, model in sorted(json.loads(described or "{}").items()))
    except (ValueError, TypeError, KeyError, AttributeError):
        return ()


def sentiment_models(db: Path | str) -> tuple[SentimentModel, ...]:
    """The models the collectors last labelled the stored items with (for a report: on a lake
    pinned to a snapshot, those of that snapshot); empty when none is known."""
    return _models(_notes(db)[0])


def sentiment_status(db: Path | str) -> SentimentStatus:
    """The models the collectors last labelled the stored items with, and the corrections
    made since the last retrain."""
    described, learnt = _notes(db)
    total = edits.correction_stats(db).total
    seen = int(learnt) if learnt and learnt.isdigit() else 0
    return SentimentStatus(_models(described), total, max(total - seen, 0))
