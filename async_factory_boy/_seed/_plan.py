"""The set-up of a run: which batches this process writes, and opening the writer on them
(tables, progress records, the refusal of a run already under way without ``--resume``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..factory import AsyncFactory
from ._batches import Batch, Job, Shard, batch_count, default_run_id, plan_batches
from ._cli import SeedOptions
from ._determinism import SequenceLayout
from ._errors import SeedError, one_line
from ._progress import BatchRecord, BatchWrite
from ._url import Target

__all__ = ["Plan", "Writer", "make_plan", "open_writer"]


class Writer(Protocol):
    """What the run needs of a writer (SQL, Mongo, Tortoise)."""

    def check_factory(self, path: str, factory: type[AsyncFactory[Any]]) -> None: ...
    async def connect(self) -> None: ...
    async def create_tables(self, factories: list[type[AsyncFactory[Any]]]) -> None: ...
    async def prepare_progress(self) -> None: ...
    async def finished_batches(self, run_id: str) -> set[tuple[str, int]]: ...
    async def read_progress(self, run_id: str | None) -> list[tuple[str, str, int, int]] | None: ...
    async def write_batch(self, batch: BatchWrite) -> Counter[str]: ...
    async def close(self) -> None: ...


@dataclass
class Plan:
    """The batches this process writes, and what it needs to write them."""

    run_id: str
    jobs: list[Job]
    batches: list[Batch]
    totals: list[int]  # batches per job in the whole run
    layout: SequenceLayout
    finished: set[tuple[str, int]] = field(default_factory=set)

    def record(self, batch: Batch) -> BatchRecord:
        """The progress record ``batch`` commits with."""
        job = self.jobs[batch.job]
        return BatchRecord(self.run_id, job.path, batch.number, self.totals[batch.job])

    def is_finished(self, batch: Batch) -> bool:
        """Whether ``batch`` was committed by an earlier process of the run."""
        return (self.jobs[batch.job].path, batch.number) in self.finished


def make_plan(options: SeedOptions, jobs: list[Job], shard: Shard | None) -> Plan:
    """The batches ``shard`` writes (every batch without one)."""
    return Plan(
        run_id=options.run_id or default_run_id(jobs, options.batch_size, options.seed),
        jobs=jobs,
        batches=plan_batches(jobs, options.batch_size, shard),
        totals=[batch_count(job.count, options.batch_size) for job in jobs],
        layout=SequenceLayout(jobs, options.batch_size, options.sequence_stride),
    )


async def open_writer(options: SeedOptions, target: Target, writer: Writer, plan: Plan) -> None:
    """Connect, create the tables (``--create-tables``) and the progress records, read the
    batches of the run already committed, and refuse a run that would write them again
    without ``--resume``. Raises :class:`SeedError`."""
    await writer.connect()
    if options.create_tables:
        try:
            await writer.create_tables([job.factory for job in plan.jobs])
        except Exception as exc:
            raise SeedError(
                f"creating the tables failed: {one_line(exc)}. Nothing was written.", cause=exc
            ) from None
    try:
        await writer.prepare_progress()
        plan.finished = await writer.finished_batches(plan.run_id)
    except Exception as exc:
        raise SeedError(
            f"reading the progress records of run {plan.run_id} failed: {one_line(exc)}. "
            "Nothing was written.",
            cause=exc,
        ) from None
    committed = sum(1 for batch in plan.batches if plan.is_finished(batch))
    if committed and not options.resume:
        raise SeedError(
            f"run {plan.run_id} already committed {committed:,} of the {len(plan.batches):,} "
            f"batches this command writes to {target.display} ('seed status' lists them): "
            "pass --resume to write only the others, or --run-id NAME to start another run. "
            "Nothing was written."
        )
