"""The submitting side: one Dask task per shard, progress drained as it arrives, one error.

The shards run the ``seed`` command itself (see :mod:`._shard`), so everything the command
guarantees (determinism with ``--seed``, disjoint shards, exactly-once ``--resume``) holds on
a cluster too; this module only fans the command out and gathers what comes back.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from distributed import Client, Event, Future, Queue

from .._seed._errors import SeedError
from ..errors import SeedShardError
from ._report import SeedReport, ShardProgress, ShardResult
from ._shard import EXIT_STOPPED, Channel, run_shard

__all__ = ["seed_on_dask"]

_POLL_INTERVAL = 0.1  # seconds between looks at the futures and the progress queue


@dataclass(frozen=True)
class _CommandLine:
    """The ``seed`` command line every shard of one run shares, but for ``--shard``."""

    factories: tuple[str, ...]
    url: str
    database: str | None
    count: int
    seed: int
    batch_size: int
    shards: int
    resume: bool
    run_id: str | None
    yes: bool

    def prepare(self, create_tables: bool) -> list[str]:
        """The run before the shards: write no object, but create the progress table (and
        the tables, if asked) once, instead of every shard racing to create them."""
        return [*self._common(), "--count", "0", *(["--create-tables"] if create_tables else [])]

    def shard(self, shard: int) -> list[str]:
        """The command line of shard ``shard`` (0-based) of ``shards``."""
        argv = [*self._common(), "--count", str(self.count), "--seed", str(self.seed)]
        if self.shards > 1:
            argv += ["--shard", f"{shard}/{self.shards}"]
        if self.resume:
            argv.append("--resume")
        if self.run_id is not None:
            argv += ["--run-id", self.run_id]
        return argv

    def _common(self) -> list[str]:
        argv = ["seed", *self.factories, "--url", self.url, "--batch-size", str(self.batch_size)]
        if self.database is not None:
            argv += ["--database", self.database]
        return [*argv, "--quiet", *(["--yes"] if self.yes else [])]


def _failure(result: ShardResult | None, future: Future[ShardResult]) -> str | None:
    """Why a task failed, in one line; None if it did not."""
    if result is None:
        exc = future.exception() if future.status == "error" else None
        return f"its task ended as {future.status!r}: {type(exc).__name__}: {exc}"
    if result.status == 0:
        return None
    if result.status == EXIT_STOPPED:
        return "it was stopped"
    return " / ".join(result.errors) or f"the seed command exited with status {result.status}"


class _Run:
    """The futures of one run, the progress queue drained into ``on_progress``, and the stop
    flag that ends the other shards when one fails."""

    def __init__(
        self,
        client: Client,
        channel: Channel,
        on_progress: Callable[[ShardProgress], object] | None,
    ) -> None:
        self.client = client
        self.channel = channel
        self.queue = Queue(channel.progress, client=client)
        self.stop = Event(channel.stop, client=client)
        self.on_progress = on_progress

    def drain(self) -> None:
        """Hand every progress message that has arrived to ``on_progress``, in order."""
        for event in self.queue.get(batch=True):
            if self.on_progress is not None:
                self.on_progress(event)

    def submit(self, argv: list[str], shard: int, shards: int, key: str) -> Future[ShardResult]:
        return self.client.submit(
            run_shard, argv, shard, shards, self.channel, key=key, pure=False, retries=0
        )

    def gather(
        self, futures: dict[int, Future[ShardResult]]
    ) -> tuple[list[ShardResult], tuple[int, str] | None]:
        """Wait for every future, forwarding progress; the results and the first failure
        (shard, reason). On that failure the other shards are told to stop between batches,
        and they are waited for: when this returns, nothing of the run is writing."""
        results: dict[int, ShardResult] = {}
        ended: set[int] = set()
        failed: tuple[int, str] | None = None
        try:
            while len(ended) < len(futures):
                time.sleep(_POLL_INTERVAL)
                self.drain()
                for shard, future in futures.items():
                    if shard in ended or future.status == "pending":
                        continue
                    ended.add(shard)
                    result = future.result() if future.status == "finished" else None
                    if result is not None:
                        results[shard] = result
                    reason = _failure(result, future)
                    if reason is not None and failed is None:
                        failed = (shard, reason)
                        self.stop.set()
            self.drain()
        except BaseException:
            self.stop.set()  # the submitter gave up (Ctrl-C): end the shards between batches
            raise
        return list(results.values()), failed


def seed_on_dask(
    client: Client,
    factories: Sequence[str],
    *,
    url: str,
    seed: int,
    shards: int,
    database: str | None = None,
    count: int = 100,
    batch_size: int = 1000,
    create_tables: bool = False,
    resume: bool = False,
    run_id: str | None = None,
    yes: bool = False,
    on_progress: Callable[[ShardProgress], object] | None = None,
) -> SeedReport:
    """Seed ``url`` from ``factories`` on a Dask cluster: one task per shard.

    Each task runs ``async-factory-boy seed FACTORIES --count COUNT --seed SEED --shard
    I/SHARDS`` inside a worker process (its own event loop), so the rows are those of one
    ``seed`` run with the same seed, however many shards and workers share the work.
    ``factories`` are ``package.module:FactoryClass`` strings, importable on the workers;
    ``url`` and ``database`` are the command's ``--url`` and ``--database`` (SQL or MongoDB).

    ``on_progress`` is called in this process with a :class:`ShardProgress` after each
    committed batch of each shard. If a shard fails, the others stop between batches (their
    committed batches stay), and :class:`~async_factory_boy.errors.SeedShardError` names the
    shard and its cause; ``resume=True`` then finishes the run without writing a batch twice.
    A first task prepares the database once, before the shards start: the progress table,
    and the models' tables with ``create_tables`` (shards creating them concurrently would
    race). ``run_id`` names the run's progress records (default: derived from the factories,
    counts, batch size and seed, as the command does). ``yes`` allows a database that is not
    local, as ``--yes`` does.

    A worker runs one shard at a time (the run reseeds process-wide random state).
    """
    if shards < 1:
        raise SeedError(f"seed_on_dask needs shards=1 or more, got shards={shards}.")
    started = time.perf_counter()
    name = f"async-factory-boy-seed-{uuid.uuid4().hex}"
    run = _Run(client, Channel(name), on_progress)
    command = _CommandLine(
        tuple(factories), url, database, count, seed, batch_size, shards, resume, run_id, yes
    )
    # Once, before the shards: shards creating the same tables concurrently would race.
    prepare = _Run(client, Channel(f"{name}-prepare"), None)
    argv = command.prepare(create_tables)
    _, failed = prepare.gather({0: prepare.submit(argv, 0, 1, f"{name}-prepare")})
    if failed is not None:
        raise SeedShardError(
            f"preparing the database failed: {failed[1]}. No shard was started.",
            shard=None,
            shards=shards,
            report=SeedReport.combine([], time.perf_counter() - started),
        )
    futures = {
        shard: run.submit(command.shard(shard), shard, shards, f"{name}-{shard}")
        for shard in range(shards)
    }
    results, failed = run.gather(futures)
    report = SeedReport.combine(results, time.perf_counter() - started)
    if failed is not None:
        shard, reason = failed
        raise SeedShardError(
            f"shard {shard} of {shards} failed: {reason}. The other shards were stopped "
            "between batches; the rows of committed batches are kept. "
            "Fix the cause and call again with resume=True to finish the run.",
            shard=shard,
            shards=shards,
            report=report,
        )
    return report
