"""Exactly-once resume (issue 16): each batch commits with its progress record, so a run
killed at any point and resumed ends with the rows of an uninterrupted run."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable

import pytest

from async_factory_boy._seed._progress import TABLE
from examples.blog.models import Base
from tests.seed._content import blog_content
from tests.seed._db import count, drop_tables, query
from tests.seed.conftest import ROOT, messages, run_seed, seed_env

BLOG = "examples.blog.factories:PostFactory"
POSTS = "tests.seed.factories:PostFactory"
AUTHORS = "tests.seed.factories:AuthorFactory"
TAGS = "examples.blog.factories:TagFactory"
RUN = ("-n", "60", "--batch-size", "2", "--seed", "3", "--create-tables", "-q")
BATCHES = 30

SERVERS = [
    pytest.param("sqlite_url", marks=pytest.mark.sqlite, id="sqlite"),
    pytest.param("postgres_asyncpg_url", marks=pytest.mark.postgres, id="postgres-asyncpg"),
    pytest.param("postgres_psycopg_url", marks=pytest.mark.postgres, id="postgres-psycopg"),
]


def _recorded(url: str) -> int:
    try:
        return count(url, TABLE)
    except Exception:  # the run has not created the table yet
        return 0


def _kill_after(url: str, batches: int, *extra: str) -> int:
    """Start the run, SIGKILL it once ``batches`` batches are recorded; how many were."""
    process = subprocess.Popen(
        [sys.executable, "-m", "async_factory_boy", "seed", BLOG, *RUN, *extra, "--url", url],
        cwd=ROOT,
        env=seed_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while _recorded(url) < batches and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL, stderr
    return _recorded(url)


@pytest.mark.parametrize("url_fixture", SERVERS)
def test_a_run_killed_twice_then_resumed_has_the_rows_of_an_uninterrupted_run(
    url_fixture: str, request: pytest.FixtureRequest, blog_tables: Callable[[str], str]
) -> None:
    url: str = blog_tables(request.getfixturevalue(url_fixture))
    assert run_seed(BLOG, *RUN, "--url", url).returncode == 0
    expected = blog_content(url)
    drop_tables(url, Base.metadata)

    first = _kill_after(url, 3)
    second = _kill_after(url, first + 5, "--resume")
    assert 0 < first < second < BATCHES  # both kills landed in the middle of the run
    result = run_seed(BLOG, *RUN, "--resume", "--url", url)

    assert result.returncode == 0, result.stderr
    assert blog_content(url) == expected
    assert count(url, "posts") == 60
    assert _recorded(url) == BATCHES


@pytest.mark.sqlite
def test_a_run_already_under_way_is_refused_without_resume(sqlite_url: str) -> None:
    first = run_seed(POSTS, "-n", "4", "--batch-size", "2", "--create-tables", "--url", sqlite_url)
    assert first.returncode == 0, first.stderr

    again = run_seed(POSTS, "-n", "4", "--batch-size", "2", "--url", sqlite_url)

    assert again.returncode == 1
    [error] = messages(again.stderr)
    assert error.startswith("error: run seed-")
    assert "already committed 2 of the 2 batches this command writes" in error
    assert "pass --resume" in error
    assert count(sqlite_url, "posts") == 4


@pytest.mark.sqlite
def test_resume_writes_only_the_batches_not_recorded(sqlite_url: str) -> None:
    args = (POSTS, "-n", "6", "--batch-size", "2", "--create-tables", "--url", sqlite_url)
    assert run_seed(*args, "--shard", "1/3").returncode == 0

    result = run_seed(*args, "--resume")

    assert result.returncode == 0, result.stderr
    assert count(sqlite_url, "posts") == 6
    assert query(sqlite_url, "SELECT COUNT(DISTINCT email) FROM authors") == [(6,)]
    assert any(line.startswith("Seeded 8 rows") for line in result.stdout.splitlines())


@pytest.mark.sqlite
def test_status_shows_each_factory_of_each_run(sqlite_url: str) -> None:
    nightly = run_seed(
        POSTS, f"{AUTHORS}=1", "-n", "5", "--batch-size", "2", "--create-tables",
        "--run-id", "nightly", "--shard", "0/2", "--url", sqlite_url,
    )  # fmt: skip
    full = run_seed(TAGS, "-n", "3", "--batch-size", "2", "--run-id", "full", "--url", sqlite_url)
    assert (nightly.returncode, full.returncode) == (0, 0), nightly.stderr + full.stderr

    everything = run_seed("status", "--url", sqlite_url)
    one = run_seed("status", "--run-id", "nightly", "--url", sqlite_url)

    assert (everything.returncode, everything.stderr) == (0, "")
    assert [line.split() for line in everything.stdout.splitlines()] == [
        ["full", TAGS, "batches", "2/2", "rows", "3", "complete"],
        # batches 0 and 2 of the posts; the authors' one batch is batch 3 of the run: shard 1's
        ["nightly", POSTS, "batches", "2/3", "rows", "6", "incomplete"],
    ]
    assert one.stdout.splitlines() == everything.stdout.splitlines()[1:]


@pytest.mark.sqlite
def test_status_without_records_says_so(sqlite_url: str) -> None:
    result = run_seed("status", "--url", sqlite_url)

    assert result.returncode == 0
    assert result.stdout.startswith("no progress records of seed runs in sqlite+aiosqlite:///")
