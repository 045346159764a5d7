"""Ctrl-C at random moments of a refresh, then the same file opened again: how often it hangs.

Each trial copies a demo database, starts `refresh_all` on it, sends Ctrl-C to itself after a
random delay, then opens the file again in the same process and refreshes it whole. DuckDB
1.5.5 sometimes keeps the instance of an interrupted query alive, and that second open then
spins forever: a trial with no word for --patience seconds counts as a hang, and its process
is killed. A trial whose refresh went on to its end, as if Ctrl-C had never come, counts as
missed. `--raw` uses the DuckDB connections as opened by the store but not wrapped
(statements can be interrupted) instead of the store's connections (Ctrl-C waits for the
statement to end).
"""

from __future__ import annotations

import argparse
import os
import random
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def trials(source: Path, folder: Path, count: int, raw: bool, seed: int) -> None:
    """Run ``count`` trials in this process, printing one line per trial to stdout."""
    from store import interrupts, open_connection, writing
    from store.derived import refresh_all

    def opened(db: Path):
        if not raw:
            return writing(db)
        return closing(open_connection(db, read_only=False)._con)  # the connection it wraps

    rng = random.Random(seed)
    interrupts.install()
    for number in range(count):
        db = folder / f"trial{number % 3}.duckdb"
        shutil.copy(source, db)
        delay = rng.uniform(0, 0.5)
        steps: list[str] = []
        outcome = "missed"
        try:
            with opened(db) as con:
                threading.Timer(delay, os.kill, (os.getpid(), signal.SIGINT)).start()
                refresh_all(con, warn=lambda _: None, step=steps.append)
                threading.Event().wait(5)  # a refresh faster than the delay: Ctrl-C lands here
        except (KeyboardInterrupt, RuntimeError):
            outcome = "stopped"
        interrupts.forget()
        print(f"{outcome} {delay:.3f} {steps[-1] if steps else '-'}", flush=True)
        with opened(db) as con:  # where the hang shows
            refresh_all(con, warn=lambda _: None)
        print("reopened", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=300)
    parser.add_argument("--raw", action="store_true",
                        help="unwrapped DuckDB connections, whose statements Ctrl-C interrupts")
    parser.add_argument("--patience", type=float, default=60.0,
                        help="seconds without a word before a trial counts as hung")
    parser.add_argument("--child", nargs=4, metavar=("SOURCE", "FOLDER", "COUNT", "SEED"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        source, folder, count, seed = args.child
        trials(Path(source), Path(folder), int(count), args.raw, int(seed))
        return

    from tests.conftest import collect, write_demo_watch

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "demo.duckdb"
        collect(write_demo_watch(folder), source)
        done = hangs = missed = 0
        where: dict[str, int] = {}
        started = time.perf_counter()
        while done < args.trials:
            command = [sys.executable, __file__, "--child", str(source), str(folder),
                       str(args.trials - done), str(done)] + (["--raw"] if args.raw else [])
            child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
            watch = selectors.DefaultSelector()
            watch.register(child.stdout, selectors.EVENT_READ)
            last = "-"
            while True:
                if not watch.select(timeout=args.patience):
                    hangs += 1
                    done += 1
                    where[last] = where.get(last, 0) + 1
                    child.kill()
                    break
                line = child.stdout.readline()
                if not line:
                    break
                if line.startswith(("stopped", "missed")):
                    last = line.split()[-1]
                    missed += line.startswith("missed")
                else:
                    done += 1
            child.wait()
        elapsed = time.perf_counter() - started
    kind = "unwrapped DuckDB connections" if args.raw else "the store's connections"
    print(f"{args.trials} interrupted refreshes with {kind}: {hangs} hung on the next open"
          f", {missed} went on as if Ctrl-C had not come ({elapsed:.0f} s)")
    for step, count in sorted(where.items()):
        print(f"  Ctrl-C during {step}: {count} hang(s)")


if __name__ == "__main__":
    main()
