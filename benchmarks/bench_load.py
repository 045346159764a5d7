"""Load at full size: 5 live sessions × 2 minutes while `collectors watch` writes continuously.

Runs tests/faults/test_load.py with its full size and prints its summary line (sessions, minutes,
refreshes, errors, stale refreshes, items written, stored and lost). Usage:
    .venv/bin/python benchmarks/bench_load.py [sessions] [seconds]
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    sessions = sys.argv[1] if len(sys.argv) > 1 else "5"
    seconds = sys.argv[2] if len(sys.argv) > 2 else "120"
    env = {**os.environ, "VEILLE_LOAD_SESSIONS": sessions, "VEILLE_LOAD_SECONDS": seconds}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
         "tests/faults/test_load.py"], cwd=ROOT, env=env, capture_output=True, text=True,
        # Started in the background (`&`, nohup) SIGINT is ignored and the children inherit
        # that; the test stops the watcher with Ctrl-C, so give the signal its default back.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    summary = [line for line in proc.stdout.splitlines() if line.startswith("load:")]
    print("\n".join(summary) or proc.stdout[-3000:])
    print("result:", "passed" if proc.returncode == 0 else f"FAILED ({proc.returncode})")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
