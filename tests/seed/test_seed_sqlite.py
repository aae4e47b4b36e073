"""The seed command on SQLite: what it writes, what it prints, how it stops."""

from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys
import time

import pytest

from tests.seed._db import count, query
from tests.seed._reference import create_like_seed
from tests.seed.conftest import ROOT, messages, run_seed, seed_env, start_seed

pytestmark = pytest.mark.sqlite

POSTS = "tests.seed.factories:PostFactory"
AUTHORS = "tests.seed.factories:AuthorFactory"


def test_writes_each_object_and_what_it_references(sqlite_url: str) -> None:
    result = run_seed(
        POSTS, "--count", "25", "--batch-size", "10", "--create-tables", "--url", sqlite_url
    )

    assert result.returncode == 0, result.stderr
    assert count(sqlite_url, "posts") == 25
    assert count(sqlite_url, "authors") == 25
    orphans = (
        "SELECT COUNT(*) FROM posts LEFT JOIN authors a ON a.id = author_id WHERE a.id IS NULL"
    )
    assert query(sqlite_url, orphans) == [(0,)]


def test_create_tables_covers_models_of_generic_async_factories(sqlite_url: str) -> None:
    """A mapped model on ``AsyncFactory`` itself: ``--create-tables`` creates its tables."""
    result = run_seed(
        "tests.seed.factories:GenericPostFactory", "-n", "3", "--create-tables", "--url", sqlite_url
    )

    assert result.returncode == 0, result.stderr
    assert count(sqlite_url, "posts") == 3
    assert count(sqlite_url, "authors") == 3


def test_summary_lists_rows_per_table_time_and_rate(sqlite_url: str) -> None:
    result = run_seed(POSTS, "--count", "5", "--create-tables", "--url", sqlite_url)

    lines = result.stdout.splitlines()
    assert any(line.startswith("Seeded 10 rows into sqlite+aiosqlite:///") for line in lines)
    assert "rows/s" in result.stdout
    assert any(line.split() == ["authors", "5"] for line in lines)
    assert any(line.split() == ["posts", "5"] for line in lines)
    assert all(line.startswith("PostFactory: ") for line in result.stderr.splitlines())


def test_a_factory_may_carry_its_own_count(sqlite_url: str) -> None:
    result = run_seed(f"{POSTS}=3", AUTHORS, "--count", "4", "--create-tables", "--url", sqlite_url)

    assert result.returncode == 0, result.stderr
    assert count(sqlite_url, "posts") == 3
    assert count(sqlite_url, "authors") == 3 + 4


def test_plain_progress_lines_when_not_a_terminal(sqlite_url: str) -> None:
    result = run_seed(
        POSTS, "--count", "20", "--batch-size", "5", "--create-tables", "--url", sqlite_url
    )

    """On stderr (stdout carries the summary only), one line at a time, with the ETA."""
    assert "PostFactory: 20/20 (100%)" in result.stderr
    assert "ETA 0:00" in result.stderr
    assert "\r" not in result.stderr
    assert "PostFactory:" not in result.stdout


def test_quiet_prints_nothing(sqlite_url: str) -> None:
    result = run_seed(POSTS, "--count", "5", "--create-tables", "--quiet", "--url", sqlite_url)

    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert count(sqlite_url, "posts") == 5


def test_url_from_the_environment(sqlite_url: str) -> None:
    env = {**seed_env(), "ASYNC_FACTORY_BOY_URL": sqlite_url}

    result = run_seed(POSTS, "--count", "2", "--create-tables", env=env)

    assert result.returncode == 0, result.stderr
    assert count(sqlite_url, "posts") == 2


def test_default_url_is_seed_db_in_the_current_directory(tmp_path: pathlib.Path) -> None:
    env = {**seed_env()}
    result = subprocess.run(
        [sys.executable, "-m", "async_factory_boy", "seed", POSTS, "-n", "2", "--create-tables"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert count(f"sqlite+aiosqlite:///{tmp_path / 'seed.db'}", "posts") == 2


def test_same_seed_same_data(tmp_path: pathlib.Path) -> None:
    first, second = (f"sqlite+aiosqlite:///{tmp_path / name}" for name in ("a.db", "b.db"))
    blog = "examples.blog.factories:PostFactory"

    for url in (first, second):
        result = run_seed(blog, "-n", "3", "--seed", "42", "--create-tables", "--url", url)
        assert result.returncode == 0, result.stderr

    for table in ("authors", "posts", "comments", "tags", "post_tags"):
        rows = f"SELECT * FROM {table} ORDER BY 1, 2"
        assert query(first, rows) == query(second, rows)


def test_stores_the_rows_create_batch_async_would(tmp_path: pathlib.Path) -> None:
    """Tags (many-to-many), comments (RelatedFactoryList) and keys: the same rows."""
    seeded, created = (f"sqlite+aiosqlite:///{tmp_path / name}" for name in ("s.db", "c.db"))
    blog = "examples.blog.factories:PostFactory"
    create_like_seed(created, "examples.blog.models:Base.metadata", (blog,), 4, 3, seed=7)

    result = run_seed(
        blog, "-n", "4", "--batch-size", "3", "--seed", "7", "--create-tables", "--url", seeded
    )

    assert result.returncode == 0, result.stderr
    for table in ("authors", "posts", "comments", "tags", "post_tags"):
        rows = f"SELECT * FROM {table} ORDER BY 1, 2"
        assert query(seeded, rows) == query(created, rows), table
    assert count(created, "comments") == 12  # the comparison is not vacuous


def test_missing_tables_suggest_create_tables(sqlite_url: str) -> None:
    result = run_seed(POSTS, "-n", "2", "--url", sqlite_url)

    assert result.returncode == 1
    assert "--create-tables" in result.stderr
    assert len(messages(result.stderr)) == 1


def test_a_failing_batch_is_rolled_back_and_committed_ones_kept(sqlite_url: str) -> None:
    result = run_seed(
        "tests.seed.factories:CollidingPostFactory",
        "-n",
        "50",
        "--batch-size",
        "10",
        "--create-tables",
        "--url",
        sqlite_url,
    )

    assert result.returncode == 1
    [error] = messages(result.stderr)
    assert error.startswith("error: batch 3 of CollidingPostFactory failed and was rolled back")
    assert "40 rows were written before it and are kept" in error
    assert "Traceback" not in result.stdout + result.stderr
    assert count(sqlite_url, "posts") == 20
    assert count(sqlite_url, "authors") == 20


def test_ctrl_c_stops_between_batches_with_the_report(sqlite_url: str) -> None:
    process = start_seed(
        POSTS, "-n", "1000000", "--batch-size", "200", "--create-tables", "--url", sqlite_url
    )
    assert process.stderr is not None
    first = process.stderr.readline()  # the first progress line: the run is under way
    assert first.startswith("PostFactory: 0/1,000,000")
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)

    assert process.returncode == 130
    assert "Traceback" not in stdout + stderr
    [error] = messages(stderr)
    assert error.startswith("error: interrupted by Ctrl-C")
    written = count(sqlite_url, "posts") + count(sqlite_url, "authors")
    assert f"{written:,} rows were written" in error
    assert f"Interrupted: {written:,} rows into" in stdout
    assert count(sqlite_url, "posts") % 200 == 0


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX console script layout")
def test_console_script(sqlite_url: str) -> None:
    script = pathlib.Path(sys.executable).with_name("async-factory-boy")

    result = subprocess.run(
        [str(script), "seed", POSTS, "-n", "2", "--create-tables", "--url", sqlite_url],
        cwd=ROOT,
        env=seed_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert count(sqlite_url, "posts") == 2
