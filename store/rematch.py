"""Re-match stored items against brand queries: whole-history rewrite, and a read-only preview."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pyarrow as pa

from analysis.query import BrandMatcher, Query
from analysis.sentiment_model import LinearModel, score_batch
from analysis.sentiment_targets import brand_verdicts
from analysis.text import Doc
from store import facts
from store.connection import reading, writing
from store.transaction import transaction
from store.writes import _MENTION_NAMES, MENTION_SCHEMA, _table, refresh_rollups

# The columns re-matching needs, in the order :func:`mention_rows` reads them.
_ITEM_SELECT = "item_id, title, text, lang, published_at, source, kind"
ITEM_SCORE_SCHEMA = pa.schema([("item_id", pa.string()), ("sentiment", pa.float64()),
                               ("label", pa.string())])
# About this many items are matched between two short write connections (whole days at a time).
BATCH_ITEMS = 20_000
PREVIEW_ITEMS = 20_000
EXAMPLES = 5
SNIPPET = 90  # characters shown either side of the matched term in an example


@dataclass
class RematchResult:
    """What a re-match changed: mentions added and removed per brand, items read."""

    items: int = 0
    added: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """One line per brand: ``Name: +12 / -3 mentions``, or a line saying nothing changed."""
        names = sorted(set(self.added) | set(self.removed))
        lines = [f"{n}: +{self.added.get(n, 0):,} / -{self.removed.get(n, 0):,} mentions"
                 for n in names if self.added.get(n) or self.removed.get(n)]
        return "\n".join(lines) or "no mention changed"


@dataclass
class Preview:
    """What a new query would change for one brand over the most recent stored items.

    ``items`` items published from ``since`` to ``until`` were re-matched (the most recent
    ``PREVIEW_ITEMS`` at most); ``before``/``after`` count the brand's mentions among them with
    the stored and the proposed query; ``added``/``removed`` hold a few examples of each
    (columns published_at, source, url, snippet).
    """

    items: int
    since: datetime | None
    until: datetime | None
    before: int
    after: int
    gained: int
    lost: int
    added: list[dict]
    removed: list[dict]


def full_text(title: str | None, text: str | None) -> str:
    """The text an item is matched on: its title and its text, as at collection time."""
    return f"{title}\n{text or ''}" if title else (text or "")


def mention_rows(items: Iterable[Sequence], queries: Mapping[str, Query],
                 models: dict[str, LinearModel] | None = None) -> list[tuple]:
    """Mention rows (in ``MENTION_SCHEMA`` order) for item rows read with ``_ITEM_SELECT``.

    Each brand whose query matches gets its sentiment exactly as the collectors' pipeline
    gives it at ingest (``models``: the watch's own sentiment models, if any).
    """
    return analysed(items, queries, models)[0]


def analysed(items: Iterable[Sequence], queries: Mapping[str, Query],
             models: dict[str, LinearModel] | None = None,
             own: set[str] = frozenset()) -> tuple[list[tuple], list[tuple]]:
    """Mention rows and ``(item_id, sentiment, sentiment_label)`` rows for stored items.

    Items whose id is in ``own`` (a brand's own posts) are scored but give no mention: they
    are the brand's voice, never what others say about it (collectors/pipeline.py).
    """
    items = list(items)
    texts = [full_text(title, text) for _, title, text, *_ in items]
    langs = [row[3] for row in items]
    verdicts = score_batch(texts, langs, models)
    named = brand_verdicts(texts, langs, verdicts, BrandMatcher(dict(queries)), queries, models)
    rows: list[tuple] = []
    for (item_id, _, _, lang, published, source, kind), brands in zip(items, named,
                                                                       strict=True):
        if item_id not in own:
            rows.extend((item_id, brand, score, name, published, source, kind, lang)
                        for brand, score, name in brands)
    scores = [(row[0], score, name) for row, (score, name) in zip(items, verdicts, strict=True)]
    return rows, scores


def history_span(db: Path | str) -> tuple[date | None, date | None, int]:
    """First and last day items were published, and how many items there are to go over."""
    with reading(db) as con:
        first, last, count = con.execute(
            "SELECT min(published_at), max(published_at), count(*) FROM items").fetchone()
    return (first.date() if first else None, last.date() if last else None, int(count))


def rematch(db: Path | str, queries: Mapping[str, Query], only: Sequence[str] | None = None,
            progress: Callable[[int, int], None] | None = None,
            batch_items: int = BATCH_ITEMS,
            models: dict[str, LinearModel] | None = None) -> RematchResult:
    """Re-match every stored item against ``queries`` and rewrite the mentions they give.

    ``queries`` maps each brand to its compiled query. With ``only``, the mentions of those
    brands are rewritten and the others left alone; without it, every mention is rewritten
    and the mentions of brands no longer in ``queries`` are removed. Items are read in time
    order, whole days at a time (about ``batch_items`` per step), each step in its own short
    write transaction that also refreshes that step's daily rollup, so readers are never
    locked out for long and an interrupted run leaves consistent days behind (running it
    again finishes the job: re-matching is idempotent). ``progress(done, total)`` is called
    after each step. Items' own sentiment is scored again too, with ``models`` (the watch's
    own sentiment models, if any) or the shipped ones, so a new model reaches all history.
    """
    chosen = {n: q for n, q in queries.items() if only is None or n in only}
    first, last, total = history_span(db)
    result = RematchResult()
    if first is None or last is None:
        return result
    days_total = (last - first).days + 1
    step = max(1, round(days_total * batch_items / max(total, 1)))
    day = first
    while day <= last:
        lo = datetime.combine(day, datetime.min.time())
        hi = lo + timedelta(days=step)
        with writing(db) as con:
            read = con.execute(f"SELECT {_ITEM_SELECT}, own_brand IS NOT NULL FROM items "
                               "WHERE published_at >= ? AND published_at < ?",
                               [lo, hi]).fetchall()
        items = [row[:-1] for row in read]
        # A brand's own posts get their sentiment scored again but are never matched.
        rows, scores = analysed(items, chosen, models, {row[0] for row in read if row[-1]})
        with writing(db) as con:
            _replace(con, lo, hi, None if only is None else list(chosen), rows, result, scores)
        result.items += len(items)
        if progress:
            progress(result.items, total)
        # Keep each step near batch_items even where the volume changes (a spike, a decline).
        if len(items) > 2 * batch_items and step > 1:
            step = max(1, step // 2)
        elif len(items) < batch_items // 2:
            step = min(step * 2, 366)
        day = hi.date()
    return result


def _replace(con, lo: datetime, hi: datetime, brands: list[str] | None, rows: list[tuple],
             result: RematchResult, scores: list[tuple] = ()) -> None:
    """Swap the mentions of ``brands`` (all when None) published in [lo, hi) for ``rows``.

    ``scores`` (``item_id, sentiment, sentiment_label``) update the items' own sentiment.
    """
    brand_sql = f" AND brand IN ({', '.join('?' for _ in brands)})" if brands else ""
    if brands is not None and not brands:
        return
    params = [lo, hi, *(brands or [])]
    with transaction(con):
        old = set(con.execute(f"SELECT item_id, brand FROM mentions WHERE published_at >= ? AND "
                              f"published_at < ?{brand_sql}", params).fetchall())
        new = {(r[0], r[1]) for r in rows}
        for _, brand in new - old:
            result.added[brand] = result.added.get(brand, 0) + 1
        for _, brand in old - new:
            result.removed[brand] = result.removed.get(brand, 0) + 1
        con.execute(f"DELETE FROM mentions WHERE published_at >= ? AND published_at < ?"
                    f"{brand_sql}", params)
        if rows:
            con.register("rematch_rows", _table(rows, MENTION_SCHEMA))
            con.execute(f"INSERT INTO mentions ({_MENTION_NAMES}) SELECT {_MENTION_NAMES} "
                        "FROM rematch_rows ORDER BY published_at")
            con.unregister("rematch_rows")
        if scores:
            con.register("rematch_scores", _table(scores, ITEM_SCORE_SCHEMA))
            con.execute("UPDATE items SET sentiment = s.sentiment, sentiment_label = s.label "
                        "FROM rematch_scores s WHERE items.item_id = s.item_id AND "
                        "(items.sentiment_label IS DISTINCT FROM s.label OR "
                        "items.sentiment IS DISTINCT FROM s.sentiment)")
            con.unregister("rematch_scores")
        days, day = [], lo.date()
        while day < hi.date():
            days.append(day)
            day += timedelta(days=1)
        refresh_rollups(con, days)
        facts.replace_mentions(con, lo, hi)


def preview(db: Path | str, brand: str, proposed: Query, current: Query | None = None,
            max_items: int = PREVIEW_ITEMS, examples: int = EXAMPLES) -> Preview:
    """Say what ``proposed`` would change for ``brand`` over the most recent stored items.

    Reads only (safe in the app's process): the newest ``max_items`` items are re-matched
    with ``proposed`` and compared with the brand's stored mentions of those items. Examples
    show the matched words in context, from ``proposed`` for gains and from ``current`` (the
    brand's present query, when given) for losses; they are plain text, to be shown as such.
    """
    with reading(db) as con:
        row = con.execute("SELECT published_at FROM items ORDER BY published_at DESC "
                          "LIMIT 1 OFFSET ?", [max(max_items - 1, 0)]).fetchone()
        since = row[0] if row else con.execute("SELECT min(published_at) FROM items"
                                                ).fetchone()[0]
        if since is None:
            return Preview(0, None, None, 0, 0, 0, 0, [], [])
        items = con.execute(f"SELECT {_ITEM_SELECT}, url FROM items WHERE published_at >= ? "
                            "AND own_brand IS NULL ORDER BY published_at DESC LIMIT ?",
                            [since, max_items]).fetchall()
        stored = {r[0] for r in con.execute(
            "SELECT item_id FROM mentions WHERE brand = ? AND published_at >= ?",
            [brand, since]).fetchall()}
    by_id = {r[0]: r for r in items}
    stored &= set(by_id)
    matched = set()
    for item in items:
        if proposed.matches_doc(Doc(full_text(item[1], item[2]))):
            matched.add(item[0])
    gained = [by_id[i] for i in sorted(matched - stored, key=lambda i: by_id[i][4], reverse=True)]
    lost = [by_id[i] for i in sorted(stored - matched, key=lambda i: by_id[i][4], reverse=True)]
    return Preview(
        items=len(items), since=min((r[4] for r in items), default=None),
        until=max((r[4] for r in items), default=None),
        before=len(stored), after=len(matched), gained=len(gained), lost=len(lost),
        added=[_example(r, proposed) for r in gained[:examples]],
        removed=[_example(r, current) for r in lost[:examples]],
    )


def _example(row: Sequence, query: Query | None) -> dict:
    text = full_text(row[1], row[2])
    spans = query.spans(text) if query is not None else []
    if spans:
        start, end = spans[0]
        lo, hi = max(0, start - SNIPPET), min(len(text), end + SNIPPET)
    else:
        lo, hi = 0, min(len(text), 2 * SNIPPET)
    snippet = " ".join(text[lo:hi].split())
    snippet = ("…" if lo > 0 else "") + snippet + ("…" if hi < len(text) else "")
    return {"published_at": row[4], "source": row[5], "snippet": snippet, "url": row[7]}
