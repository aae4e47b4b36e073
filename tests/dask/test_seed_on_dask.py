"""``seed_on_dask``: the seed command's shards as Dask tasks, on a two-process LocalCluster
and PostgreSQL (several shards write at once: SQLite's single writer is not the target).

The factory is the example blog's ``PostFactory`` (Faker text, a SubFactory, a List of
SubFactories, a RelatedFactoryList): every kind of state that must be the same however a
run is split.
"""

from __future__ import annotations

import time

import pytest
from dask.distributed import Client

from async_factory_boy.dask import ShardProgress, seed_on_dask
from async_factory_boy.errors import SeedShardError
from tests.dask._blog import content, fail_once_at_post
from tests.dask.conftest import TABLES
from tests.seed._db import count, wipe
from tests.seed.conftest import run_seed

POSTS = "examples.blog.factories:PostFactory"
COUNT = 24
BATCH = 4  # 6 batches: 3 shards of 2
SEED = 11


def _one_process_run(url: str) -> dict[str, list[tuple[object, ...]]]:
    """What ``async-factory-boy seed`` writes in one process with the same seed; the
    database is left empty again."""
    result = run_seed(
        POSTS, "-n", str(COUNT), "--batch-size", str(BATCH), "--seed", str(SEED),
        "--create-tables", "--quiet", "--url", url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = content(url)
    wipe(url, *TABLES)
    return rows


@pytest.mark.postgres
def test_shards_write_the_rows_of_one_process_run(dask_client: Client, blog_url: str) -> None:
    expected = _one_process_run(blog_url)

    report = seed_on_dask(
        dask_client, [POSTS], url=blog_url, count=COUNT, batch_size=BATCH, seed=SEED, shards=3,
        create_tables=True,
    )  # fmt: skip

    assert content(blog_url) == expected
    assert report.rows["posts"] == COUNT
    assert report.rows["comments"] == 3 * COUNT
    assert len(report.per_shard) == 3
    assert all(rows["posts"] == 2 * BATCH for rows in report.per_shard)


@pytest.mark.postgres
def test_progress_of_every_shard_reaches_the_submitter(dask_client: Client, blog_url: str) -> None:
    events: list[ShardProgress] = []

    report = seed_on_dask(
        dask_client, [POSTS], url=blog_url, count=COUNT, batch_size=BATCH, seed=SEED, shards=3,
        create_tables=True, on_progress=events.append,
    )  # fmt: skip

    last = {event.shard: event for event in events}
    assert sorted(last) == [0, 1, 2]
    assert all(event.shards == 3 and event.factory == "PostFactory" for event in events)
    assert all(event.done == event.total for event in last.values())
    assert sum(event.rows for event in last.values()) == report.total
    # After each committed batch, not only at the end.
    assert len(events) >= 3 * 2


@pytest.mark.postgres
def test_a_failing_shard_is_named_and_nothing_keeps_writing(
    dask_client: Client, blog_url: str
) -> None:
    fail_once_at_post(blog_url, row=2 * BATCH + 1)  # the third batch to be written

    with pytest.raises(SeedShardError) as failed:
        seed_on_dask(
            dask_client, [POSTS], url=blog_url, count=COUNT, batch_size=BATCH, seed=SEED,
            shards=3,
        )  # fmt: skip

    error = failed.value
    assert error.shards == 3
    assert error.shard in {0, 1, 2}
    message = str(error)
    assert f"shard {error.shard} of 3 failed" in message
    assert "injected fault at post 9" in message
    assert "resume=True" in message
    # Whole batches only, and when the error is raised every shard has ended.
    written = count(blog_url, "posts")
    assert written % BATCH == 0
    assert written < COUNT
    time.sleep(1.0)
    assert count(blog_url, "posts") == written


@pytest.mark.postgres
def test_resume_finishes_a_failed_run_with_the_rows_of_one_run(
    dask_client: Client, blog_url: str
) -> None:
    expected = _one_process_run(blog_url)
    fail_once_at_post(blog_url, row=2 * BATCH + 1)
    with pytest.raises(SeedShardError):
        seed_on_dask(
            dask_client, [POSTS], url=blog_url, count=COUNT, batch_size=BATCH, seed=SEED,
            shards=3,
        )  # fmt: skip

    seed_on_dask(
        dask_client, [POSTS], url=blog_url, count=COUNT, batch_size=BATCH, seed=SEED, shards=3,
        resume=True,
    )  # fmt: skip

    assert content(blog_url) == expected
