"""`python -m store info`: what a store holds, for people and for scripts."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT
from tests.conftest import db_rows as rows


def store_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "store", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_info_counts_what_the_database_holds(demo_db):
    done = store_cli("info", "--db", str(demo_db), "--json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["shape"] == "file"
    assert found["items"] == rows(demo_db, "SELECT count(*) FROM items")[0][0] > 0
    assert found["mentions"] == rows(demo_db, "SELECT count(*) FROM mentions")[0][0] > 0
    assert found["schema_version"] == found["schema_latest"]
    assert found["newest_item"].startswith("2026-06-30")
    text = store_cli("info", "--db", str(demo_db))
    assert f"items: {found['items']:,}" in text.stdout
    assert "schema version: " in text.stdout


def test_info_on_a_missing_database_says_so(tmp_path):
    done = store_cli("info", "--db", str(tmp_path / "nothing.duckdb"))
    assert done.returncode == 2
    assert "no database at" in done.stderr and "nothing.duckdb" in done.stderr
    assert not (tmp_path / "nothing.duckdb").exists()  # looking never creates a file
