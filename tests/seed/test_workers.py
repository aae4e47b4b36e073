"""``--workers N``: a failing worker or Ctrl-C stops them all with one line (issue 16)."""

from __future__ import annotations

import re
import signal
import subprocess
import time
from collections.abc import Callable

import pytest

from async_factory_boy._seed._progress import TABLE
from tests.seed._db import count, query
from tests.seed.conftest import messages, run_seed, start_seed

POSTS = "tests.seed.factories:PostFactory"


def _start_two_workers(url: str) -> subprocess.Popen[str]:
    """A long run with two workers, once a worker has written its first progress."""
    process = start_seed(
        POSTS, "-n", "1000000", "--batch-size", "50", "--workers", "2", "--create-tables",
        "--url", url,
    )  # fmt: skip
    assert process.stderr is not None
    assert process.stderr.readline().startswith("PostFactory: ")
    return process


@pytest.mark.postgres
def test_a_failing_worker_stops_the_others_with_one_line(
    postgres_asyncpg_url: str, blog_tables: Callable[[str], str]
) -> None:
    url = blog_tables(postgres_asyncpg_url)
    result = run_seed(
        "tests.seed.factories:CollidingPostFactory", "-n", "2000", "--batch-size", "10",
        "--workers", "2", "--create-tables", "--url", url,
    )  # fmt: skip

    assert result.returncode == 1
    [error] = messages(result.stderr)
    # From the run's third batch on (worker 1's second, worker 2's second), authors repeat
    # an email: whichever worker gets there first is named, the other is stopped.
    assert re.match(
        r"error: worker [12] of 2 failed: batch [34] of CollidingPostFactory failed and was "
        r"rolled back: .*; the other workers were stopped; [\d,]+ rows in committed batches "
        r"are kept \(--resume writes the rest\)\.$",
        error,
    ), error
    assert "Traceback" not in result.stdout + result.stderr
    assert count(url, "posts") < 2000
    # Whatever was committed is recorded, batch for batch: --resume would write the rest.
    assert count(url, "posts") == 10 * count(url, TABLE)


@pytest.mark.postgres
def test_ctrl_c_stops_every_worker_after_its_batch(
    postgres_asyncpg_url: str, blog_tables: Callable[[str], str]
) -> None:
    url = blog_tables(postgres_asyncpg_url)
    process = _start_two_workers(url)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)

    assert process.returncode == 130, stderr
    [error] = messages(stderr)
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
    [error] = messages(result.stderr)
    assert error.startswith("error: --workers needs a database server: SQLite takes one writer")


@pytest.mark.postgres
def test_workers_end_when_the_parent_is_killed(
    postgres_asyncpg_url: str, blog_tables: Callable[[str], str]
) -> None:
    url = blog_tables(postgres_asyncpg_url)
    process = _start_two_workers(url)
    process.kill()
    process.communicate(timeout=10)
    time.sleep(2)  # a worker notices within half a second
    posts = count(url, "posts")
    time.sleep(1.5)

    assert count(url, "posts") == posts  # nobody writes any more
    assert posts == 50 * count(url, TABLE)


@pytest.mark.postgres
def test_workers_started_during_a_failed_preparation_write_nothing(
    postgres_asyncpg_url: str, blog_tables: Callable[[str], str]
) -> None:
    """The workers start while the parent prepares; a refusal of the parent's (this run is
    committed already) sends them away before their first statement."""
    url = blog_tables(postgres_asyncpg_url)
    args = (POSTS, "-n", "20", "--batch-size", "5", "--workers", "2", "--url", url)
    assert run_seed(*args, "--create-tables").returncode == 0

    again = run_seed(*args)

    assert again.returncode == 1, again.stderr
    [error] = messages(again.stderr)
    assert error.startswith("error: run ")
    assert "already committed 4 of the 4 batches" in error
    assert "Traceback" not in again.stdout + again.stderr
    assert count(url, "posts") == 20
    assert count(url, TABLE) == 4
