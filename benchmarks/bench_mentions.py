"""Time the Mentions view's reads at scale: first page, a deep page by keyset, a search, counts.

Builds (once, in --folder) a database of N items by cloning a demo watch's items across the
same six months (new ids, times shifted by minutes, stored in time order), adds 200 corrections
and tags in the edits sidecar, then times each read a few times and prints the median.

Run: .venv/bin/python benchmarks/bench_mentions.py [--items 1000000] [--folder /tmp/bench_m]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from conftest import collect, write_demo_watch  # noqa: E402

from store import edits, reading, writing  # noqa: E402
from store import mentions as M  # noqa: E402
from store.filters import Filters  # noqa: E402
from store.writes import refresh_rollups  # noqa: E402

SEED_ITEMS = 10_000


def build(folder: Path, items: int) -> Path:
    """Make (or reuse) a database of about ``items`` items cloned from a demo watch."""
    db = folder / f"mentions_{items}.duckdb"
    if db.exists():
        return db
    folder.mkdir(parents=True, exist_ok=True)
    seed = folder / "seed.duckdb"
    if not seed.exists():
        collect(write_demo_watch(folder, items=SEED_ITEMS), seed)
    copies = max(1, items // SEED_ITEMS)
    with writing(db) as con:
        con.execute(f"ATTACH '{seed}' AS seed (READ_ONLY)")
        con.execute("INSERT INTO brands SELECT * FROM seed.brands")
        con.execute("INSERT INTO meta SELECT * FROM seed.meta")
        con.execute("INSERT INTO sources SELECT * FROM seed.sources")
        clone = (f"FROM seed.{{t}} s, range({copies}) r(k) "
                 "ORDER BY s.published_at + to_minutes(r.k::BIGINT)")
        con.execute("INSERT INTO items SELECT CASE WHEN k = 0 THEN item_id ELSE md5(item_id || k) "
                    "END, source, kind, url, title, text, author, "
                    "published_at + to_minutes(k::BIGINT), collected_at, lang, sentiment, "
                    "sentiment_label, score, comments, parent_id, content_hash "
                    + clone.format(t="items"))
        con.execute("INSERT INTO mentions SELECT CASE WHEN k = 0 THEN item_id ELSE "
                    "md5(item_id || k) END, brand, sentiment, sentiment_label, "
                    "published_at + to_minutes(k::BIGINT), source, kind, lang "
                    + clone.format(t="mentions"))
        con.execute("DETACH seed")
        refresh_rollups(con)
    with reading(db) as con:
        picked = con.execute("SELECT item_id, brand FROM mentions USING SAMPLE 200 ROWS"
                             ).fetchall()
    for n, (item_id, brand) in enumerate(picked):
        edits.correct_sentiment(db, item_id, brand, edits.LABELS[n % 3])
        edits.add_tag(db, item_id, f"tag {n % 5}")
    return db


def timed(label: str, fn, repeat: int = 5) -> object:
    """Run ``fn`` ``repeat`` times and print the median in milliseconds."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    print(f"{label:<52} {statistics.median(times) * 1000:8.1f} ms")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/bench_mentions"))
    args = parser.parse_args()
    started = time.perf_counter()
    db = build(args.folder, args.items)
    with reading(db) as con:
        n, last = con.execute("SELECT count(*), max(published_at) FROM items").fetchone()
    print(f"database: {n:,} items ({time.perf_counter() - started:.0f} s to build or open)")
    end = last.date()
    month = Filters(start=end - timedelta(days=29), end=end)
    everything = Filters()
    newest = M.MentionQuery()
    timed("first page, last 30 days, newest first", lambda: M.page(db, month, newest))
    timed("first page, all dates, newest first", lambda: M.page(db, everything, newest))
    # Walk 40 pages deep by keyset, then time the next page from there.
    cursor = None
    for _ in range(40):
        cursor = M.page(db, everything, newest, cursor).next_cursor
    timed("page 41 by keyset, all dates", lambda: M.page(db, everything, newest, cursor))
    engaged = M.MentionQuery(sort="engaged")
    timed("first page, all dates, most engaged", lambda: M.page(db, everything, engaged))
    search = M.MentionQuery(search="réseau")
    timed("search 'réseau', last 30 days", lambda: M.page(db, month, search))
    timed("search 'réseau', all dates", lambda: M.page(db, everything, search))
    rare = M.MentionQuery(search="zzz-not-there")
    timed("search with no hit, all dates (scans all)", lambda: M.page(db, everything, rare))
    negative = M.MentionQuery(sentiments=("negative",))
    timed("negative only, one brand, all dates",
          lambda: M.page(db, Filters(brands=("Orbis",)), negative))
    timed("tag filter, all dates", lambda: M.page(db, everything, M.MentionQuery(tags=("tag 1",))))
    timed("count, last 30 days", lambda: M.count(db, month, newest))
    timed("count, all dates", lambda: M.count(db, everything, newest))
    with writing(db) as con:
        timed("apply_corrections (nothing to change)", lambda: edits.apply_corrections(con), 3)


if __name__ == "__main__":
    main()
