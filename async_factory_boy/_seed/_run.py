"""One ``seed`` run: check everything, ask before writing far away, write batch by batch.

Every batch is its own transaction: a failure rolls back that batch only and keeps the
committed ones; Ctrl-C lets the running batch finish, stops before the next one and prints
the same report (a second Ctrl-C abandons the running batch, which is rolled back).
Nothing of a batch is kept in memory once it is written, so memory stays flat as the
count grows. Each batch starts from random and sequence state of its own (``_determinism``)
and commits with its progress record (``_progress``), so a run can be split (``--shard``,
``--workers``) and resumed (``--resume``) without changing a row.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass

from .._seeding import BuildsAhead, RebuildBatch
from ._batches import Batch, Job
from ._cli import SeedOptions
from ._collector import set_aside
from ._determinism import batch_seed, reseed
from ._errors import SeedError, one_line
from ._output import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, Output, report_error
from ._plan import (
    Plan,
    Writer,
    make_plan,
    open_writer,
    parse_url,
    registered_target,
    writer_for,
)
from ._progress import BatchWrite
from ._specs import load_factory
from ._url import Redactor, Target

__all__ = ["EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "report", "run"]

_MISSING_TABLE_HINTS = ("no such table", "does not exist", "doesn't exist")

#: A child of the package's ``async_factory_boy`` logger: one DEBUG line per written batch
#: (the factory calls' lines are the core's; a seed batch is not a factory call).
LOGGER = logging.getLogger("async_factory_boy.seed")


class _Interrupted(Exception):
    """Ctrl-C was pressed: stop between batches."""


def _confirm(target: Target, jobs: list[Job], yes: bool, output: Output) -> None:
    """Ask before writing to a database that is not local; refuse when no one can answer."""
    if target.local or yes:
        return
    why = getattr(target, "elsewhere", "") or (
        "every host it names must be a loopback host or a socket path"
    )
    where = f"{target.display} is not a local database ({why})"
    if not sys.stdin.isatty():
        raise SeedError(f"{where}; pass --yes to seed it anyway. Nothing was written.")
    total = sum(job.count for job in jobs)
    answer = output.prompt(f"{where}.\nWrite {total:,} objects to it? [y/N] ")
    if answer.strip().lower() not in {"y", "yes"}:
        raise SeedError("not confirmed. Nothing was written.")


def _load_jobs(options: SeedOptions) -> list[Job]:
    jobs = []
    for spec in options.factories:
        count = options.count if spec.count is None else spec.count
        jobs.append(Job(spec.path, load_factory(spec), count))
    return jobs


def _prepare(options: SeedOptions, redact: Redactor) -> tuple[Target, Writer, list[Job]]:
    url_error: SeedError | None = None
    target: Target | None = None
    try:
        target = parse_url(options.url, options.database, redact)
    except SeedError as exc:
        url_error = exc
    try:
        jobs = _load_jobs(options)
    except SeedError:
        if url_error is not None:  # the URL's error is the first thing to fix
            raise url_error from None
        raise
    # Importing the factories registered the backends they are built on: one of them may
    # take URLs of its own (``Backend.seed_urls``), which wins over a SQL reading of it.
    claimed = registered_target(options.url, options.database, redact)
    if claimed is not None:
        target = claimed
    elif url_error is not None or target is None:
        raise url_error or SeedError(f"no backend takes the URL {redact(options.url)}.")
    writer = writer_for(target, [job.factory for job in jobs], options.copy)
    for job in jobs:
        writer.check_factory(job.path, job.factory)
    return target, writer, jobs


def report(exc: SeedError, options: SeedOptions, output: Output) -> int:
    """Print ``exc`` as one ``error:`` line (its cause's traceback first with
    ``--traceback``); the exit status."""
    return report_error(exc, output, show_traceback=options.traceback)


def run(options: SeedOptions, output: Output, redact: Redactor) -> int:
    """Run the seed command; the exit status (0, 1 on any error, 130 on Ctrl-C)."""
    try:
        target, writer, jobs = _prepare(options, redact)
        _confirm(target, jobs, options.yes, output)
    except SeedError as exc:
        return report(exc, options, output)
    if options.workers > 1:
        from ._workers import run_workers

        return run_workers(options, target, writer, jobs, output, run)
    return asyncio.run(_seed(options, target, writer, jobs, output))


async def _seed(
    options: SeedOptions, target: Target, writer: Writer, jobs: list[Job], output: Output
) -> int:
    stop = asyncio.Event()
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()

    def on_sigint() -> None:
        if stop.is_set() and task is not None:
            task.cancel()  # second Ctrl-C: abandon the running batch (rolled back)
            return
        stop.set()

    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGINT, on_sigint)
    counts: Counter[str] = Counter()
    plan = make_plan(options, jobs, options.shard)
    try:
        try:
            await open_writer(options, target, writer, plan)
        except SeedError as exc:
            return report(exc, options, output)
        started = time.perf_counter()
        try:
            with set_aside():
                await _write(plan, options, writer, counts, started, stop, output)
        except _Interrupted:
            output.summary(target.display, counts, time.perf_counter() - started, "Interrupted:")
            output.error(
                f"interrupted by Ctrl-C; {sum(counts.values()):,} rows were written in "
                "committed batches and kept (--resume writes the rest)."
            )
            return EXIT_INTERRUPTED
        except asyncio.CancelledError:
            output.summary(target.display, counts, time.perf_counter() - started, "Interrupted:")
            output.error(
                f"interrupted by Ctrl-C; the running batch was rolled back; "
                f"{sum(counts.values()):,} rows were written in committed batches and kept "
                "(--resume writes the rest)."
            )
            return EXIT_INTERRUPTED
        except _BatchFailed as failed:
            output.summary(target.display, counts, time.perf_counter() - started, "Stopped:")
            return report(SeedError(str(failed), cause=failed.__cause__), options, output)
    finally:
        with contextlib.suppress(Exception):
            await writer.close()
    output.summary(target.display, counts, time.perf_counter() - started, "Seeded")
    return EXIT_OK


class _BatchFailed(Exception):
    """A batch failed and was rolled back; the message says what and how much is kept."""


def _log_batch(name: str, number: int, size: int, written: Counter[str], started: float) -> None:
    """``seed batch 3 of PostFactory: 1000 objects, rows written: 2000 (authors 1000, ...)``."""
    LOGGER.debug(
        "seed batch %d of %s: %d objects, rows written: %d (%s), %.2f ms",
        number + 1,
        name,
        size,
        sum(written.values()),
        ", ".join(f"{table} {rows}" for table, rows in written.items()),
        (time.perf_counter() - started) * 1000.0,
    )


async def _write_batch(
    plan: Plan, options: SeedOptions, writer: Writer, batch: Batch
) -> Counter[str]:
    """Write one batch, from the state the batch alone decides (seeds, sequences).

    A writer whose fast path turns out not to fit the batch (``RebuildBatch``, raised before
    anything of it is written) has rolled it back and taken its ordinary path for that
    factory: the batch is built again from the same state, so its rows are the same.
    """
    for rebuilt in (False, True):
        try:
            return await writer.write_batch(_start(plan, options, batch))
        except RebuildBatch as rebuild:
            if rebuilt:  # the ordinary path does not raise it: never twice
                raise
            _log_rebuild(plan, batch, rebuild)
    raise AssertionError("unreachable")  # the second attempt returns or raises


async def _write(
    plan: Plan,
    options: SeedOptions,
    writer: Writer,
    counts: Counter[str],
    started: float,
    stop: asyncio.Event,
    output: Output,
) -> None:
    """Write the plan's batches not yet committed, in order, one transaction each.

    Where the writer can build a batch without its connection (the SQL writer's rows path,
    :class:`~async_factory_boy._seeding.BuildsAhead`), the next batch is built while the
    current one is written: the build is CPU in this process, the write mostly waiting for
    the server, so each hides the other. Batches are still committed one after another, in
    order: a batch is only written once the one before it committed, a failed write stops
    the run before the next batch is written, and the next batch's build (which wrote
    nothing) is dropped.
    """
    books = _Books(plan, counts, started, output, options.create_tables)
    ahead = writer if isinstance(writer, BuildsAhead) and AHEAD else None
    pending: _Pending | None = None
    try:
        for batch in plan.batches:
            books.enter(batch)
            if plan.is_finished(batch):
                continue
            if stop.is_set():
                await _settle(pending, books)
                raise _Interrupted
            built: object | None = None
            batch_started = time.perf_counter()
            if ahead is not None and ahead.builds_ahead(plan.jobs[batch.job].factory):
                try:
                    built = await ahead.build(_start(plan, options, batch), pending is not None)
                except RebuildBatch as rebuild:
                    _log_rebuild(plan, batch, rebuild)
                except Exception as exc:
                    await _settle(pending, books)
                    raise books.failed(batch, exc) from exc
            await _settle(pending, books)
            pending = None
            if built is not None and ahead is not None:
                if stop.is_set():
                    raise _Interrupted
                task = asyncio.ensure_future(ahead.write_built(built))
                pending = _Pending(task, batch, batch_started)
                continue
            batch_started = time.perf_counter()
            try:
                written = await _write_batch(plan, options, writer, batch)
            except Exception as exc:
                raise books.failed(batch, exc) from exc
            books.written(batch, written, batch_started)
        await _settle(pending, books)
        pending = None
    finally:
        if pending is not None and not pending.task.done():
            pending.task.cancel()  # an error or a cancellation: its transaction rolls back
            with contextlib.suppress(BaseException):
                await pending.task


#: Off with ``ASYNC_FACTORY_BOY_SEED_AHEAD=0``: every batch built, then written.
AHEAD = os.environ.get("ASYNC_FACTORY_BOY_SEED_AHEAD", "1") != "0"


@dataclass
class _Pending:
    """A batch being written while the next one is built."""

    task: asyncio.Future[Counter[str]]
    batch: Batch
    started: float


async def _settle(pending: _Pending | None, books: _Books) -> None:
    """Wait for the batch being written; account for it, or stop the run on its failure."""
    if pending is None:
        return
    try:
        written = await pending.task
    except Exception as exc:
        raise books.failed(pending.batch, exc) from exc
    books.written(pending.batch, written, pending.started)


def _start(plan: Plan, options: SeedOptions, batch: Batch) -> BatchWrite:
    """What a writer needs for ``batch``, with the random state and the sequence counters
    set from what the batch alone decides (so a rebuild, or a build ahead, draws the same)."""
    job = plan.jobs[batch.job]
    if options.seed is not None:
        reseed(batch_seed(options.seed, job.path, batch.number))
    windows = plan.layout.start(batch)
    check = functools.partial(plan.layout.check, batch, windows)
    return BatchWrite(job.factory, batch.size, plan.record(batch), check)


def _log_rebuild(plan: Plan, batch: Batch, rebuild: RebuildBatch) -> None:
    LOGGER.debug(
        "batch %d of %s rebuilt with objects: %s",
        batch.number + 1,
        plan.jobs[batch.job].factory.__name__,
        rebuild,
    )


class _Books:
    """What a run reports as its batches commit: rows per table, objects per factory,
    progress lines, the DEBUG line per batch, the message of a failed batch."""

    def __init__(
        self,
        plan: Plan,
        counts: Counter[str],
        started: float,
        output: Output,
        create_tables: bool,
    ) -> None:
        self._plan = plan
        self._create_tables = create_tables
        self._counts = counts
        self._started = started
        self._output = output
        self._totals = [0] * len(plan.jobs)
        self._done = [0] * len(plan.jobs)
        for batch in plan.batches:
            self._totals[batch.job] += batch.size
            if plan.is_finished(batch):
                self._done[batch.job] += batch.size
        self._current: int | None = None

    def enter(self, batch: Batch) -> None:
        """A progress line when the run reaches the first batch of a factory."""
        if self._current != batch.job:
            self._current = batch.job
            self._progress(batch.job)

    def written(self, batch: Batch, written: Counter[str], batch_started: float) -> None:
        name = self._plan.jobs[batch.job].factory.__name__
        if LOGGER.isEnabledFor(logging.DEBUG):
            _log_batch(name, batch.number, batch.size, written, batch_started)
        self._counts.update(written)
        self._done[batch.job] += batch.size
        self._progress(batch.job)

    def failed(self, batch: Batch, exc: Exception) -> _BatchFailed:
        name = self._plan.jobs[batch.job].factory.__name__
        message = str(exc) if isinstance(exc, SeedError) else one_line(exc)
        hint = ""
        if not self._create_tables and any(h in message for h in _MISSING_TABLE_HINTS):
            hint = " (pass --create-tables to create the tables from the models)"
        return _BatchFailed(
            f"batch {batch.number + 1} of {name} failed and was rolled back: {message}{hint}; "
            f"{sum(self._counts.values()):,} rows were written before it and are kept."
        )

    def _progress(self, job: int) -> None:
        name = self._plan.jobs[job].factory.__name__
        elapsed = time.perf_counter() - self._started
        self._output.progress(
            name, self._done[job], self._totals[job], sum(self._counts.values()), elapsed
        )
