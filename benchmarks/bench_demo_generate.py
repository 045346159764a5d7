"""Time the demo generator alone (no analysis, no database): items per second and peak memory."""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from collectors.demo import generate  # noqa: E402


def run(items: int, seed: int) -> tuple[float, float, int]:
    """Generate ``items`` items; return wall seconds, CPU seconds and characters of text."""
    wall, cpu = time.perf_counter(), time.process_time()
    chars = 0
    for item in generate(items, seed=seed, end=date(2026, 6, 30)):
        chars += len(item.text)
    return time.perf_counter() - wall, time.process_time() - cpu, chars


def traced_peak(items: int, seed: int) -> int:
    """Peak bytes of Python allocations while ``items`` items stream through."""
    tracemalloc.start()
    for _ in generate(items, seed=seed, end=date(2026, 6, 30)):
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-memory", action="store_true",
                        help="skip the (slower) traced-memory passes")
    args = parser.parse_args()

    wall, cpu, chars = run(args.items, args.seed)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"demo items: {args.items:,}  ({chars / args.items:,.0f} characters of text each)")
    print(f"wall: {wall:.2f} s  ({args.items / wall:,.0f} items/s)")
    print(f"cpu:  {cpu:.2f} s  ({args.items / cpu:,.0f} items/s on one core)")
    print(f"peak RSS of this process: {rss_mb:,.0f} MB")
    if not args.no_memory:
        # Bounded memory means the peak does not grow with the number of items.
        tenth = max(1, args.items // 10)
        small, large = traced_peak(tenth, args.seed), traced_peak(args.items, args.seed)
        print(f"peak traced allocations: {small / 1e6:.1f} MB for {tenth:,} items, "
              f"{large / 1e6:.1f} MB for {args.items:,} items")


if __name__ == "__main__":
    main()
