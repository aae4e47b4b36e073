"""``async-factory-boy seed status``: the progress records of seed runs, one line a factory."""

from __future__ import annotations

import asyncio
import contextlib

from ._cli import StatusOptions
from ._errors import SeedError, one_line
from ._output import EXIT_OK, Output, report_error
from ._plan import parse_url, writer_for
from ._progress import TABLE, summarize
from ._url import Redactor, Target

__all__ = ["status"]


def status(options: StatusOptions, output: Output, redact: Redactor) -> int:
    """Print per factory of each run (or of ``--run-id``): batches done of all, rows,
    complete or not. Exit status 0, 1 when the database cannot be read."""
    try:
        target = parse_url(options.url, options.database, redact)
        return asyncio.run(_status(options, target, output))
    except SeedError as exc:
        return report_error(exc, output, show_traceback=options.traceback)


async def _status(options: StatusOptions, target: Target, output: Output) -> int:
    writer = writer_for(target, [])  # the first backend of the URL's kind reads records
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
