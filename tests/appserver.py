"""The app's real server for tests: ``python -m ui.launch run app.py`` on a free 127.0.0.1 port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START_PATIENCE = 90


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def serving(db: Path, log: Path, env: dict[str, str] | None = None,
            args: Sequence[str] = ()) -> Iterator[str]:
    """Run the app on ``db`` as ``make run`` does, on a free port; yield its URL.

    ``env`` adds to (or, with a None value, removes from) the environment; ``args`` are more
    Streamlit options.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environ = {**os.environ, "VEILLE_DB": str(db)}
    for key, value in (env or {}).items():
        if value is None:
            environ.pop(key, None)
        else:
            environ[key] = value
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ui.launch", "run", "app.py", "--server.address",
             "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *args],
            cwd=ROOT, env=environ, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_PATIENCE
        while not _healthy(url):
            if proc.poll() is not None:
                raise AssertionError(f"streamlit exited ({proc.returncode}):\n"
                                     f"{log.read_text(errors='replace')}")
            if time.monotonic() > deadline:
                raise AssertionError(f"streamlit did not answer on {url}:\n"
                                     f"{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
