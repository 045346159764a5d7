"""DNS rebinding: the app server started by ``ui.launch`` answers only to its own host names,
over plain HTTP and on the websocket alike."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from tests.appserver import serving
from tests.conftest import ROOT

PROXY_NAME = "veille.example.com"
FOREIGN = ["evil.example", "127.0.0.1.evil.example", "localhost.evil.example", "evil"]


def exchange(url: str, host: str | None, path: str = "/", origin: str | None = None,
             upgrade: bool = False) -> tuple[int, bytes]:
    """Send one raw request to the server at ``url`` with exactly this ``Host`` header (none
    when None), as a rebinding browser would; return the status and the start of the body."""
    where = urlsplit(url)
    lines = [f"GET {path} HTTP/1.1"]
    if host is not None:
        lines.append(f"Host: {host}")
    if origin is not None:
        lines.append(f"Origin: {origin}")
    if upgrade:
        key = base64.b64encode(os.urandom(16)).decode()
        lines += ["Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13",
                  f"Sec-WebSocket-Key: {key}"]
    else:
        lines.append("Connection: close")
    with socket.create_connection((where.hostname, where.port), timeout=30) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        if not upgrade:
            while chunk := sock.recv(4096):
                data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data.partition(b"\r\n\r\n")[2][:2000]


def stream(url: str, host: str) -> int:
    """The status of a websocket upgrade of Streamlit's stream, Origin matching Host."""
    return exchange(url, host, "/_stcore/stream", origin=f"http://{host}", upgrade=True)[0]


@pytest.fixture(scope="module")
def app(demo_db, tmp_path_factory) -> str:
    """The app as ``make run`` starts it, with a reverse proxy's name in ``[ui]``."""
    folder = tmp_path_factory.mktemp("hosts")
    config = folder / "watch.toml"
    config.write_text((demo_db.parent / "watch.toml").read_text(encoding="utf-8")
                      + f'\n[ui]\nallowed_hosts = ["{PROXY_NAME}"]\n', encoding="utf-8")
    env = {"VEILLE_CONFIG": str(config), "VEILLE_ALLOWED_HOSTS": None}
    with serving(demo_db, folder / "server.log", env=env) as url:
        yield url


def test_a_foreign_host_is_refused_over_http(app):
    port = urlsplit(app).port
    for name in FOREIGN:
        for host in (name, f"{name}:{port}"):
            status, body = exchange(app, host)
            assert status == 403, host
            assert b"allowed_hosts" in body and b"<" not in body  # says why, runs nothing
    assert exchange(app, None)[0] in (400, 403)
    assert exchange(app, f"evil.example:{port}", "/_stcore/health")[0] == 403


def test_a_foreign_host_cannot_open_the_websocket(app):
    port = urlsplit(app).port
    for name in FOREIGN:
        assert stream(app, f"{name}:{port}") == 403, name


def test_the_machines_own_names_and_the_configured_name_are_served(app):
    port = urlsplit(app).port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", "LocalHost",
                 PROXY_NAME, f"{PROXY_NAME}:443", f"{PROXY_NAME.upper()}."):
        status, body = exchange(app, host)
        assert status == 200, host
        assert b"<html" in body.lower(), host
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", PROXY_NAME):
        assert stream(app, host) == 101, host


def test_the_environment_overrides_the_file(demo_db, tmp_path):
    env = {"VEILLE_CONFIG": str(tmp_path / "absent.toml"),
           "VEILLE_ALLOWED_HOSTS": "veille.internal, 10.0.0.5"}
    with serving(demo_db, tmp_path / "server.log", env=env) as url:
        assert exchange(url, "veille.internal:8443")[0] == 200
        assert exchange(url, "10.0.0.5")[0] == 200
        assert exchange(url, PROXY_NAME)[0] == 403
        assert stream(url, "veille.internal") == 101


@pytest.mark.parametrize(("hosts", "words"), [
    (None, "watch.toml: [ui], field 'allowed_hosts': 'https://veille.example.com/' is not a "
           "host name"),
    ("ok.example, bad/name", "VEILLE_ALLOWED_HOSTS: 'bad/name' is not a host name"),
])
def test_a_misconfigured_name_stops_the_app_before_it_serves(tmp_path, hosts, words):
    config = tmp_path / "watch.toml"
    config.write_text('[ui]\nallowed_hosts = ["https://veille.example.com/"]\n',
                      encoding="utf-8")
    environ = {k: v for k, v in os.environ.items() if k != "VEILLE_ALLOWED_HOSTS"}
    environ["VEILLE_CONFIG"] = str(config)
    if hosts is not None:
        environ["VEILLE_ALLOWED_HOSTS"] = hosts
    proc = subprocess.run([sys.executable, "-m", "ui.launch", "run", "app.py",
                           "--server.port", "1", "--server.headless", "true"],
                          cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert words in proc.stderr and "Traceback" not in proc.stderr
