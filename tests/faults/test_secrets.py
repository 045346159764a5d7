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
# Credentials under names a first pass missed, in the links a feed gives.
JWT, TICKET, ACCESS = "jwt-Veille-0c4e1a", "tkt-Veille-77e1b2", "acc-Veille-42d9f3"
# A private feed's address is its secret (Google Alerts: /alerts/feeds/<user>/<feed>); so is a
# shared page's (/share/<key>), even one too short to look random anywhere else.
FEED_USER, FEED_KEY, PAGE_KEY = "06847239616383325383", "15592369427353245786", "9f8e7d6c5b4a"
PRIVATE_FEED = f"/alerts/feeds/{FEED_USER}/{FEED_KEY}"
SHARED_PAGE = f"/share/{PAGE_KEY}"
SECRETS = [USER_SECRET, TOKEN_SECRET, JWT, TICKET, ACCESS, FEED_USER, FEED_KEY, PAGE_KEY]
RSS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>News</title>
<link>http://example.test/</link>
<item><title>Acme opens a shop</title><link>http://example.test/a1</link>
<description>Acme opens its first shop in Lyon.</description>
<pubDate>Mon, 01 Jun 2026 08:00:00 GMT</pubDate></item>
</channel></rss>"""
PAGE = ("<html><head><title>Acme prices</title></head><body><article><h1>Acme prices</h1>"
        "<p>Acme lowers the price of its basic plan to 9 euros a month.</p>" * 3
        + "</article></body></html>")
PRIVATE_RSS = f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>
<title>Google Alert - acme</title><link>http://example.test/</link>
<item><title>Acme signs a partner</title>
<link>http://example.test/a2?jwt={JWT}&amp;ticket={TICKET}&amp;access={ACCESS}&amp;id=7</link>
<description>Acme signs a partner in Lille.</description>
<pubDate>Tue, 02 Jun 2026 08:00:00 GMT</pubDate></item>
<item><title>Acme in the alert itself</title><link>?entry=3</link>
<description>Acme, linked to the feed's own address.</description>
<pubDate>Wed, 03 Jun 2026 08:00:00 GMT</pubDate></item>
</channel></rss>"""
# A shared page without a <title>: its address would become its title.
SHARED = ("<html><body><article>"
          + "<p>Acme shares its new price list with partners before the launch.</p>" * 3
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
              "/gone": (404, {"Content-Type": "text/plain"}, f"no {TOKEN_SECRET} here"),
              PRIVATE_FEED: (200, {"Content-Type": "application/rss+xml"}, PRIVATE_RSS),
              SHARED_PAGE: (200, {"Content-Type": "text/html; charset=utf-8"}, SHARED)}
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
urls = ["{secret_url('/feed')}", "{secret_url('/gone')}", "{server.url(PRIVATE_FEED)}"]

[[sources]]
name = "prices"
kind = "web"
urls = ["{secret_url('/page')}", "{server.url(SHARED_PAGE)}"]
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
    assert {PRIVATE_FEED, SHARED_PAGE} <= {r.path for r in received}
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM items WHERE source = 'news'").fetchone()[0] == 3
        assert con.execute("SELECT count(*) FROM items WHERE source = 'prices'"
                           ).fetchone()[0] == 2
    finally:
        con.close()
    # The failing feed is reported, with its URL redacted.
    assert "/gone" in outputs[1] and "404" in outputs[1]
    empty = db.parent / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    assert scan(SECRETS, empty, outputs) == []


def test_url_secrets_never_reach_the_database(secret_run):
    db, outputs, _ = secret_run
    assert scan(SECRETS, db, outputs) == []


def test_masked_links_still_say_where_they_lead(secret_run):
    db, _, _ = secret_run
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = dict(con.execute("SELECT title, url FROM items").fetchall())
    finally:
        con.close()
    assert rows["Acme signs a partner"] == \
        "http://example.test/a2?access=***&id=7&jwt=***&ticket=***"
    assert rows["Acme in the alert itself"].endswith("/alerts/feeds/***/***?entry=3")
    shared = [url for url in rows.values() if "/share/" in url]
    assert len(shared) == 1 and shared[0].endswith("/share/***")


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
    assert "Acme signs a partner" in text  # the items with masked links are in it too
    for secret in SECRETS:
        assert secret not in text and secret not in proc.stdout + proc.stderr
