"""Run seed command lines in-process behind a guard that blocks every non-loopback connection.

``python tests/adversarial/_guarded_seed.py CASES`` reads a JSON list of cases
(``{"argv": [...], "env": {...}}``), runs ``async_factory_boy.__main__.main(argv)`` for each
with ``env`` added to the environment (and stdin not a terminal), and prints a JSON list of
``{"status", "stderr", "blocked"}``: ``blocked`` lists the non-loopback addresses something
tried to resolve or connect to, which the guard refused. One interpreter for all cases keeps
the suite's time down; the guard is installed before anything of the library is imported.
"""

from __future__ import annotations

import contextlib
import io
import ipaddress
import json
import os
import socket
import sys
from typing import Any

blocked: list[str] = []


def _loopback(host: object) -> bool:
    if not isinstance(host, str):
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _allowed(address: Any) -> bool:
    if isinstance(address, (str, bytes)):  # a Unix socket path
        return True
    return isinstance(address, tuple) and _loopback(address[0])


_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex
_getaddrinfo = socket.getaddrinfo


def _guarded_connect(self: socket.socket, address: Any) -> None:
    if not _allowed(address):
        blocked.append(str(address[0] if isinstance(address, tuple) else address))
        raise ConnectionRefusedError(f"blocked by the test guard: {address!r}")
    _connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    if not _allowed(address):
        blocked.append(str(address[0] if isinstance(address, tuple) else address))
        raise ConnectionRefusedError(f"blocked by the test guard: {address!r}")
    return _connect_ex(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if host is not None and not _loopback(host if isinstance(host, str) else str(host)):
        blocked.append(str(host))
        raise socket.gaierror(socket.EAI_NONAME, f"blocked by the test guard: {host!r}")
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]  # the guard itself
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]  # the guard
socket.getaddrinfo = _guarded_getaddrinfo


def run_case(argv: list[str], env: dict[str, str]) -> dict[str, Any]:
    from async_factory_boy.__main__ import main

    saved = dict(os.environ)
    os.environ.update(env)
    blocked.clear()
    err, out = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            status = main(argv)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {"status": status, "stderr": err.getvalue(), "blocked": list(blocked)}


if __name__ == "__main__":
    sys.stdin = io.StringIO()  # no terminal: a non-local target is refused, never prompted
    cases = json.loads(sys.argv[1])
    print(json.dumps([run_case(case["argv"], case["env"]) for case in cases]))
