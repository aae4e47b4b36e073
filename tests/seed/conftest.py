"""Fixtures of the seed command tests: run the command in a subprocess, read the database."""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest

from examples.blog.models import Base
from tests import _mongo_server
from tests.seed._db import drop_tables

ROOT = pathlib.Path(__file__).resolve().parents[2]


def seed_env() -> dict[str, str]:
    """The environment of a seed run: the repository importable, no URL inherited."""
    env = {k: v for k, v in os.environ.items() if k != "ASYNC_FACTORY_BOY_URL"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


# A plain progress line on stderr: ``PostFactory: 20/20 (100%), 2,412 rows/s, ETA 0:00``.
_PROGRESS_LINE = re.compile(r"^\w+: [\d,]+/[\d,]+ \(\d+%\), ")


def messages(stderr: str) -> list[str]:
    """The lines of ``stderr`` that are not progress: errors, tracebacks, usage."""
    return [line for line in stderr.splitlines() if not _PROGRESS_LINE.match(line)]


def seed_command(*args: str, python: tuple[str, ...] = ()) -> list[str]:
    """``python [PYTHON OPTIONS] -m async_factory_boy seed ARGS``: the one command line of
    every seed subprocess of the tests."""
    return [sys.executable, *python, "-m", "async_factory_boy", "seed", *args]


def run_seed(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``python -m async_factory_boy seed ARGS`` from the repository root, to its end."""
    return subprocess.run(
        seed_command(*args),
        cwd=ROOT,
        env=seed_env() if env is None else env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def start_seed(
    *args: str, python: tuple[str, ...] = (), stdout: int = subprocess.PIPE
) -> subprocess.Popen[str]:
    """The same command started, not awaited: for tests that signal or kill it, or run
    several at once (stdout and stderr are pipes unless ``stdout`` says otherwise)."""
    return subprocess.Popen(
        seed_command(*args, python=python),
        cwd=ROOT,
        env=seed_env(),
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def mongo_database_name(mongo_uri: str) -> Iterator[str]:
    """A database of the test's own on the Mongo server, dropped afterwards."""
    name = _mongo_server.unique_database_name()
    yield name
    _mongo_server.drop_database(mongo_uri, name)


_BLOCKER = """
import importlib.abc, runpy, sys

class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

BLOCKED = set(sys.argv[1].split(","))
sys.meta_path.insert(0, Blocker())
sys.argv = ["async-factory-boy", *sys.argv[2:]]
runpy.run_module("async_factory_boy", run_name="__main__", alter_sys=True)
"""


def run_seed_without(
    modules: tuple[str, ...], *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``seed ARGS`` in a Python where ``modules`` cannot be imported (not installed)."""
    return subprocess.run(
        [sys.executable, "-c", _BLOCKER, ",".join(modules), "seed", *args],
        cwd=ROOT,
        env=seed_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def blog_tables() -> Iterator[Callable[[str], str]]:
    """Drop the example blog's tables and the progress records in the URL given, now and
    after the test: a server database is shared by the run's tests."""
    urls: list[str] = []

    def empty(url: str) -> str:
        drop_tables(url, Base.metadata)
        urls.append(url)
        return url

    yield empty
    for url in urls:
        drop_tables(url, Base.metadata)


@pytest.fixture
def fresh_rows_decisions() -> Iterator[None]:
    """The seed's rows path decides eligibility afresh for the test (a factory whose batch
    was rebuilt with objects stays on objects for the rest of the process otherwise)."""
    from async_factory_boy.factory.sqlalchemy import _seed_rows

    _seed_rows._capable.clear()
    yield
    _seed_rows._capable.clear()
