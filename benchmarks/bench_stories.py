"""Time the story refresher: a first full pass over a demo watch, then an incremental day."""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from store import Filters, writing  # noqa: E402
from store.stories import refresh_stories, share_of_voice_stories  # noqa: E402
from tests.conftest import write_demo_watch  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=None,
                        help="an existing demo database to use instead of collecting one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            folder = Path(tmp)
            config = write_demo_watch(folder, items=args.items, end="2026-06-30")
            db = folder / "bench.duckdb"
            subprocess.run([sys.executable, "-m", "collectors", "run", "--config", str(config),
                            "--db", str(db), "--quiet"], cwd=ROOT, check=True)
        with writing(db) as con:
            items = con.execute("SELECT count(*) FROM items").fetchone()[0]
            # Start from nothing, as on a database that predates the stories table.
            for table in ("stories", "story_signatures", "story_bands"):
                con.execute(f"DELETE FROM {table}")
            con.execute("DELETE FROM meta WHERE key = 'stories_collected_at'")
            started = time.perf_counter()
            done = refresh_stories(con)
            full = time.perf_counter() - started
            stories = con.execute("SELECT count(DISTINCT story_id) FROM stories").fetchone()[0]
            kept = con.execute("SELECT count(*) FROM story_signatures").fetchone()[0]
            # The last day again, as after a daily run.
            last = con.execute("SELECT max(published_at) FROM items").fetchone()[0]
            con.execute("DELETE FROM stories WHERE published_at >= ?", [last.replace(
                hour=0, minute=0, second=0, microsecond=0)])
            started = time.perf_counter()
            day = refresh_stories(con)
            incremental = time.perf_counter() - started
            started = time.perf_counter()
            refresh_stories(con)
            idle = time.perf_counter() - started
        started = time.perf_counter()
        share_of_voice_stories(db, Filters(), "week")
        read = time.perf_counter() - started
    print(f"items: {items:,} -> {stories:,} stories; signatures kept (30-day window): {kept:,}")
    print(f"first pass: {done:,} items in {full:.1f} s ({done / full:,.0f} items/s)")
    print(f"incremental (last day): {day:,} items in {incremental:.2f} s "
          f"({day / incremental:,.0f} items/s)")
    print(f"nothing new: {idle:.3f} s")
    print(f"share of voice in stories, all dates, per week: {read:.3f} s")


if __name__ == "__main__":
    main()
