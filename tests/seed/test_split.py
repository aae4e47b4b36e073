"""The same rows however a run is split (issue 16): one run, N shards, N workers."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import pytest

from examples.blog.models import Base
from tests.seed._content import blog_content
from tests.seed._db import count, create_tables, drop_tables, query
from tests.seed.conftest import ROOT, messages, run_seed, seed_env

BLOG = "examples.blog.factories:PostFactory"
ARGS = ("-n", "7", "--batch-size", "2", "--seed", "11", "-q")
SPLIT = (*ARGS, "--create-tables")


def _one_run(url: str) -> dict[str, list[tuple[object, ...]]]:
    """The content of an uninterrupted single-process run, then an empty database again."""
    drop_tables(url, Base.metadata)
    result = run_seed(BLOG, *SPLIT, "--url", url)
    assert result.returncode == 0, result.stderr
    content = blog_content(url)
    drop_tables(url, Base.metadata)
    assert len(content["comments"]) == 21  # the comparisons below are not vacuous
    return content


def test_shards_write_the_rows_of_one_run(sql_url: str, blog_tables: Callable[[str], str]) -> None:
    expected = _one_run(blog_tables(sql_url))

    for shard in ("1/2", "0/2"):  # in any order, as a scheduler may start them
        result = run_seed(BLOG, *SPLIT, "--shard", shard, "--url", sql_url)
        assert result.returncode == 0, result.stderr

    assert blog_content(sql_url) == expected


@pytest.mark.postgres
def test_shards_started_together_write_the_rows_of_one_run(
    postgres_asyncpg_url: str, blog_tables: Callable[[str], str]
) -> None:
    """As a scheduler starts them: at once, racing to create the progress table."""
    url = blog_tables(postgres_asyncpg_url)
    expected = _one_run(url)
    create_tables(url, Base.metadata)

    shards = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "async_factory_boy",
                "seed",
                BLOG,
                *ARGS,
                "--shard",
                f"{index}/3",
                "--url",
                url,
            ],
            cwd=ROOT,
            env=seed_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index in range(3)
    ]
    errors = [shard.communicate(timeout=120)[1] for shard in shards]

    assert [shard.returncode for shard in shards] == [0, 0, 0], errors
    assert errors == ["", "", ""]
    assert blog_content(url) == expected


@pytest.mark.parametrize("url_fixture", ["postgres_asyncpg_url", "postgres_psycopg_url"])
@pytest.mark.postgres
def test_two_workers_write_the_rows_of_one(
    url_fixture: str, request: pytest.FixtureRequest, blog_tables: Callable[[str], str]
) -> None:
    url: str = blog_tables(request.getfixturevalue(url_fixture))
    expected = _one_run(url)

    result = run_seed(BLOG, *SPLIT, "--workers", "2", "--url", url)

    assert result.returncode == 0, result.stderr
    assert blog_content(url) == expected


@pytest.mark.sqlite
def test_a_factory_and_one_it_reaches_keep_sequence_columns_unique(sqlite_url: str) -> None:
    """AuthorFactory is a job of its own and PostFactory's SubFactory: the two draw on one
    counter, in windows that never meet (authors.email is UNIQUE)."""
    result = run_seed(
        "tests.seed.factories:PostFactory", "tests.seed.factories:AuthorFactory",
        "-n", "10", "--batch-size", "3", "--create-tables", "--url", sqlite_url,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert query(sqlite_url, "SELECT COUNT(DISTINCT email) FROM authors") == [(20,)]


@pytest.mark.sqlite
def test_a_batch_that_outgrows_its_sequence_window_is_rolled_back(sqlite_url: str) -> None:
    """Each blog post makes 4 authors (its own and 3 commenters): a stride of 2 is too few."""
    result = run_seed(
        BLOG, "-n", "6", "--batch-size", "3", "--sequence-stride", "2", "--create-tables",
        "--url", sqlite_url,
    )  # fmt: skip

    assert result.returncode == 1
    [error] = messages(result.stderr)
    assert error.startswith("error: batch 1 of PostFactory failed and was rolled back: ")
    assert "AuthorFactory sequence numbers reached" in error
    assert "pass --sequence-stride 4 or more" in error
    assert count(sqlite_url, "posts") == 0
