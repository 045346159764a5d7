"""Term rollup speed: refresher items/s (full and incremental) and key-term reads at scale.

Usage: python benchmarks/bench_terms.py SOURCE.duckdb [--copies 20] [--out /tmp/bench.duckdb]
SOURCE is a collected demo database (e.g. 50,000 demo items); its items and mentions are
copied ``copies`` times (new ids, same days) to reach the volume measured.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from store import Filters, writing  # noqa: E402
from store.terms import (  # noqa: E402
    emerging_terms,
    key_terms,
    refresh_terms,
    refresh_topics,  # noqa: E402
    topic_shares,
)


def main() -> None:
    """Build the scaled database, then time the refreshers and the reads."""
    parser = argparse.ArgumentParser()
    parser.add_argument("source")
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--out", default="/tmp/bench_terms.duckdb")
    args = parser.parse_args()
    out = Path(args.out)
    out.unlink(missing_ok=True)
    shutil.copy(args.source, out)
    with writing(out) as con:
        for table in ("items", "mentions"):
            con.execute(f"CREATE TEMP TABLE base_{table} AS SELECT * FROM {table}")
            con.execute(f"DELETE FROM {table}")
            con.execute(f"""INSERT INTO {table}
                            SELECT * EXCLUDE (c) REPLACE (item_id || '-' || c AS item_id)
                            FROM base_{table}, range({args.copies}) t(c)
                            ORDER BY published_at""")
        con.execute("DELETE FROM daily_terms")
        con.execute("DELETE FROM terms_days")
        items = con.execute("SELECT count(*) FROM items").fetchone()[0]
        last = con.execute("SELECT max(published_at) FROM items").fetchone()[0]
        print(f"items: {items:,}")
        started = time.perf_counter()
        days = refresh_terms(con)
        spent = time.perf_counter() - started
        print(f"full refresh: {days} days, {spent:.1f} s, {items / spent:,.0f} items/s")
        rows = con.execute("SELECT count(*) FROM daily_terms").fetchone()[0]
        print(f"daily_terms rows: {rows:,}")
        # A new run touching the last day only.
        con.execute("UPDATE items SET collected_at = collected_at + INTERVAL 1 SECOND "
                    "WHERE published_at >= ?", [last - timedelta(hours=6)])
        started = time.perf_counter()
        days = refresh_terms(con)
        print(f"incremental refresh: {days} day(s), {time.perf_counter() - started:.2f} s")
        started = time.perf_counter()
        found = refresh_topics(con)
        print(f"topics: {found} fitted in {time.perf_counter() - started:.1f} s")
    end = last.date()
    period = Filters(start=end - timedelta(days=29), end=end)
    one = Filters(start=end - timedelta(days=29), end=end, brands=("Orbis",))
    for name, call in (("key terms, 1 brand, 30 days", lambda: key_terms(out, one)),
                       ("key terms, all brands, 30 days", lambda: key_terms(out, period)),
                       ("topic shares, 30 days", lambda: topic_shares(out, period)),
                       ("emerging terms", lambda: emerging_terms(out, period))):
        call()
        started = time.perf_counter()
        for _ in range(5):
            call()
        print(f"{name}: {(time.perf_counter() - started) / 5 * 1000:.0f} ms")


if __name__ == "__main__":
    main()
