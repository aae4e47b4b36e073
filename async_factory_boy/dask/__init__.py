"""Run the ``seed`` command's shards on a Dask distributed cluster.

    from dask.distributed import Client
    from async_factory_boy.dask import seed_on_dask

    with Client("tcp://scheduler:8786") as client:
        report = seed_on_dask(
            client, ["myapp.factories:PostFactory"], url=URL, count=1_000_000, seed=7, shards=16
        )

Needs the ``dask`` extra (``pip install "async-factory-boy[dask]"``). Each shard is the
command itself, run inside a worker: see docs/seeding-at-scale.md.
"""

from __future__ import annotations

from . import _requires  # noqa: F401  (first: name the extra before importing Dask)
from ._report import SeedReport, ShardProgress
from ._submit import seed_on_dask

__all__ = ["SeedReport", "ShardProgress", "seed_on_dask"]
