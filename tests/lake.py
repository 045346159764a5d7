"""A throw-away PostgreSQL server for the DuckLake tests: one cluster per test session, one
database per lake."""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from store import lake

# Debian's postgresql package puts the server's programs here, one folder per major version.
PG_ROOT = Path("/usr/lib/postgresql")
_names = itertools.count(1)


def server_bin() -> Path | None:
    """The newest installed PostgreSQL server's bin folder, or None when there is none."""
    found = sorted(PG_ROOT.glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                   else 0)
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running PostgreSQL cluster on 127.0.0.1, trusted for local connections."""

    bin: Path
    folder: Path
    port: int
    user: str | None  # the system user the server runs as (None: this process's)

    def run(self, program: str, *args: str) -> subprocess.CompletedProcess:
        """Run one of the server's programs as its user, failing loudly."""
        command = [str(self.bin / program), *args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, cwd=self.folder, capture_output=True, text=True,
                              timeout=120, check=True)

    def conninfo(self, database: str) -> str:
        """The libpq conninfo of ``database`` on this server."""
        return f"dbname={database} host=127.0.0.1 port={self.port} user=postgres"

    def new_database(self) -> str:
        """Create an empty database and return its conninfo."""
        name = f"lake{next(_names)}"
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return self.conninfo(name)


def start(root: Path, bin_folder: Path) -> Server:
    """``initdb`` a cluster under ``root`` and start it on a free port of 127.0.0.1.

    PostgreSQL refuses to run as root: as root, the cluster belongs to the ``postgres`` user.
    """
    user = "postgres" if os.geteuid() == 0 else None
    if user:
        shutil.chown(root, user)
    server = Server(bin_folder, root, _free_port(), user)
    server.run("initdb", "-D", str(root / "data"), "-A", "trust", "-U", "postgres",
               "--no-sync")
    server.run("pg_ctl", "-D", str(root / "data"), "-l", str(root / "log"), "-w", "start",
               "-o", f"-p {server.port} -k {root} -c listen_addresses=127.0.0.1 "
               "-c fsync=off")
    return server


def stop(server: Server) -> None:
    """Stop the cluster at once (its data is thrown away)."""
    server.run("pg_ctl", "-D", str(server.folder / "data"), "-m", "immediate", "-w", "stop")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Server]:
    """A PostgreSQL server for the whole session, removed at its end."""
    bin_folder = server_bin()
    if bin_folder is None:
        pytest.skip("PostgreSQL's server is not installed (Debian package postgresql): "
                    "the lake tests need it for the catalog")
    root = Path(tempfile.mkdtemp(prefix="veille-pg-"))
    root.chmod(0o755)
    server = start(root, bin_folder)
    try:
        yield server
    finally:
        lake.close_all()
        stop(server)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def lake_target(postgres_server, tmp_path, monkeypatch) -> str:
    """A new empty lake: its store target, with its data folder in ``VEILLE_LAKE_DATA_PATH``
    (for this process and the ones it starts)."""
    monkeypatch.setenv(lake.DATA_PATH_ENV, str(tmp_path / "lake-data"))
    return lake.PREFIX + "postgres:" + postgres_server.new_database()


@pytest.fixture
def s3_lake_target(postgres_server, monkeypatch) -> Iterator[tuple[str, object]]:
    """A new empty lake whose data files go to a bucket of an S3-compatible server on
    127.0.0.1 (moto in server mode): its store target and an S3 client of that server, with
    the AWS variables set for this process and the ones it starts."""
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://{host}:{port}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "veille-test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "veille-test-secret-0123")
    monkeypatch.setenv("AWS_REGION", "eu-west-3")
    client = boto3.client("s3")
    client.create_bucket(Bucket="veille-lake",
                         CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    monkeypatch.setenv(lake.DATA_PATH_ENV, "s3://veille-lake/watch")
    try:
        yield lake.PREFIX + "postgres:" + postgres_server.new_database(), client
    finally:
        server.stop()
