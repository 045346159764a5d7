"""Time `python -m collectors run` on the demo source: items per second and peak memory."""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import write_demo_watch  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=None,
                        help="keep the database here (default: a temporary folder)")
    parser.add_argument("--workers", type=int, default=None,
                        help="processes sharing the work (VEILLE_WORKERS; default: one per core)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = write_demo_watch(folder, items=args.items, end="2026-06-30")
        db = args.db or folder / "bench.duckdb"
        started = time.perf_counter()
        env = dict(os.environ)
        if args.workers is not None:
            env["VEILLE_WORKERS"] = str(args.workers)
        subprocess.run([sys.executable, "-m", "collectors", "run", "--config", str(config),
                        "--db", str(db), "--quiet"], cwd=ROOT, check=True, env=env)
        elapsed = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        size_mb = db.stat().st_size / 1e6
    print(f"demo items: {args.items:,}, processes: {args.workers or 'one per core'}")
    print(f"wall time: {elapsed:.1f} s  ({args.items / elapsed:,.0f} items/s end to end)")
    print(f"peak memory (RSS) of the collector process: {peak_mb:,.0f} MB")
    print(f"database size: {size_mb:,.0f} MB")


if __name__ == "__main__":
    main()
