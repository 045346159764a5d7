"""Time every page of the app server-side (AppTest) on a big database, with its slowest store read.

For each page of the views registry (``views/registry.py``), the real app script runs under
Streamlit's AppTest with
``VEILLE_DB`` set, as a user's session would:

- cold: the page's first render in this process, with Streamlit's data cache empty (the Python
  modules are already imported by one throw-away run of the frame, so this is what a new
  filter costs on a freshly started server, not the interpreter's start-up);
- warm: median of 3 renders with the data cache cleared before each (every store read reaches
  DuckDB, as after changing a filter), default period (last 30 days);
- cached: median of 3 renders of the same view with the cache kept (someone reopening it);
- all: as warm, with the period "All dates".

Every public function of the ``store`` modules the pages use is wrapped with a timer, so the
slowest store read of each page is reported (median over the warm runs) with the page's time.
Peak RSS is the whole process's (every page in one process, like the app server).

``--refresh`` first brings the derived tables (alerts, terms, topics, stories, authors, facts) up
to date with ``store.derived.REFRESHERS`` inside ``store.writing`` and times each refresher.

Run: .venv/bin/python benchmarks/bench_pages.py --db /tmp/copy.duckdb [--refresh] [--runs 3]
"""

from __future__ import annotations

import argparse
import functools
import importlib
import inspect
import os
import resource
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The store modules the pages read through; each public function gets a timer.
STORE_MODULES = ("queries", "alerts", "stories", "terms", "trends", "snapshots", "community",
                 "health", "mentions", "edits", "rematch", "presence")
TIMEOUT = 300
TARGET_S = 1.0

_calls: list[tuple[str, float]] = []
_depth = threading.local()


def _timed(fn):
    """Wrap a store function so its outermost calls are recorded with their duration."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        depth = getattr(_depth, "n", 0)
        _depth.n = depth + 1
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            _depth.n = depth
            if depth == 0:
                _calls.append((f"{fn.__module__.removeprefix('store.')}.{fn.__name__}",
                               time.perf_counter() - started))
    return wrapper


def instrument() -> None:
    """Put a timer on every public function defined in the store modules the pages use."""
    for name in STORE_MODULES:
        module = importlib.import_module(f"store.{name}")
        for attr, value in list(vars(module).items()):
            if (inspect.isfunction(value) and not attr.startswith("_")
                    and value.__module__ == module.__name__):
                setattr(module, attr, _timed(value))


def pages() -> list[tuple[str, str]]:
    """(file, title) of every view's page, in menu order, from the views registry."""
    from views.registry import VIEWS

    return [(spec.page, spec.title) for spec in VIEWS]


def refresh(db: Path) -> list[tuple[str, float]]:
    """Run every derived-table refresher on ``db``; return (name, seconds) per refresher."""
    from store import writing
    from store.derived import REFRESHERS

    out = []
    started = time.perf_counter()
    with writing(db) as con:
        out.append(("open + migrate", time.perf_counter() - started))
        for name, fn in REFRESHERS:
            began = time.perf_counter()
            try:
                fn(con)
            except Exception as exc:  # noqa: BLE001 - reported, the benchmark carries on
                print(f"refresher {name} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            out.append((name, time.perf_counter() - began))
    return out


def render(page: str, period: str, clear: bool) -> tuple[float, list[tuple[str, float]], str]:
    """Run the app on ``page`` once; return (seconds, store calls, error text or "")."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params["period"] = period
    # A session starts on the default page through the frame; only then can it switch (run
    # first, a switched-to page file would execute without app.py's frame).
    at.run(timeout=TIMEOUT)
    if clear:
        st.cache_data.clear()
    at.switch_page(page)
    _calls.clear()
    started = time.perf_counter()
    at.run(timeout=TIMEOUT)
    elapsed = time.perf_counter() - started
    problems = [str(e.value)[:120] for e in (*at.exception, *at.error)]
    return elapsed, list(_calls), "; ".join(problems)


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB."""
    current = 0.0
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                current = int(line.split()[1]) / 1024
    return current, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def slowest(runs: list[list[tuple[str, float]]]) -> tuple[str, float]:
    """The store call with the largest median duration over ``runs``."""
    per: dict[str, list[float]] = {}
    for calls in runs:
        seen: dict[str, float] = {}
        for name, seconds in calls:
            # A read made twice in one run (current and previous period) counts its worst.
            seen[name] = max(seen.get(name, 0.0), seconds)
        for name, seconds in seen.items():
            per.setdefault(name, []).append(seconds)
    if not per:
        return "—", 0.0
    name = max(per, key=lambda n: statistics.median(per[n]))
    return name, statistics.median(per[name])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a demo database (it is read)")
    parser.add_argument("--refresh", action="store_true",
                        help="first bring its derived tables up to date (opens it read-write)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated page titles to time")
    args = parser.parse_args()
    os.environ["VEILLE_DB"] = str(args.db)

    if args.refresh:
        steps = refresh(args.db)
        print("| refresher | s |\n|---|---|")
        for name, seconds in steps:
            print(f"| {name} | {seconds:.1f} |")
        print(f"| total | {sum(s for _, s in steps):.1f} |\n", flush=True)

    from store.connection import reading

    with reading(args.db) as con:
        items, mentions = con.execute(
            "SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM mentions)").fetchone()
    print(f"{items:,} items, {mentions:,} mentions; load average "
          f"{os.getloadavg()[0]:.1f} at start", flush=True)

    instrument()
    # Imports and Streamlit's own start-up, paid once by a server, kept out of every figure.
    render("pages/overview.py", "30d", clear=True)

    wanted = {t.strip().lower() for t in args.only.split(",") if t.strip()}
    rows = []
    for page, title in pages():
        if wanted and title.lower() not in wanted:
            continue
        cold, cold_calls, error = render(page, "30d", clear=True)
        warm_times, warm_calls = [], []
        for _ in range(args.runs):
            seconds, calls, problem = render(page, "30d", clear=True)
            warm_times.append(seconds)
            warm_calls.append(calls)
            error = error or problem
        cached = statistics.median(render(page, "30d", clear=False)[0]
                                   for _ in range(args.runs))
        all_times, all_calls = [], []
        for _ in range(args.runs):
            seconds, calls, problem = render(page, "all", clear=True)
            all_times.append(seconds)
            all_calls.append(calls)
            error = error or problem
        store_s = statistics.median(sum(s for _, s in calls) for calls in warm_calls)
        all_store_s = statistics.median(sum(s for _, s in calls) for calls in all_calls)
        query, query_s = slowest(warm_calls)
        all_query, all_query_s = slowest(all_calls)
        current, peak = rss_mb()
        row = (title, cold, statistics.median(warm_times), cached, statistics.median(all_times),
               f"{query} {query_s:.2f}", f"{all_query} {all_query_s:.2f}",
               len(cold_calls), current, error, store_s, all_store_s)
        rows.append(row)
        print(f"  {title}: cold {cold:.2f} warm {row[2]:.2f} cached {cached:.2f} "
              f"all {row[4]:.2f} | {row[5]} | all: {row[6]} | store {store_s:.2f} / "
              f"{all_store_s:.2f} | RSS {current:.0f} MB"
              + (f" | ERROR {error}" if error else ""), flush=True)

    print("\n| page | cold s | warm s | cached s | \"all\" period s | slowest read (30 d), s "
          "| slowest read (all), s | store reads | all store reads s (30 d / all) | RSS after, MB "
          "| meets 1 s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for (title, cold, warm, cached, every, query, all_query, reads, current, error, store_s,
         all_store_s) in rows:
        ok = "yes" if max(warm, every) < TARGET_S else "no"
        print(f"| {title} | {cold:.2f} | {warm:.2f} | {cached:.2f} | {every:.2f} | {query} "
              f"| {all_query} | {reads} | {store_s:.2f} / {all_store_s:.2f} | {current:.0f} | {ok}"
              + (f" (error: {error})" if error else "") + " |")
    print(f"\npeak RSS of the process: {rss_mb()[1]:.0f} MB; load average "
          f"{os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
