"""Time the alerts refresher and the Alerts/Trends reads on a demo database of a given size."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from store import Filters, writing  # noqa: E402
from store.alerts import detect, list_alerts, refresh_alerts, source_health  # noqa: E402
from store.trends import compare_periods, volume_over_time  # noqa: E402
from tests.conftest import collect, write_demo_watch  # noqa: E402


def timed(label: str, fn, repeat: int = 3) -> float:
    """Run ``fn`` ``repeat`` times and print the best wall time."""
    best = min(_once(fn) for _ in range(repeat))
    print(f"{label:<52} {best * 1000:9.1f} ms")
    return best


def _once(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    """Build (or reuse with --db) a demo database and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=200_000, help="demo items to generate")
    parser.add_argument("--db", type=Path, help="reuse this database (it is copied, not changed)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_alerts_"))
    try:
        db = work / "veille.duckdb"
        if args.db:
            shutil.copy(args.db, db)
        else:
            started = time.perf_counter()
            collect(write_demo_watch(work, items=args.items), db)
            print(f"built a {args.items:,}-item demo in {time.perf_counter() - started:.1f} s")
        with writing(db) as con:
            mentions = con.execute("SELECT count(*) FROM mentions").fetchone()[0]
            print(f"{mentions:,} mentions")

            def cold() -> None:
                con.execute("DELETE FROM alerts")
                refresh_alerts(con)

            timed("detect (daily rollup → spikes)", lambda: detect(con))
            timed("refresh_alerts from scratch (with explanations)", cold)
            timed("refresh_alerts again, nothing new", lambda: refresh_alerts(con))
            count = con.execute("SELECT count(*) FROM alerts").fetchone()[0]
            print(f"{count} alerts")
        last = Filters()
        timed("list_alerts (all dates)", lambda: list_alerts(db, last))
        timed("source_health", lambda: source_health(db))
        timed("volume_over_time per day (all dates)", lambda: volume_over_time(db, last, "day"))
        end = date(2026, 6, 30)
        month = Filters(end - timedelta(days=29), end)
        timed("volume_over_time per hour (30 days)", lambda: volume_over_time(db, month, "hour"))
        timed("compare_periods (30 days vs 30 before)",
              lambda: compare_periods(db, month, month.previous()))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
