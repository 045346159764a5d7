"""Time each store read of the Community and Share of voice pages, one by one, on a big database.

The page benchmark (``bench_pages.py``) gives each page's time and its slowest read; this one
times every read those two pages make (median of ``--runs``), for the last 30 days and all
dates, with and without a brand filter, and over all dates with the filters the Community
rollup cannot answer (a language, two brands, a kind), so a change to one read shows on its own.

Run: .venv/bin/python benchmarks/bench_rollup_reads.py --db /tmp/copy.duckdb [--runs 3]
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

import duckdb  # noqa: E402

from store import community, stories  # noqa: E402
from store.filters import Filters  # noqa: E402

# (name, call) for every read the two pages make, in the order the pages make them.
READS = [
    ("community.segments", lambda db, f, g: community.segments(db, f)),
    ("community.newcomers", lambda db, f, g: community.newcomers(db, f, g)),
    ("community.needs_answer", lambda db, f, g: community.needs_answer(db, f, "Opalia")),
    ("community.authors", lambda db, f, g: community.authors(db, f, 50)),
    ("stories.share_of_voice_stories", lambda db, f, g: stories.share_of_voice_stories(db, f, g)),
    ("stories.totals", lambda db, f, g: stories.totals(db, f)),
    ("stories.ranking (stories)", lambda db, f, g: stories.ranking(db, f, g, "stories")),
    ("stories.share_by kind", lambda db, f, g: stories.share_by(db, f, "kind", "stories")),
    ("stories.share_by lang", lambda db, f, g: stories.share_by(db, f, "lang", "stories")),
    ("stories.share_by tone", lambda db, f, g: stories.share_by(db, f, "sentiment_label",
                                                               "stories")),
    ("stories.top_stories", lambda db, f, g: stories.top_stories(db, f, 10)),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="", help="substring of the read names to time")
    args = parser.parse_args()
    con = duckdb.connect(str(args.db), read_only=True)
    last = con.execute("SELECT max(published_at) FROM mentions").fetchone()[0].date()
    con.close()
    views = {
        "30 d": (Filters(start=last - timedelta(days=29), end=last), "day"),
        "all": (Filters(), "week"),
        "30 d, 1 brand": (Filters(start=last - timedelta(days=29), end=last,
                                  brands=("Tilia",)), "day"),
        "all, 1 brand": (Filters(brands=("Tilia",)), "week"),
        # Filters the Community rollup cannot answer (store.community._by_days): the long way.
        "all, French": (Filters(langs=("fr",)), "week"),
        "all, 2 brands": (Filters(brands=("Tilia", "Orbis")), "week"),
        "all, 1 kind": (Filters(kinds=("reddit",)), "week"),
    }
    print("| read | " + " | ".join(views) + " |")
    print("|---|" + "---|" * len(views))
    totals = dict.fromkeys(views, 0.0)
    for name, call in READS:
        if args.only not in name:
            continue
        cells = []
        for view, (filters, grain) in views.items():
            times = []
            try:
                for _ in range(args.runs):
                    started = time.perf_counter()
                    call(args.db, filters, grain)
                    times.append(time.perf_counter() - started)
            except duckdb.Error as exc:  # e.g. out of memory under the readers' limit
                cells.append(type(exc).__name__)
                continue
            totals[view] += statistics.median(times)
            cells.append(f"{statistics.median(times):.3f}")
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)
    print("| sum | " + " | ".join(f"{t:.2f}" for t in totals.values()) + " |")


if __name__ == "__main__":
    main()
