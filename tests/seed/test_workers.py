"""``--workers N``: a failing worker or Ctrl-C stops them all with one line (issue 16)."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from async_factory_boy._seed._progress import TABLE
from examples.blog.models import Base
from tests.seed._db import count, drop_tables, query
from tests.seed.conftest import ROOT, run_seed, seed_env

POSTS = "tests.seed.factories:PostFactory"


@pytest.mark.postgres
def test_a_failing_worker_stops_the_others_with_one_line(postgres_asyncpg_url: str) -> None:
    url = postgres_asyncpg_url
    drop_tables(url, Base.metadata)
    result = run_seed(
        "tests.seed.factories:CollidingPostFactory", "-n", "2000", "--batch-size", "10",
        "--workers", "2", "--create-tables", "--url", url,
    )  # fmt: skip

    assert result.returncode == 2
    [error] = result.stderr.splitlines()
    # The run's third batch (the first whose authors repeat an email) is worker 1's second.
    assert error.startswith("error: worker 1 of 2 failed: batch 3 of CollidingPostFactory")
    assert "the other workers were stopped" in error
    assert "Traceback" not in result.stdout + result.stderr
    assert count(url, "posts") < 2000
    # Whatever was committed is recorded, batch for batch: --resume would write the rest.
    assert count(url, "posts") == 10 * count(url, TABLE)


@pytest.mark.postgres
def test_ctrl_c_stops_every_worker_after_its_batch(postgres_asyncpg_url: str) -> None:
    url = postgres_asyncpg_url
    drop_tables(url, Base.metadata)
    process = subprocess.Popen(
        [
            sys.executable, "-m", "async_factory_boy", "seed", POSTS, "-n", "1000000",
            "--batch-size", "50", "--workers", "2", "--create-tables", "--url", url,
        ],
        cwd=ROOT,
        env=seed_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert process.stdout is not None
    assert process.stdout.readline().startswith("PostFactory: ")  # a worker is writing
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)

    assert process.returncode == 130, stderr
    [error] = stderr.splitlines()
    assert error.startswith("error: interrupted by Ctrl-C; ")
    assert "(--resume writes the rest)" in error
    assert "Interrupted: " in stdout
    posts = count(url, "posts")
    assert posts == 50 * count(url, TABLE)
    assert query(url, "SELECT COUNT(DISTINCT email) FROM authors") == [(posts,)]


@pytest.mark.sqlite
def test_sqlite_takes_no_workers(sqlite_url: str) -> None:
    result = run_seed(POSTS, "--workers", "2", "--create-tables", "--url", sqlite_url)

    assert result.returncode == 2
    [error] = result.stderr.splitlines()
    assert error.startswith("error: --workers needs a database server: SQLite takes one writer")
