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
import signal
import sys
import time
from collections import Counter

from .._seeding import RebuildBatch
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
    job = plan.jobs[batch.job]
    for rebuilt in (False, True):
        if options.seed is not None:
            reseed(batch_seed(options.seed, job.path, batch.number))
        windows = plan.layout.start(batch)
        check = functools.partial(plan.layout.check, batch, windows)
        try:
            return await writer.write_batch(
                BatchWrite(job.factory, batch.size, plan.record(batch), check)
            )
        except RebuildBatch as rebuild:
            if rebuilt:  # the ordinary path does not raise it: never twice
                raise
            LOGGER.debug(
                "batch %d of %s rebuilt with objects: %s",
                batch.number + 1,
                job.factory.__name__,
                rebuild,
            )
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
    """Write the plan's batches not yet committed, in order, one transaction each."""
    totals = [0] * len(plan.jobs)
    done = [0] * len(plan.jobs)
    for batch in plan.batches:
        totals[batch.job] += batch.size
        if plan.is_finished(batch):
            done[batch.job] += batch.size
    current: int | None = None
    for batch in plan.batches:
        job = plan.jobs[batch.job]
        name = job.factory.__name__
        if current != batch.job:
            current = batch.job
            elapsed = time.perf_counter() - started
            output.progress(name, done[current], totals[current], sum(counts.values()), elapsed)
        if plan.is_finished(batch):
            continue
        if stop.is_set():
            raise _Interrupted
        batch_started = time.perf_counter()
        try:
            written = await _write_batch(plan, options, writer, batch)
        except Exception as exc:
            message = str(exc) if isinstance(exc, SeedError) else one_line(exc)
            hint = ""
            if not options.create_tables and any(h in message for h in _MISSING_TABLE_HINTS):
                hint = " (pass --create-tables to create the tables from the models)"
            raise _BatchFailed(
                f"batch {batch.number + 1} of {name} failed and was rolled back: {message}{hint}; "
                f"{sum(counts.values()):,} rows were written before it and are kept."
            ) from exc
        if LOGGER.isEnabledFor(logging.DEBUG):
            _log_batch(name, batch.number, batch.size, written, batch_started)
        counts.update(written)
        done[batch.job] += batch.size
        elapsed = time.perf_counter() - started
        output.progress(name, done[batch.job], totals[batch.job], sum(counts.values()), elapsed)
