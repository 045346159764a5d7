"""Misbehaving servers on 127.0.0.1, each a source of one whole `python -m collectors run`."""

from __future__ import annotations

import gzip
import os
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.conftest import db_rows as query
from tests.localserver import LocalServer, Request

TIMEOUT = 2.0  # the [collect] timeout of the run, in seconds
MAX_BYTES = 1_000_000
MB = 1024 * 1024

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Healthy</title><link>http://x.test/</link>
<description>d</description>{items}</channel></rss>"""
ITEM = ("<item><title>{title}</title><link>http://x.test/{tag}/{n}</link><guid>{tag}-{n}</guid>"
        "<pubDate>Tue, 02 Jun 2026 09:{n:02d}:00 GMT</pubDate>"
        "<description>Opalia {title}</description></item>")


def feed(tag: str, count: int, title: str = "Opalia news") -> bytes:
    return FEED.format(items="".join(ITEM.format(title=title, n=n, tag=tag)
                                     for n in range(count))).encode()


def reset_mid_body(request: Request):
    """Promise 100 kB, send 2 kB, then reset the connection (RST, not a clean close)."""
    out = request.handler
    out.send_response(200)
    out.send_header("Content-Type", "application/rss+xml")
    out.send_header("Content-Length", "100000")
    out.end_headers()
    out.wfile.write(feed("reset", 40)[:2000])
    out.wfile.flush()
    out.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    out.close_connection = True
    return None


def drip():
    yield b'<?xml version="1.0"?><rss version="2.0"><channel>'
    for _ in range(600):  # five minutes of one byte per half second, unless abandoned
        time.sleep(0.5)
        yield b" "


def huge_body():
    """200 MB made on the fly, one megabyte at a time: never held in memory here either."""
    chunk = b"<!-- " + b"x" * (MB - 9) + b" -->"
    for _ in range(200):
        yield chunk


BOMB = gzip.compress(b"<rss>" + b" " * (200 * MB), compresslevel=9)


def routes(base: str) -> dict:
    html = b"<html><head><title>Not a feed</title></head><body><p>Opalia</p></body></html>"
    table = {
        "/healthy.xml": (200, {"Content-Type": "application/rss+xml"}, feed("ok", 5)),
        "/reset.xml": reset_mid_body,
        "/drip.xml": (200, {"Content-Type": "application/rss+xml"}, drip()),
        "/metadata.xml": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
        "/private.xml": (301, {"Location": "http://10.1.2.3/feed.xml"}, b""),
        "/bomb.xml": (200, {"Content-Type": "application/rss+xml",
                            "Content-Encoding": "gzip"}, BOMB),
        "/huge.xml": (200, {"Content-Type": "application/rss+xml"}, huge_body()),
        "/lying-html.xml": (200, {"Content-Type": "application/rss+xml"}, html),
        "/png-feed.png": (200, {"Content-Type": "image/png"}, feed("png", 3)),
        "/bad-utf8.xml": (200, {"Content-Type": "application/rss+xml; charset=utf-8"},
                          # One broken byte in a French UTF-8 feed.
                          feed("utf8", 2, title="Opalia café réseau élevé").replace(
                              b"Opalia caf", b"Opalia\xff caf")),
        "/slow-down.xml": (429, {"Retry-After": "3600"}, b"slow down"),
        "/storm.xml": (503, {"Retry-After": "0"}, b"busy"),
    }
    for n in range(40):
        table[f"/loop/{n}"] = (302, {"Location": f"{base}/loop/{n + 1}"}, b"")
    return table


# source name -> (path, the category stored on it; None: the source succeeds)
FAULTS = {
    "reset": ("/reset.xml", "connection"),
    "drip": ("/drip.xml", "timeout"),
    "loop": ("/loop/0", "redirects"),
    "metadata": ("/metadata.xml", "url_refused"),
    "private": ("/private.xml", "url_refused"),
    "bomb": ("/bomb.xml", "too_large"),
    "huge": ("/huge.xml", "too_large"),
    "lying-html": ("/lying-html.xml", "not_a_feed"),
    "png-feed": ("/png-feed.png", None),
    "bad-utf8": ("/bad-utf8.xml", None),
    "slow-down": ("/slow-down.xml", "rate_limited"),
    "storm": ("/storm.xml", "http_error"),
}


def write_watch(folder: Path, base: str, names: list[str]) -> Path:
    text = ['name = "Faults"\n[collect]\nper_host_delay = 0.0\n'
            f'timeout = {TIMEOUT}\nmax_bytes = {MAX_BYTES}\nallow_networks = ["127.0.0.0/8"]\n',
            '[[brands]]\nname = "Opalia"\nquery = "opalia"\nown = true\n']
    for name in names:
        path = "/healthy.xml" if name == "healthy" else FAULTS[name][0]
        text.append(f'[[sources]]\nname = "{name}"\nkind = "feeds"\nurls = ["{base}{path}"]\n')
    config = folder / "watch.toml"
    config.write_text("\n".join(text), encoding="utf-8")
    return config


def run_cli(config: Path, db: Path, limit: float) -> tuple[subprocess.CompletedProcess, int]:
    """The real CLI in a child that reports its own peak memory (kB) when it exits."""
    code = ("import atexit, resource, runpy, sys\n"
            "atexit.register(lambda: print('PEAK_RSS_KB', resource.getrusage("
            "resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr))\n"
            "sys.argv = ['collectors'] + sys.argv[1:]\n"
            "runpy.run_module('collectors', run_name='__main__', alter_sys=True)\n")
    proc = subprocess.run([sys.executable, "-c", code, "run", "--config", str(config),
                           "--db", str(db), "--quiet"], cwd=ROOT, capture_output=True,
                          text=True, timeout=limit, env=dict(os.environ))
    peak = int(proc.stderr.rsplit("PEAK_RSS_KB", 1)[1].split()[0])
    return proc, peak




@pytest.fixture(scope="module")
def server():
    with LocalServer() as srv:
        srv.routes.update(routes(srv.url("").rstrip("/")))
        yield srv


@pytest.fixture(scope="module")
def baseline(server, tmp_path_factory) -> int:
    """Peak memory of a run with the healthy source alone."""
    folder = tmp_path_factory.mktemp("baseline")
    proc, peak = run_cli(write_watch(folder, server.url("").rstrip("/"), ["healthy"]),
                         folder / "v.duckdb", limit=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return peak


def test_every_fault_is_classified_bounded_and_the_healthy_source_lands(server, baseline,
                                                                       tmp_path):
    names = ["healthy", *FAULTS]
    config = write_watch(tmp_path, server.url("").rstrip("/"), names)
    db = tmp_path / "v.duckdb"
    # Generous: each source may use its timeout a few times over (retries), never unbounded.
    limit = len(names) * (TIMEOUT * 8 + 10)
    proc, peak = run_cli(config, db, limit)
    assert proc.returncode == 1, proc.stdout + proc.stderr  # some sources failed
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]

    lines = {line.split(":", 1)[0]: line for line in proc.stdout.splitlines() if ":" in line}
    kinds = dict(query(db, "SELECT name, last_error_kind FROM sources"))
    for name, (_, category) in FAULTS.items():
        assert kinds[name] == category, (name, kinds[name], lines.get(name))
        if category:
            assert lines[name].startswith(f"{name}: failed") and category in lines[name], \
                lines[name]
        else:
            assert lines[name].startswith(f"{name}: ok"), lines[name]
    assert lines["healthy"].startswith("healthy: ok"), lines["healthy"]
    assert kinds["healthy"] is None

    per_source = dict(query(db, "SELECT source, count(*) FROM items GROUP BY source"))
    assert per_source == {"healthy": 5, "png-feed": 3, "bad-utf8": 2}
    titles = [t for (t,) in query(db, "SELECT title FROM items WHERE source = 'bad-utf8'")]
    assert titles and all("\ufffd" in t and "café réseau élevé" in t for t in titles), titles
    assert query(db, "SELECT count(*) FROM mentions WHERE source = 'healthy'") == [(5,)]
    # A 200 MB body and a 200 MB gzip bomb cost the run far less than their size.
    assert (peak - baseline) * 1024 < 100 * MB, (peak, baseline)
    # The private addresses were refused by policy, not tried: the answer says so.
    assert "169.254.169.254" not in proc.stdout or "allow_networks" in lines["metadata"]


def test_a_retry_after_within_patience_is_honoured_and_the_feed_lands(server, tmp_path):
    hits = []

    def once_busy(request: Request):
        hits.append(request.time)
        if len(hits) == 1:
            return 429, {"Retry-After": "1"}, b"wait a second"
        return 200, {"Content-Type": "application/rss+xml"}, feed("retry", 4)

    server.routes["/retry.xml"] = once_busy
    FAULTS_COPY = {"retry": ("/retry.xml", None)}
    base = server.url("").rstrip("/")
    config = tmp_path / "watch.toml"
    config.write_text(write_watch(tmp_path, base, ["healthy"]).read_text() +
                      f'\n[[sources]]\nname = "retry"\nkind = "feeds"\n'
                      f'urls = ["{base}{FAULTS_COPY["retry"][0]}"]\n', encoding="utf-8")
    proc, _ = run_cli(config, tmp_path / "v.duckdb", limit=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert len(hits) == 2 and hits[1] - hits[0] >= 0.9
    assert dict(query(tmp_path / "v.duckdb", "SELECT source, count(*) FROM items GROUP BY 1")
                ) == {"healthy": 5, "retry": 4}
