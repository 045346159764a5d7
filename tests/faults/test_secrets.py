"""Secrets in source URLs (userinfo, token query) never reach the database, the output or errors."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT
from tests.localserver import LocalServer

# The Reddit credentials' scan is tests/integration/test_reddit.py (assert_nowhere); these are
# the secrets a user puts in feed and page URLs.
USER_SECRET = "pw-Veille-91f3ac"
TOKEN_SECRET = "tok-Veille-5be27d"
RSS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>News</title>
<link>http://example.test/</link>
<item><title>Acme opens a shop</title><link>http://example.test/a1</link>
<description>Acme opens its first shop in Lyon.</description>
<pubDate>Mon, 01 Jun 2026 08:00:00 GMT</pubDate></item>
</channel></rss>"""
PAGE = ("<html><head><title>Acme prices</title></head><body><article><h1>Acme prices</h1>"
        "<p>Acme lowers the price of its basic plan to 9 euros a month.</p>" * 3
        + "</article></body></html>")


def scan(needles: list[str], db: Path, outputs: list[str]) -> list[str]:
    """Where each needle was found: file bytes, CLI output, or table.column."""
    found = []
    for path in db.parent.glob(db.name + "*"):
        raw = path.read_bytes()
        found += [f"{path.name} bytes: {n}" for n in needles if n.encode() in raw]
    found += [f"output: {n}" for n in needles for out in outputs if n in out]
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [t for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
        ).fetchall()]
        for table in tables:
            cols = [d[0] for d in con.execute(f'SELECT * FROM "{table}" LIMIT 0').description]
            for row in con.execute(f'SELECT * FROM "{table}"').fetchall():
                for col, value in zip(cols, row, strict=True):
                    found += [f"{table}.{col}: {n}" for n in needles if n in str(value)]
    finally:
        con.close()
    return sorted(set(found))


@pytest.fixture
def secret_run(tmp_path):
    routes = {"/feed": (200, {"Content-Type": "application/rss+xml"}, RSS),
              "/page": (200, {"Content-Type": "text/html; charset=utf-8"}, PAGE),
              "/gone": (404, {"Content-Type": "text/plain"}, f"no {TOKEN_SECRET} here")}
    with LocalServer(routes) as server:
        def secret_url(path: str) -> str:
            return f"http://veille:{USER_SECRET}@{server.netloc}{path}?token={TOKEN_SECRET}"

        config = tmp_path / "watch.toml"
        config.write_text(f"""
[[brands]]
name = "Acme"
query = "acme"

[collect]
per_host_delay = 0
allow_networks = ["127.0.0.0/8"]

[[sources]]
name = "news"
kind = "feeds"
urls = ["{secret_url('/feed')}", "{secret_url('/gone')}"]

[[sources]]
name = "prices"
kind = "web"
urls = ["{secret_url('/page')}"]
""", encoding="utf-8")
        db = tmp_path / "veille.duckdb"
        proc = subprocess.run(
            [sys.executable, "-m", "collectors", "run", "--config", str(config), "--db", str(db)],
            cwd=ROOT, capture_output=True, text=True, timeout=300)
        check = subprocess.run(
            [sys.executable, "-m", "collectors", "check", "--config", str(config)],
            cwd=ROOT, capture_output=True, text=True, timeout=300)
        received = list(server.requests)
    return db, [proc.stdout, proc.stderr, check.stdout, check.stderr], received


def test_url_secrets_are_used_but_never_printed(secret_run):
    db, outputs, received = secret_run
    # The secrets did their job: the server was asked with them.
    assert any(TOKEN_SECRET in r.target for r in received)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM items WHERE source = 'news'").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM items WHERE source = 'prices'"
                           ).fetchone()[0] == 1
    finally:
        con.close()
    # The failing feed is reported, with its URL redacted.
    assert "/gone" in outputs[1] and "404" in outputs[1]
    empty = db.parent / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    assert scan([USER_SECRET, TOKEN_SECRET], empty, outputs) == []


def test_url_secrets_never_reach_the_database(secret_run):
    db, outputs, _ = secret_run
    assert scan([USER_SECRET, TOKEN_SECRET], db, outputs) == []


def test_url_secrets_never_reach_a_report(secret_run, tmp_path):
    if shutil.which("pdftotext") is None or shutil.which("chromium") is None:
        pytest.skip("the PDF check needs Debian's poppler-utils and chromium (make os-deps)")
    db, _, _ = secret_run
    pdf = tmp_path / "report.pdf"
    proc = subprocess.run(
        [sys.executable, "-m", "reports", "pdf", "--out", str(pdf), "--db", str(db),
         "--config", str(db.parent / "watch.toml"), "--period", "all"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Acme" in text  # the report is really about this watch
    for secret in (USER_SECRET, TOKEN_SECRET):
        assert secret not in text and secret not in proc.stdout + proc.stderr
