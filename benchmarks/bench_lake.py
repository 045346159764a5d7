"""File versus DuckLake on the same demo items: collection time (1, 2, 4… writers), a run
that finds nothing new, `store copy`, storage size, and every page's render time.

Usage: ``.venv/bin/python benchmarks/bench_lake.py [--items 20000] [--writers 1,2,4]
[--pages-from data/veille.duckdb] [--only first,again,two,copy]``. Starts a throw-away
PostgreSQL cluster (Debian's ``postgresql`` server, as the tests do) and removes it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import write_demo_watch  # noqa: E402
from tests.integration.test_lake import write_two_source_watch  # noqa: E402
from tests.lake import server_bin, start, stop  # noqa: E402


def timed(*commands: list[str], env: dict[str, str] | None = None) -> float:
    """Seconds until every command (started together) has finished; each must succeed."""
    began = time.perf_counter()
    procs = [subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for command in commands]
    for proc in procs:
        _, err = proc.communicate()
        if proc.returncode:
            raise SystemExit(f"{' '.join(proc.args)} failed:\n{err}")
    return time.perf_counter() - began


def run(config: Path, db: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "collectors", "run", "--config", str(config), "--db", db,
            "--quiet", *extra]


def size(path: Path) -> int:
    return path.stat().st_size if path.is_file() else sum(
        p.stat().st_size for p in path.rglob("*") if p.is_file())


def lake_target(server) -> str:
    return "ducklake:postgres:" + server.new_database()


def writers_rows(work: Path, server, items: int, counts: list[int]) -> list[tuple[str, float]]:
    """The same ``items`` split over N file sources: one process into a file, then N processes
    at once (each its own source) into a new lake, for each N of ``counts``."""
    rows = []
    for n in counts:
        folder = work / f"w{n}"
        folder.mkdir()
        names = tuple(f"s{i}" for i in range(n))
        config = write_two_source_watch(folder, items=items // n, names=names)
        rows.append((f"file: {n} source(s), one process",
                     timed(run(config, str(folder / "one.duckdb")))))
        target = lake_target(server)
        rows.append((f"lake: {n} source(s), {n} process(es) at once",
                     timed(*(run(config, target, "--source", name) for name in names),
                           env={"VEILLE_LAKE_DATA_PATH": str(folder / "lake")})))
        # Runs at 1 M items take many minutes each: say each figure as it comes.
        for name, seconds in rows[-2:]:
            print(f"  {name:<45} {seconds:7.1f} s (load {os.getloadavg()[0]:.1f})",
                  file=sys.stderr, flush=True)
    return rows


def pages(db: str, env: dict[str, str], runs: int) -> str:
    """bench_pages.py's table for ``db`` (a file or a lake)."""
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_pages.py"), "--db",
                           db, "--runs", str(runs)], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **env})
    if done.returncode:
        raise SystemExit(f"bench_pages failed on {db}:\n{done.stderr[-3000:]}")
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--writers", default="",
                        help="comma-separated writer counts (e.g. 1,2,4): the items split over "
                             "that many sources, collected by that many processes at once")
    parser.add_argument("--pages-from", type=Path, default=None,
                        help="a collected demo file: copy it into a lake and time every page "
                             "over both (bench_pages.py)")
    parser.add_argument("--runs", type=int, default=2, help="page renders per figure")
    parser.add_argument("--only", default="first,again,two,copy",
                        help="which of the basic measures to run (first, again, two, copy)")
    args = parser.parse_args()
    only = {part.strip() for part in args.only.split(",") if part.strip()}
    bin_folder = server_bin()
    if bin_folder is None:
        raise SystemExit("PostgreSQL's server is not installed (Debian package postgresql)")
    work = Path(tempfile.mkdtemp(prefix="veille-bench-lake-"))
    work.chmod(0o755)  # the PostgreSQL user must reach its cluster inside
    pg_root = work / "pg"
    pg_root.mkdir()
    pg_root.chmod(0o755)
    server = start(pg_root, bin_folder)
    try:
        def lake_env(name: str) -> dict[str, str]:
            return {"VEILLE_LAKE_DATA_PATH": str(work / name)}

        rows: list[tuple[str, float]] = []
        file_db, lake_db = str(work / "one.duckdb"), lake_target(server)
        if only & {"first", "again", "copy"}:
            demo = work / "demo"
            demo.mkdir()
            config = write_demo_watch(demo, items=args.items)
            rows += [("file: first run", timed(run(config, file_db))),
                     ("lake: first run", timed(run(config, lake_db), env=lake_env("lake1")))]
            if "again" in only:
                rows += [("file: run again (nothing new)", timed(run(config, file_db))),
                         ("lake: run again (nothing new)", timed(run(config, lake_db)))]
        if "two" in only:
            two = work / "two"
            two.mkdir()
            two_config = write_two_source_watch(two, items=args.items // 2)
            lake2, lake3 = lake_target(server), lake_target(server)
            rows += [
                ("file: two sources, one process",
                 timed(run(two_config, str(work / "two.duckdb")))),
                ("lake: two sources, one process", timed(run(two_config, lake2),
                                                         env=lake_env("lake2"))),
                ("lake: two sources, two processes at once",
                 timed(run(two_config, lake3, "--source", "a"),
                       run(two_config, lake3, "--source", "b"), env=lake_env("lake3"))),
            ]
        if "copy" in only:
            rows.append(("store copy file -> lake", timed(
                [sys.executable, "-m", "store", "copy", "--from", file_db, "--to",
                 lake_target(server), "--quiet"], env=lake_env("lake4"))))
        if args.writers:
            counts = [int(n) for n in args.writers.split(",")]
            rows += writers_rows(work, server, args.items, counts)
        print(f"{args.items:,} demo items ({os.cpu_count()} cores, load "
              f"{os.getloadavg()[0]:.1f})")
        for name, seconds in rows:
            print(f"  {name:<45} {seconds:7.1f} s", flush=True)
        if only & {"first", "copy"}:
            copied = (f", lake data files (copied) {size(work / 'lake4') / 1e6:.1f} MB"
                      if "copy" in only else "")
            print(f"  size: file {size(Path(file_db)) / 1e6:.1f} MB, lake data files "
                  f"(collected) {size(work / 'lake1') / 1e6:.1f} MB{copied}")
        if args.writers:
            for n in counts:
                print(f"  size with {n} writer(s): file "
                      f"{size(work / f'w{n}' / 'one.duckdb') / 1e6:.1f} MB, lake data files "
                      f"{size(work / f'w{n}' / 'lake') / 1e6:.1f} MB")
        if args.pages_from:
            copied = lake_target(server)
            seconds = timed([sys.executable, "-m", "store", "copy", "--from",
                             str(args.pages_from), "--to", copied, "--quiet"],
                            env=lake_env("pages"))
            print(f"\n{args.pages_from} copied into a lake in {seconds:.1f} s "
                  f"({size(work / 'pages') / 1e6:.1f} MB of data files against "
                  f"{size(args.pages_from) / 1e6:.1f} MB)", flush=True)
            print("\n### pages over the file\n" + pages(str(args.pages_from), {}, args.runs),
                  flush=True)
            print("\n### pages over the lake\n" + pages(copied, lake_env("pages"), args.runs),
                  flush=True)
    finally:
        stop(server)
        subprocess.run(["rm", "-rf", str(work)], check=False)


if __name__ == "__main__":
    main()
