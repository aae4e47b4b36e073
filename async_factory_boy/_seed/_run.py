"""One ``seed`` run: check everything, ask before writing far away, write batch by batch.

Every batch is its own transaction: a failure rolls back that batch only and keeps the
committed ones; Ctrl-C lets the running batch finish, stops before the next one and prints
the same report (a second Ctrl-C abandons the running batch, which is rolled back).
Nothing of a batch is kept in memory once it is written, so memory stays flat as the
count grows.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import signal
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from typing import Any, Protocol

from .._compat import reseed_random
from ..factory import AsyncFactory
from ._cli import SeedOptions
from ._errors import SeedError, one_line
from ._output import Output
from ._specs import load_factory
from ._tortoise import is_tortoise_factory
from ._url import Redactor, Target, parse_target

__all__ = ["EXIT_ERROR", "EXIT_INTERRUPTED", "EXIT_OK", "run"]

EXIT_OK = 0
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130

_MISSING_TABLE_HINTS = ("no such table", "does not exist", "doesn't exist")


class _Writer(Protocol):
    def check_factory(self, path: str, factory: type[AsyncFactory[Any]]) -> None: ...
    async def connect(self) -> None: ...
    async def create_tables(self, factories: list[type[AsyncFactory[Any]]]) -> None: ...
    async def write_batch(self, factory: type[AsyncFactory[Any]], size: int) -> Counter[str]: ...
    async def close(self) -> None: ...


@dataclass
class _Job:
    path: str
    factory: type[AsyncFactory[Any]]
    count: int


class _Interrupted(Exception):
    """Ctrl-C was pressed: stop between batches."""


def _writer_for(
    target: Target, factories: list[type[AsyncFactory[Any]]], copy: bool = True
) -> _Writer:
    if target.kind == "sql" and any(is_tortoise_factory(factory) for factory in factories):
        from ._tortoise import TortoiseWriter

        return TortoiseWriter(target)
    if target.kind == "mongo":
        from ._mongo import MongoWriter

        return MongoWriter(target)
    try:
        from ._sql import SqlWriter
    except ImportError as exc:
        raise SeedError(f"a SQL URL needs SQLAlchemy 2 with asyncio: {exc}") from None
    return SqlWriter(target, copy=copy)


def _confirm(target: Target, jobs: list[_Job], yes: bool, output: Output) -> None:
    """Ask before writing to a database that is not local; refuse when no one can answer."""
    if target.local or yes:
        return
    where = (
        f"{target.display} is not a local database (every host it names must be a loopback "
        "host or a socket path)"
    )
    if not sys.stdin.isatty():
        raise SeedError(f"{where}; pass --yes to seed it anyway. Nothing was written.")
    total = sum(job.count for job in jobs)
    answer = output.prompt(f"{where}.\nWrite {total:,} objects to it? [y/N] ")
    if answer.strip().lower() not in {"y", "yes"}:
        raise SeedError("not confirmed. Nothing was written.")


def _prepare(options: SeedOptions, redact: Redactor) -> tuple[Target, _Writer, list[_Job]]:
    target = parse_target(options.url, options.database, redact)
    jobs = []
    for spec in options.factories:
        count = options.count if spec.count is None else spec.count
        jobs.append(_Job(spec.path, load_factory(spec), count))
    writer = _writer_for(target, [job.factory for job in jobs], options.copy)
    for job in jobs:
        writer.check_factory(job.path, job.factory)
    return target, writer, jobs


def report(exc: SeedError, options: SeedOptions, output: Output) -> int:
    """Print ``exc`` as one ``error:`` line (its cause's traceback first with
    ``--traceback``); the exit status."""
    if options.traceback and exc.cause is not None:
        output.text("".join(traceback.format_exception(exc.cause)))
    output.error(str(exc))
    return EXIT_ERROR


def run(options: SeedOptions, output: Output, redact: Redactor) -> int:
    """Run the seed command; the exit status (0, 2 on any error, 130 on Ctrl-C)."""
    try:
        target, writer, jobs = _prepare(options, redact)
        _confirm(target, jobs, options.yes, output)
    except SeedError as exc:
        return report(exc, options, output)
    if options.seed is not None:
        random.seed(options.seed)
        reseed_random(options.seed)
    return asyncio.run(_seed(options, target, writer, jobs, output))


async def _seed(
    options: SeedOptions, target: Target, writer: _Writer, jobs: list[_Job], output: Output
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
    started = time.perf_counter()
    try:
        await writer.connect()
    except SeedError as exc:
        return report(exc, options, output)
    try:
        if options.create_tables:
            try:
                await writer.create_tables([job.factory for job in jobs])
            except Exception as exc:
                return report(
                    SeedError(
                        f"creating the tables failed: {one_line(exc)}. Nothing was written.",
                        cause=exc,
                    ),
                    options,
                    output,
                )
        started = time.perf_counter()
        for job in jobs:
            await _seed_job(job, options, writer, counts, started, stop, output)
    except _Interrupted:
        output.summary(target.display, counts, time.perf_counter() - started, "Interrupted:")
        output.error(
            f"interrupted by Ctrl-C; {sum(counts.values()):,} rows were written in "
            "committed batches and kept."
        )
        return EXIT_INTERRUPTED
    except asyncio.CancelledError:
        output.summary(target.display, counts, time.perf_counter() - started, "Interrupted:")
        output.error(
            f"interrupted by Ctrl-C; the running batch was rolled back; "
            f"{sum(counts.values()):,} rows were written in committed batches and kept."
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


async def _seed_job(
    job: _Job,
    options: SeedOptions,
    writer: _Writer,
    counts: Counter[str],
    started: float,
    stop: asyncio.Event,
    output: Output,
) -> None:
    name = job.factory.__name__
    done = 0
    number = 0
    output.progress(name, done, job.count, sum(counts.values()), time.perf_counter() - started)
    while done < job.count:
        if stop.is_set():
            raise _Interrupted
        size = min(options.batch_size, job.count - done)
        number += 1
        try:
            written = await writer.write_batch(job.factory, size)
        except (SeedError, Exception) as exc:
            message = one_line(exc)
            hint = ""
            if not options.create_tables and any(h in message for h in _MISSING_TABLE_HINTS):
                hint = " (pass --create-tables to create the tables from the models)"
            raise _BatchFailed(
                f"batch {number} of {name} failed and was rolled back: {message}{hint}; "
                f"{sum(counts.values()):,} rows were written before it and are kept."
            ) from exc
        counts.update(written)
        done += size
        output.progress(name, done, job.count, sum(counts.values()), time.perf_counter() - started)
