"""``async-factory-boy seed status``: the progress records of seed runs, one line a factory."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Protocol

from ._cli import StatusOptions
from ._errors import SeedError, one_line
from ._output import EXIT_OK, Output, report_error
from ._progress import TABLE, summarize
from ._url import Redactor, Target, parse_target

__all__ = ["status"]


def status(options: StatusOptions, output: Output, redact: Redactor) -> int:
    """Print per factory of each run (or of ``--run-id``): batches done of all, rows,
    complete or not. Exit status 0, 1 when the database cannot be read."""
    try:
        target = parse_target(options.url, options.database, redact)
        return asyncio.run(_status(options, target, output))
    except SeedError as exc:
        return report_error(exc, output, show_traceback=options.traceback)


class _Reader(Protocol):
    async def connect(self) -> None: ...
    async def read_progress(self, run_id: str | None) -> list[tuple[str, str, int, int]] | None: ...
    async def close(self) -> None: ...


def _reader_for(target: Target) -> _Reader:
    """The writer of the target's kind reads its records (Tortoise runs keep theirs in the
    same table, which SQLAlchemy reads as well)."""
    if target.kind == "mongo":
        from ._mongo import MongoWriter

        return MongoWriter(target)
    try:
        from ._sql import SqlWriter
    except ImportError as exc:
        raise SeedError(
            f"seed status reads a SQL database through SQLAlchemy 2 with asyncio: {exc} "
            "(pip install 'async-factory-boy[sqlalchemy]')."
        ) from None
    return SqlWriter(target)


async def _status(options: StatusOptions, target: Target, output: Output) -> int:
    writer = _reader_for(target)
    await writer.connect()
    try:
        records = await writer.read_progress(options.run_id)
    except Exception as exc:
        raise SeedError(f"reading {TABLE} failed: {one_line(exc)}", cause=exc) from None
    finally:
        with contextlib.suppress(Exception):
            await writer.close()
    lines = summarize(records or [])
    if not lines:
        which = f"run {options.run_id}" if options.run_id else "seed runs"
        output.line(f"no progress records of {which} in {target.display}.")
    for progress in lines:
        output.line(progress.line())
    return EXIT_OK
