"""A Dask cluster for the tests: two worker processes of one thread each, as on a laptop.

One cluster per module (it starts in a few seconds); the workers import the factories from
the repository, like workers of a real cluster with the project installed.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dask.distributed import Client, LocalCluster

from examples.blog.models import Base
from tests.seed._db import wipe

BLOG_TABLES = ("post_tags", "comments", "posts", "tags", "authors")


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Client]:
    """A client of a fresh two-process LocalCluster (no dashboard)."""
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


@pytest.fixture
def blog_url(postgres_asyncpg_url: str) -> Iterator[str]:
    """This run's PostgreSQL database without the blog's tables (the run's tests share it)."""
    wipe(postgres_asyncpg_url, "afb_fault", *BLOG_TABLES, *_progress_tables())
    yield postgres_asyncpg_url
    wipe(postgres_asyncpg_url, "afb_fault", *BLOG_TABLES, *_progress_tables())


def _progress_tables() -> tuple[str, ...]:
    """The seed command's own tables (its resume records), if this version has them."""
    return tuple(name for name in Base.metadata.tables if name.startswith("afb_seed"))
