"""A Dask cluster for the tests: two worker processes of one thread each, as on a laptop.

One cluster per module (it starts in a few seconds); the workers import the factories from
the repository, like workers of a real cluster with the project installed.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dask.distributed import Client, LocalCluster

from tests.dask._blog import remove_fault
from tests.seed._db import wipe

# Children first; then the seed command's progress records.
TABLES = ("post_tags", "comments", "posts", "tags", "authors", "async_factory_boy_seed_progress")


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
    _clean(postgres_asyncpg_url)
    yield postgres_asyncpg_url
    _clean(postgres_asyncpg_url)


def _clean(url: str) -> None:
    wipe(url, *TABLES)
    remove_fault(url)
