"""Time PDF snapshots, the full meeting report and the exports on a large demo watch."""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import write_demo_watch  # noqa: E402


def timed(label: str, fn):
    """Run ``fn`` once, print its wall time, return its result."""
    started = time.perf_counter()
    out = fn()
    print(f"{label}: {time.perf_counter() - started:.2f} s", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--db", type=Path, default=None,
                        help="reuse (or build and keep) the database here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = write_demo_watch(folder, items=args.items, end="2026-06-30")
        db = args.db or folder / "bench.duckdb"
        if not db.exists():
            timed(f"collect {args.items:,} demo items", lambda: subprocess.run(
                [sys.executable, "-m", "collectors", "run", "--config", str(config), "--db",
                 str(db), "--quiet"], cwd=ROOT, check=True))
        out = folder / "out.pdf"

        def cli(*extra: str) -> None:
            subprocess.run([sys.executable, "-m", "reports", "pdf", "--out", str(out), "--db",
                            str(db), "--config", str(config), *extra], cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL)

        # A cold process: Python imports, Chromium start, queries and PDF, as cron runs it.
        timed("CLI one-view snapshot (overview, cold process)", lambda: cli("--view",
                                                                          "overview"))
        timed("CLI full meeting report (cold process)", cli)

        # Warm, as the app's button runs it: Chromium already started in the process.
        from reports.cli import make_pdf
        from reports.exports import csv_bytes, xlsx_bytes
        from views.context import make_view, parse_choices
        from views.registry import KEYS as VIEWS

        params = {"period": ["30d"]}
        timed("warm-up (start Chromium)", lambda: make_pdf(db, params, ["mentions"], config))
        for name in VIEWS:
            timed(f"snapshot {name} (warm)", lambda n=name: make_pdf(db, params, [n], config))
        timed("full report (warm)", lambda: make_pdf(db, params, list(VIEWS), config))
        choices, options = parse_choices(db, params)
        view = make_view(db, choices, options)
        data = timed("CSV export, last 30 days", lambda: csv_bytes(db, view.filters))
        lines = data.count(b"\n")
        print(f"  {lines:,} lines, {len(data) / 1e6:.1f} MB")
        timed("Excel export, last 30 days", lambda: xlsx_bytes(db, view.filters))


if __name__ == "__main__":
    main()
