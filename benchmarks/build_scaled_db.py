"""Build a benchmark database N times the size of an analysed one, by replicating its rows.

Generating and analysing 10 million demo items through ``collectors run`` takes well over an
hour on this machine (about 2,000–4,000 items/s, see README.md), while the page benchmarks
only need a database of that size with the same shape. This script copies a database the real
pipeline built (items, mentions, rollups and derived tables) ``--times`` times into a fresh
file: copy k gets ``~k`` appended to every id, author and story id, so the replicas are
distinct items from distinct people on the same days. Per-day rollups are multiplied rather
than repeated, so their row counts stay what a bigger watch of the same period would have.

Tables written by refreshers that are not replicated here (anything added to the schema after
this script) start empty: run ``bench_pages.py --refresh`` on the result to fill them.

Run: .venv/bin/python benchmarks/build_scaled_db.py --source /tmp/bench1m_r.duckdb \
         --times 10 --db /tmp/bench10m.duckdb
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from store.schema import migrate  # noqa: E402


def _suffixed(column: str) -> str:
    """SQL for ``column`` with the replica's suffix (copy 0 keeps the original value)."""
    return f"CASE WHEN k = 0 OR {column} IS NULL THEN {column} ELSE {column} || '~' || k END"


# Table -> the SELECT list over the source table ``s`` and the copy number ``k``. Row tables
# are replicated (one row per copy), rollups and per-source figures are multiplied.
REPLICATED = {
    "items": ", ".join([
        _suffixed("item_id"), "source", "kind", _suffixed("url"), "title", "text",
        _suffixed("author"), "published_at", "collected_at", "lang", "sentiment",
        "sentiment_label", "score", "comments", _suffixed("parent_id"), "content_hash",
        "own_brand", "followers", "rating"]),
    "mentions": ", ".join([_suffixed("item_id"), "brand", "sentiment", "sentiment_label",
                           "published_at", "source", "kind", "lang"]),
    "stories": ", ".join([_suffixed("item_id"), _suffixed("story_id"), "similarity",
                          "published_at", "content_hash"]),
    "story_signatures": ", ".join([_suffixed("item_id"), _suffixed("story_id"),
                                   "published_at", "signature"]),
    "story_bands": ", ".join(["key", _suffixed("item_id"), "published_at"]),
    "authors": ", ".join(["source", _suffixed("author"), "first_seen", "last_seen"]),
}
MULTIPLIED = {
    "daily_mentions": "day, brand, source, kind, lang, sentiment_label, mentions * {n}, "
                      "sentiment_sum * {n}",
    "daily_terms": "day, brand, lang, term, ngram, n * {n}",
    "terms_days": "day, items * {n}, last_collected, version",
    "alerts": "id, brand, source, kind, started_at, ended_at, peak * {n}, baseline * {n}, "
              "ratio, explanation, state, created_at",
    "sources": "name, kind, every_seconds, last_run_at, last_success, last_error, "
               "last_error_kind, consecutive_failures, items_total * {n}, last_items * {n}, "
               "state",
}
COPIED = ("runs", "brands", "meta", "topics", "topic_terms")
# The store keeps these in publication order, so date filters prune whole row groups.
ORDERED = {"items", "mentions", "stories", "story_signatures", "story_bands"}


def build(source: Path, target: Path, times: int) -> dict[str, int]:
    """Write ``target`` as ``times`` replicas of ``source``; return row counts per table."""
    if target.exists():
        raise SystemExit(f"{target} exists; remove it first")
    con = duckdb.connect(str(target))
    migrate(con)
    # ATTACH takes no bound parameter; the path is the operator's own, quoted for SQL.
    quoted = str(source).replace("'", "''")
    con.execute(f"ATTACH '{quoted}' AS src (READ_ONLY)")
    counts: dict[str, int] = {}
    for table, columns in REPLICATED.items():
        started = time.perf_counter()
        order = "ORDER BY published_at" if table in ORDERED else ""
        con.execute(f"INSERT INTO {table} SELECT {columns} FROM src.{table} s, "
                    f"(SELECT range AS k FROM range({times})) {order}")
        counts[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        print(f"{table}: {counts[table]:,} rows in {time.perf_counter() - started:.1f} s",
              flush=True)
    for table, columns in MULTIPLIED.items():
        con.execute(f"INSERT INTO {table} SELECT {columns.format(n=times)} FROM src.{table}")
        counts[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    for table in COPIED:
        con.execute(f"INSERT INTO {table} SELECT * FROM src.{table}")
        counts[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    con.execute("DETACH src")
    con.execute("CHECKPOINT")
    con.close()
    return counts


def main() -> None:
    """Parse the command line and build the scaled database."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="an analysed database")
    parser.add_argument("--times", type=int, default=10, help="how many copies (default 10)")
    parser.add_argument("--db", type=Path, required=True, help="the database to create")
    args = parser.parse_args()
    started = time.perf_counter()
    build(args.source, args.db, args.times)
    size = args.db.stat().st_size / 1e9
    print(f"built {args.db} ({size:.2f} GB) in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
