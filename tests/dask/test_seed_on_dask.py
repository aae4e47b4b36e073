"""``seed_on_dask``: the seed command's shards as Dask tasks, on a two-process LocalCluster
and PostgreSQL (several shards write at once: SQLite's single writer is not the target)."""

from __future__ import annotations

import pytest
from dask.distributed import Client

from async_factory_boy.dask import ShardProgress, seed_on_dask
from tests.seed._db import count

POSTS = "examples.blog.factories:PostFactory"


@pytest.mark.postgres
def test_progress_reaches_the_submitter(dask_client: Client, blog_url: str) -> None:
    events: list[ShardProgress] = []

    report = seed_on_dask(
        dask_client,
        [POSTS],
        url=blog_url,
        count=20,
        batch_size=5,
        seed=3,
        shards=1,
        create_tables=True,
        on_progress=events.append,
    )

    assert report.rows["posts"] == 20
    assert count(blog_url, "posts") == 20
    assert [event.done for event in events] == [0, 5, 10, 15, 20]
