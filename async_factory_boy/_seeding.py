"""What the seed command hands a backend's seed writer, and what it expects back.

The seed command (``async_factory_boy._seed``) owns the command line, the plan of batches,
shards, workers, resume and output; each backend owns how its factories' batches reach its
database (its *seed writer*, named by its entry in the backend registry,
:mod:`async_factory_boy._backends`, and kept in the backend's package behind its
``_api.py``). This module is the contract between the two, in the core so that both sides
depend on it and neither on the other:

- :class:`SeedTarget`: where to write (the URL, its redacted form, the Mongo database);
- :class:`SeedWriter`: what a writer does for a run (connect, create tables, keep progress
  records, write one batch in one transaction with its record, close);
- :class:`BatchWrite` / :class:`BatchRecord`: one batch to write and the record it
  commits with (:data:`PROGRESS_TABLE` is where records go);
- :class:`SeedError` and :func:`one_line`: a writer's errors, printed as one line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from .errors import AsyncFactoryError

if TYPE_CHECKING:
    from ._factory import AsyncFactory

__all__ = [
    "PROGRESS_TABLE",
    "BatchRecord",
    "BatchWrite",
    "BuildsAhead",
    "RebuildBatch",
    "SeedError",
    "SeedTarget",
    "SeedWriter",
    "one_line",
]

#: The table (SQL) or collection (MongoDB) of the seed command's progress records.
PROGRESS_TABLE = "async_factory_boy_seed_progress"


class SeedError(AsyncFactoryError):
    """Bad input or a failed run: the command prints ``error: <message>`` and exits with 2
    when the command line was wrong (its subclass ``UsageError``), else 1.

    The message is one line that says what was wrong and what to do; it never carries a
    traceback, and it is redacted (no password) before it is printed. ``cause`` is the
    exception behind it, whose traceback ``--traceback`` prints; ``usage`` is printed
    before the line (the command line's usage, when no command was given).
    """

    def __init__(
        self, message: str, *, cause: BaseException | None = None, usage: str | None = None
    ) -> None:
        super().__init__(message)
        self.cause = cause
        self.usage = usage


class RebuildBatch(AsyncFactoryError):
    """Internal signal: a batch a writer started on a fast path (the SQL writer's rows
    path) turned out to need real objects. Raised before anything of the batch is written,
    inside its transaction (which is rolled back); the run builds the batch again from the
    same sequences and seeds, and the writer takes its ordinary path. Users never see it."""


def one_line(exc: BaseException, limit: int = 300) -> str:
    """``exc`` as one short line: driver errors span lines (SQL, parameters, links)."""
    orig = getattr(exc, "orig", None)  # SQLAlchemy's DBAPIError wraps the driver's error
    source = orig if isinstance(orig, BaseException) else exc
    text = str(source).strip()
    first = text.splitlines()[0].strip() if text else ""
    line = f"{type(source).__name__}: {first}" if first else type(source).__name__
    return line if len(line) <= limit else line[: limit - 3] + "..."


class SeedTarget(Protocol):
    """Where the seed writes (the seed command's parsed ``--url``)."""

    @property
    def kind(self) -> str:
        """``"sql"`` or ``"mongo"``: the kind of URL, matched against ``Backend.seed_urls``."""
        ...

    @property
    def url(self) -> str:
        """The URL as given, password included: hand it to the driver only."""
        ...

    @property
    def display(self) -> str:
        """The URL with its password hidden: the only form to print."""
        ...

    @property
    def database(self) -> str | None:
        """The Mongo database name (``None`` for SQL)."""
        ...

    @property
    def hint(self) -> str:
        """Advice to add when the driver cannot be loaded, or ``""``."""
        ...


@dataclass(frozen=True)
class BatchRecord:
    """What a committed batch records: the run, the factory (``module:Class``), the batch
    number and how many batches the factory has in the run (for ``seed status``)."""

    run_id: str
    factory: str
    batch: int
    batches: int


@dataclass(frozen=True)
class BatchWrite:
    """One batch, for a writer: make ``size`` objects of ``factory``, call ``check`` once
    they are written (it raises to roll the batch back), then insert ``record`` in the same
    transaction."""

    factory: type[AsyncFactory[Any]]
    size: int
    record: BatchRecord
    check: Callable[[], None]


@runtime_checkable
class BuildsAhead(Protocol):
    """A writer that can build a batch without its connection, so that the run builds the
    next batch while the current one is written (the SQL writer's rows path)."""

    def builds_ahead(self, factory: type[AsyncFactory[Any]]) -> bool:
        """Whether batches of ``factory`` can be built apart from their write."""
        ...

    async def build(self, batch: BatchWrite, overlapping: bool) -> object:
        """Build the batch (and run its check); nothing is written. ``overlapping``: the
        batch before it is being written meanwhile (on this event loop), so the build must
        give that write its turns often. Raises :class:`RebuildBatch` when it must be
        written the ordinary way instead."""
        ...

    async def write_built(self, built: object) -> Counter[str]:
        """Write a built batch with its record in one transaction; rows per table."""
        ...


class SeedWriter(Protocol):
    """What a run needs of a backend's seed writer (made by ``Backend.seed_writer(target,
    copy=...)``). Every method raises :class:`SeedError` (or a driver error the run reports
    as one line) on failure."""

    def check_factory(self, path: str, factory: type[AsyncFactory[Any]]) -> None:
        """Refuse, before anything is written, a factory this writer cannot store."""
        ...

    async def connect(self) -> None:
        """Connect to the target."""
        ...

    async def create_tables(self, factories: list[type[AsyncFactory[Any]]]) -> None:
        """Create what the factories' models need (``--create-tables``)."""
        ...

    async def prepare_progress(self) -> None:
        """Create the progress records' table or collection if it is missing."""
        ...

    async def finished_batches(self, run_id: str) -> set[tuple[str, int]]:
        """``(factory, batch)`` of the batches of ``run_id`` already committed."""
        ...

    async def read_progress(self, run_id: str | None) -> list[tuple[str, str, int, int]] | None:
        """Every progress record (of ``run_id``): ``(run, factory, batches, rows)``."""
        ...

    async def write_batch(self, batch: BatchWrite) -> Counter[str]:
        """Write one batch and its record in one transaction; the rows written per table."""
        ...

    async def close(self) -> None:
        """Release the connection (also after a failure)."""
        ...
