"""The seed builds a batch on the rows path while the batch before it is written.

Building ahead must not change what is stored (every column of every table, seeded with
and without it, ``_run.AHEAD``), nor what a failure leaves: the batches before the failed
one, each committed with its progress record, and nothing after it. ``_seed_rows.PATHS``
counts the batches built apart from their write (``"ahead"``).
"""

from __future__ import annotations

from collections import Counter

import pytest

from async_factory_boy.__main__ import main
from async_factory_boy._seed import _run
from async_factory_boy._seed._progress import TABLE
from async_factory_boy.factory.sqlalchemy import _seed_rows
from examples.blog.models import Base as BlogBase
from tests.seed._db import count, drop_tables, query
from tests.seed.rows_models import Base as RowsBase

POSTS = "tests.seed.factories:PostFactory"


pytestmark = pytest.mark.usefixtures("fresh_rows_decisions")


def _seed(url: str, *args: str, ahead: bool = True) -> tuple[int, Counter[str]]:
    """The exit status of ``seed ARGS --url url -q``, and the batches written per path."""
    before = Counter(_seed_rows.PATHS)
    previous, _run.AHEAD = _run.AHEAD, ahead
    try:
        status = main(["seed", *args, "--url", url, "-q"])
    finally:
        _run.AHEAD = previous
    return status, Counter(_seed_rows.PATHS) - before


def _blog_tables(url: str) -> dict[str, list[tuple[object, ...]]]:
    return {name: query(url, f"SELECT * FROM {name} ORDER BY 1") for name in ("authors", "posts")}


def test_building_ahead_stores_what_building_in_turn_stores(sql_url: str) -> None:
    args = (POSTS, "-n", "10", "--batch-size", "3", "--seed", "7", "--create-tables")
    try:
        drop_tables(sql_url, BlogBase.metadata)
        status, paths = _seed(sql_url, *args, ahead=True)
        ahead = _blog_tables(sql_url)
        drop_tables(sql_url, BlogBase.metadata)
        status_in_turn, paths_in_turn = _seed(sql_url, *args, ahead=False)
        in_turn = _blog_tables(sql_url)
    finally:
        drop_tables(sql_url, BlogBase.metadata)

    assert (status, status_in_turn) == (0, 0)
    assert ahead == in_turn
    assert len(ahead["posts"]) == len(ahead["authors"]) == 10
    # Every batch was built apart from its write (the first with nothing to overlap).
    assert paths == Counter(rows=4, ahead=4)
    assert paths_in_turn == Counter(rows=4)


def test_a_write_that_calls_column_defaults_is_not_overlapped(sqlite_url: str) -> None:
    """A Python column default runs at the write and may draw random values: the next
    batch's build must not interleave with it (the same --seed gives the same rows)."""
    try:
        drop_tables(sqlite_url, RowsBase.metadata)
        status, paths = _seed(
            sqlite_url,
            "tests.seed.rows_models:ShelfFactory",
            "-n",
            "7",
            "--batch-size",
            "3",
            "--create-tables",
        )
    finally:
        drop_tables(sqlite_url, RowsBase.metadata)

    assert status == 0
    assert paths == Counter(rows=3)


def test_a_failed_write_stops_the_run_before_the_batch_built_after_it(sql_url: str) -> None:
    """The third batch's authors repeat an email: its write fails while the fourth batch is
    built; the run reports the third, keeps the first two, and writes nothing more."""
    try:
        drop_tables(sql_url, BlogBase.metadata)
        status, paths = _seed(
            sql_url,
            "tests.seed.factories:CollidingPostFactory",
            "-n",
            "60",
            "--batch-size",
            "10",
            "--create-tables",
        )
        posts, records = count(sql_url, "posts"), count(sql_url, TABLE)
    finally:
        drop_tables(sql_url, BlogBase.metadata)

    assert status == 1
    assert (posts, records) == (20, 2)
    assert paths == Counter(rows=2, ahead=2)
