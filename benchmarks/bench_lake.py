"""File versus DuckLake on the same demo items: collection time (one and two writers), a run
that finds nothing new, `store copy`, and storage size.

Usage: ``.venv/bin/python benchmarks/bench_lake.py [--items 20000]``. Starts a throw-away
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    args = parser.parse_args()
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
        demo = work / "demo"
        demo.mkdir()
        config = write_demo_watch(demo, items=args.items)
        two = work / "two"
        two.mkdir()
        two_config = write_two_source_watch(two, items=args.items // 2)

        def lake_env(name: str) -> dict[str, str]:
            return {"VEILLE_LAKE_DATA_PATH": str(work / name)}

        file_db, lake_db = str(work / "one.duckdb"), "ducklake:postgres:" + server.new_database()
        rows = [
            ("file: first run", timed(run(config, file_db))),
            ("lake: first run", timed(run(config, lake_db), env=lake_env("lake1"))),
            ("file: run again (nothing new)", timed(run(config, file_db))),
            ("lake: run again (nothing new)", timed(run(config, lake_db))),
        ]
        lake2, lake3 = ("ducklake:postgres:" + server.new_database() for _ in range(2))
        rows += [
            ("file: two sources, one process", timed(run(two_config, str(work / "two.duckdb")))),
            ("lake: two sources, one process", timed(run(two_config, lake2),
                                                     env=lake_env("lake2"))),
            ("lake: two sources, two processes at once",
             timed(run(two_config, lake3, "--source", "a"), run(two_config, lake3, "--source", "b"),
                   env=lake_env("lake3"))),
        ]
        lake4 = "ducklake:postgres:" + server.new_database()
        rows.append(("store copy file -> lake", timed(
            [sys.executable, "-m", "store", "copy", "--from", file_db, "--to", lake4, "--quiet"],
            env=lake_env("lake4"))))
        print(f"{args.items:,} demo items ({os.cpu_count()} cores, load "
              f"{os.getloadavg()[0]:.1f})")
        for name, seconds in rows:
            print(f"  {name:<45} {seconds:7.1f} s")
        print(f"  size: file {size(Path(file_db)) / 1e6:.1f} MB, lake data files (collected) "
              f"{size(work / 'lake1') / 1e6:.1f} MB, lake data files (copied) "
              f"{size(work / 'lake4') / 1e6:.1f} MB")
    finally:
        stop(server)
        subprocess.run(["rm", "-rf", str(work)], check=False)


if __name__ == "__main__":
    main()
