"""A MongoDB wire-protocol server for the tests: ``MONGO_URI`` when set, else SecantusDB.

SecantusDB (a MongoDB-compatible server written in Python, GPL, a test-only dependency) runs
as a subprocess on a free loopback port with its data in a private temporary directory, so
it uses its own core instead of competing with the tests for the GIL. It advertises itself
as a single-node replica set, so client sessions and multi-document transactions work.

With ``MONGO_URI`` set (a real ``mongod``, say) nothing is started; every run writes to
databases of its own (:func:`unique_database_name`) and drops them at the end.

These are plain functions so that any test package can use them; ``tests/mongo/conftest.py``
shows the fixtures built on them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pymongo import MongoClient

from tests import _servers

__all__ = [
    "SecantusProcess",
    "drop_database",
    "mongo_server",
    "ping",
    "start_secantus",
    "unique_database_name",
]

STARTUP_TIMEOUT = 30.0


def unique_database_name() -> str:
    """A database name no other concurrent test run uses."""
    return _servers.unique_database_name()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def ping(uri: str, timeout: float = 2.0) -> None:
    """Raise unless a server answers ``ping`` at ``uri``."""
    milliseconds = int(timeout * 1000)
    with MongoClient(
        uri, serverSelectionTimeoutMS=milliseconds, connectTimeoutMS=milliseconds
    ) as client:
        client.admin.command("ping")


def drop_database(uri: str, name: str) -> None:
    """Drop the database ``name`` (a no-op when it does not exist)."""
    with MongoClient(uri, serverSelectionTimeoutMS=5000) as client:
        client.drop_database(name)


@dataclass
class SecantusProcess:
    """A SecantusDB server running as a subprocess; :meth:`stop` ends it and removes its data."""

    process: subprocess.Popen[bytes]
    port: int
    directory: Path

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    def log(self) -> str:
        """The last lines the server printed (for error messages)."""
        path = self.directory / "secantus.log"
        lines = path.read_text(errors="replace").splitlines() if path.exists() else []
        return "\n".join(lines[-20:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.directory, ignore_errors=True)


def start_secantus(timeout: float = STARTUP_TIMEOUT) -> SecantusProcess:
    """Start SecantusDB on a free loopback port and wait until it answers ``ping``.

    Raises ``RuntimeError`` (with the server's last output) if it does not come up.
    """
    directory = Path(tempfile.mkdtemp(prefix="afb-secantus-"))
    port = _free_port()
    with (directory / "secantus.log").open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "secantus",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--storage-path",
                str(directory / "data"),
                "--log-level",
                "WARNING",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    server = SecantusProcess(process=process, port=port, directory=directory)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            output = server.log()
            server.stop()
            raise RuntimeError(f"SecantusDB exited with {process.returncode}:\n{output}")
        try:
            ping(server.uri, timeout=0.5)
        except Exception as exc:
            if time.monotonic() > deadline:
                output = server.log()
                server.stop()
                raise RuntimeError(
                    f"SecantusDB did not answer within {timeout} s: {exc}\n{output}"
                ) from exc
            time.sleep(0.1)
        else:
            return server


@contextlib.contextmanager
def mongo_server() -> Iterator[str]:
    """The URI of a MongoDB server for this test run: ``MONGO_URI``, or a fresh SecantusDB.

    A SecantusDB started here is stopped when the block ends.
    """
    configured = os.environ.get("MONGO_URI")
    if configured:
        ping(configured, timeout=5.0)
        yield configured
        return
    server = start_secantus()
    try:
        yield server.uri
    finally:
        server.stop()
