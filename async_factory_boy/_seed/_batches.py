"""The plan of a run: its batches, which of them a shard writes, and the run's id.

A run is cut into batches the same way however it is split: factory by factory in the
order given, ``batch_size`` objects each (the last one shorter). Every batch has a global
index (its position in that list), and shard ``I/N`` takes the batches whose global index is
``I`` modulo ``N``: round-robin rather than contiguous ranges, so the shards stay even when a
run lists several factories of different counts, and a shard never needs the counts of the
others to know its share. Shards are numbered from 0, like a Kubernetes indexed Job's
``JOB_COMPLETION_INDEX`` and Python's ``range``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..factory import AsyncFactory
from ._errors import SeedError

__all__ = ["Batch", "Job", "Shard", "default_run_id", "parse_shard", "plan_batches"]


@dataclass
class Job:
    """One FACTORY argument, loaded: where it is, the class, how many objects to make."""

    path: str
    factory: type[AsyncFactory[Any]]
    count: int


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` of ``total`` (zero-based)."""

    index: int
    total: int

    def __str__(self) -> str:
        return f"{self.index}/{self.total}"


@dataclass(frozen=True)
class Batch:
    """Batch ``number`` (zero-based) of job ``job`` (its position on the command line)."""

    job: int
    number: int
    size: int
    index: int  # position among all batches of the run: what shards split on


def parse_shard(text: str) -> Shard:
    """``I/N`` with ``0 <= I < N``; a :class:`SeedError` naming the rule otherwise."""
    index_text, slash, total_text = text.partition("/")
    try:
        index, total = int(index_text), int(total_text)
    except ValueError:
        index, total = -1, 0
    if not slash or total < 1 or not 0 <= index < total:
        raise SeedError(
            f"--shard must be I/N with 0 <= I < N (shards are numbered from 0), got {text!r}."
        )
    return Shard(index, total)


def batch_count(count: int, batch_size: int) -> int:
    """How many batches ``count`` objects take."""
    return -(-count // batch_size)


def plan_batches(jobs: Sequence[Job], batch_size: int, shard: Shard | None) -> list[Batch]:
    """The batches of ``jobs`` that ``shard`` writes (all of them without a shard), in order."""
    batches: list[Batch] = []
    index = 0
    for position, job in enumerate(jobs):
        for number in range(batch_count(job.count, batch_size)):
            size = min(batch_size, job.count - number * batch_size)
            if shard is None or index % shard.total == shard.index:
                batches.append(Batch(position, number, size, index))
            index += 1
    return batches


def default_run_id(jobs: Sequence[Job], batch_size: int, seed: int | None) -> str:
    """``seed-`` and a digest of what decides the rows: the factories with their counts, the
    batch size and the seed. Every shard and worker of a run computes the same id, and a
    different run (another count, say) gets another one."""
    what: list[Any] = [[job.path, job.count] for job in jobs]
    text = json.dumps([what, batch_size, seed])
    return "seed-" + hashlib.sha256(text.encode()).hexdigest()[:12]
