"""How a run is cut: shards and workers split its batches exactly, whatever N (issue 16)."""

from __future__ import annotations

import pytest

from async_factory_boy._seed._batches import Job, Shard, default_run_id, plan_batches
from async_factory_boy._seed._workers import worker_shard
from tests.seed.factories import AuthorFactory, PostFactory

JOBS = [
    Job("tests.seed.factories:PostFactory", PostFactory, 23),
    Job("tests.seed.factories:AuthorFactory", AuthorFactory, 5),
]


def _keys(shard: Shard | None) -> list[tuple[int, int, int]]:
    return [(b.job, b.number, b.size) for b in plan_batches(JOBS, 4, shard)]


@pytest.mark.parametrize("total", [1, 2, 3, 7, 20])
def test_shards_take_every_batch_exactly_once(total: int) -> None:
    shards = [_keys(Shard(index, total)) for index in range(total)]

    assert sorted(key for shard in shards for key in shard) == sorted(_keys(None))
    assert max(map(len, shards)) - min(map(len, shards)) <= 1  # round-robin: even


@pytest.mark.parametrize(("shard", "workers"), [(None, 2), (None, 3), (Shard(1, 2), 2)])
def test_workers_split_their_shard_exactly(shard: Shard | None, workers: int) -> None:
    split = [_keys(worker_shard(shard, worker, workers)) for worker in range(workers)]

    assert sorted(key for part in split for key in part) == sorted(_keys(shard))


def test_the_run_id_names_what_decides_the_rows() -> None:
    same = default_run_id(JOBS, 4, 1)

    assert same == default_run_id(list(JOBS), 4, 1)
    assert len({same, default_run_id(JOBS, 5, 1), default_run_id(JOBS, 4, 2)}) == 3
    assert default_run_id(JOBS[:1], 4, 1) != same
