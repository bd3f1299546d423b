"""Throw-away servers for DuckLake tests: a PostgreSQL cluster and a moto S3 endpoint.

Each fixture skips, saying why, where its piece is absent: the lake extensions (``pip install -e
".[lake-dev]"``), PostgreSQL's ``initdb`` or ``moto_server``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def lake_missing() -> str | None:
    """Why a DuckLake store cannot be opened here (None: it can)."""
    import duckdb

    from evalkit.errors import StoreError
    from evalkit.store._lake import extension_dir

    try:
        extension_dir(duckdb.connect())
    except StoreError as exc:
        return f"DuckLake tests need the lake extensions ({exc})"
    return None


@pytest.fixture(scope="session")
def lake_ok() -> None:
    """Skip unless the DuckLake extensions load."""
    reason = lake_missing()
    if reason:
        pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def _pg_tool(name: str) -> str | None:
    for folder in PG_BIN_DIRS:
        if (folder / name).is_file():
            return str(folder / name)
    return shutil.which(name)


@dataclass(frozen=True)
class Postgres:
    """A running throw-away cluster: ``conninfo(db)`` names a database on it."""

    port: int
    createdb: str
    user: str = "evalkit"

    def conninfo(self, dbname: str) -> str:
        return f"dbname={dbname} host=127.0.0.1 port={self.port} user={self.user}"

    def new_database(self) -> str:
        name = "lake_" + uuid.uuid4().hex[:10]
        subprocess.run(
            [self.createdb, "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, name],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        return name


def _as_postgres(cmd: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; as root, run its tools as the postgres user
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@pytest.fixture(scope="session")
def postgres(lake_ok: None) -> Iterator[Postgres]:
    """A PostgreSQL cluster on a free localhost port, trust auth, stopped at the end."""
    initdb, pg_ctl, createdb = _pg_tool("initdb"), _pg_tool("pg_ctl"), _pg_tool("createdb")
    if not (initdb and pg_ctl and createdb):
        pytest.skip(
            "PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql"
        )
    if os.geteuid() == 0 and not shutil.which("runuser"):
        pytest.skip("running as root needs runuser to start PostgreSQL as the postgres user")
    folder = Path(tempfile.mkdtemp(prefix="evalkit-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    port = free_port()
    init = subprocess.run(
        _as_postgres([initdb, "-D", str(data), "-U", "evalkit", "--auth=trust", "-E", "UTF8"]),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if init.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"initdb failed: {init.stderr.strip()[:300]}")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
    start = subprocess.run(
        _as_postgres([pg_ctl, "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w",
                      "start"]),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if start.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"pg_ctl start failed: {start.stderr.strip()[:300]}")
    try:
        yield Postgres(port, createdb)
    finally:
        subprocess.run(
            _as_postgres([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]),
            capture_output=True, timeout=120,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class S3:
    """A moto S3 endpoint: ``env`` holds the variables evalkit reads; ``new_bucket()`` makes one."""

    endpoint: str
    env: dict[str, str]

    def new_bucket(self) -> str:
        import boto3

        name = "evalkit-" + uuid.uuid4().hex[:10]
        client = boto3.client(
            "s3", endpoint_url=self.endpoint, region_name="us-east-1",
            aws_access_key_id=self.env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=self.env["AWS_SECRET_ACCESS_KEY"],
        )  # fmt: skip
        client.create_bucket(Bucket=name)
        return name


@pytest.fixture(scope="session")
def s3(lake_ok: None) -> Iterator[S3]:
    """``moto_server`` on a free localhost port, stopped at the end."""
    exe = Path(sys.executable).parent / "moto_server"
    server = str(exe) if exe.is_file() else shutil.which("moto_server")
    if not server:
        pytest.skip("moto_server not found: pip install 'moto[server]' (in the lake-dev extra)")
    port = free_port()
    proc = subprocess.Popen(
        [server, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_port(port)
        endpoint = f"http://127.0.0.1:{port}"
        env = {
            "AWS_ACCESS_KEY_ID": "evalkit-test-key",
            "AWS_SECRET_ACCESS_KEY": "evalkit-test-secret",
            "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL_S3": endpoint,
        }
        yield S3(endpoint, env)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
