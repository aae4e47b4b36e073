"""The SQL writer: one connection, one transaction per batch, Core inserts (ORM where needed)."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import MetaData, Table, event, inspect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.orm import Mapper
from sqlalchemy.sql import Insert

from ..._backends import HANDLER_ARGUMENT, backend_of
from ..._bridge import time_slice
from ..._factory import AsyncFactory
from ..._reach import reached_factories as _reached_factories
from ..._seeding import BatchWrite, RebuildBatch, SeedError, one_line
from ..._seeding import SeedTarget as Target
from ..._types import FactoryClass
from ._factory import AsyncSQLAlchemyModelFactory
from ._insert_rows import InsertRows, core_insert_rows
from ._seed_batch import build_records, write_batch
from ._seed_copy import allocate_key, copied_rows, supports_copy
from ._seed_copy import insert_rows as copy_insert_rows
from ._seed_progress import create_progress_table, finished_batches, read_records, record_batch
from ._seed_rows import PATHS, RowsBatch, calls_defaults, give_up, rows_capable, snapshot

__all__ = ["SqlWriter"]

CONNECT_TIMEOUT = 15.0


def _mapper(factory: type[AsyncFactory[Any]]) -> Mapper[object] | None:
    mapper: Mapper[object] | None = inspect(factory._meta.get_model_class(), raiseerr=False)
    return mapper if isinstance(mapper, Mapper) else None


def _needs_another_connection(factory: FactoryClass) -> bool:
    """A factory of another backend that persists, so it needs a connection of its own."""
    if not issubclass(factory, AsyncFactory) or issubclass(factory, AsyncSQLAlchemyModelFactory):
        return False
    if getattr(factory._meta, "embedded", False) or factory._meta.abstract:
        return False
    own_steps = backend_of(factory).name != HANDLER_ARGUMENT  # Mongo, Django: a connection
    needs_handler = bool(getattr(factory._meta, "persistence_required", False)) and (
        getattr(factory._meta, "persistence", None) is None
    )
    return own_steps or needs_handler


class _InsertCounter:
    """Rows inserted per table, from every INSERT run on the engine (bulk or ORM)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def __call__(
        self, conn: Any, clause: Any, multiparams: Any, params: Any, options: Any, result: Any
    ) -> None:
        if isinstance(clause, Insert):
            self.counts[clause.table.name] += len(multiparams) or 1


#: How often a build that overlaps a write gives the event loop a turn (seconds).
_OVERLAP_SLICE = 0.0005


class SqlWriter:
    """Writes batches of factory-made ORM objects to a SQLAlchemy async URL."""

    def __init__(self, target: Target, copy: bool = True) -> None:
        self._target = target
        self._copy = copy
        self._engine: AsyncEngine | None = None
        self._conn: AsyncConnection | None = None
        self._counter = _InsertCounter()
        #: How taken-over rows are inserted (see ``InsertRows``): Core executemany here.
        self.insert_rows: InsertRows = core_insert_rows

    def check_factory(self, path: str, factory: type[AsyncFactory[Any]]) -> None:
        """Refuse a factory the command cannot write, before anything is written."""
        if _mapper(factory) is None:
            model = factory._meta.get_model_class()
            name = getattr(model, "__name__", repr(model))
            raise SeedError(
                f"{path} makes {name} objects, which are not SQLAlchemy-mapped: a SQL --url "
                "takes factories of mapped models (a mongodb:// URL takes Mongo factories)."
            )
        for reached in _reached_factories(factory):
            if _needs_another_connection(reached):
                raise SeedError(
                    f"{path} cannot be seeded into a SQL database: it reaches {reached.__name__}, "
                    f"a {_family(reached)} that "
                    "persists through a connection of its own, which the seed command does not "
                    "have. Nothing was written."
                )

    async def connect(self) -> None:
        """Create the engine and open the connection; bad URLs and dead servers fail here."""
        try:
            self._engine = create_async_engine(self._target.url)
        except Exception as exc:  # unknown dialect, sync driver, missing driver package
            raise SeedError(
                f"invalid database URL {self._target.display!r}: {one_line(exc)}"
                f"{self._target.hint}",
                cause=exc,
            ) from None
        event.listen(self._engine.sync_engine, "after_execute", self._counter)
        try:
            self._conn = await asyncio.wait_for(self._engine.connect(), CONNECT_TIMEOUT)
        except Exception as exc:
            await self._engine.dispose()
            self._engine = None
            raise SeedError(
                f"cannot connect to {self._target.display}: {one_line(exc)}", cause=exc
            ) from None

    async def create_tables(self, factories: list[type[AsyncFactory[Any]]]) -> None:
        """``create_all`` on the metadata of every model reached (existing tables stay)."""
        conn = self._connection()
        metadatas: list[MetaData] = []
        for top in factories:
            for reached in _reached_factories(top):
                # Any factory of a mapped model: a SQLAlchemy factory class, or the generic
                # ``AsyncFactory`` whose objects the seed writes all the same.
                if reached._meta.abstract:
                    continue
                mapper = _mapper(reached)
                table = mapper.local_table if mapper is not None else None
                if isinstance(table, Table) and table.metadata not in metadatas:
                    metadatas.append(table.metadata)
        async with conn.begin():
            for metadata in metadatas:
                await conn.run_sync(metadata.create_all)

    async def prepare_progress(self) -> None:
        """Create the progress table if it is missing."""
        await create_progress_table(self._connection())

    async def finished_batches(self, run_id: str) -> set[tuple[str, int]]:
        """(factory, batch) of the batches of ``run_id`` already committed."""
        return await finished_batches(self._connection(), run_id)

    async def read_progress(self, run_id: str | None) -> list[tuple[str, str, int, int]] | None:
        """Every progress record (of ``run_id``) for ``seed status``; None: no table."""
        return await read_records(self._connection(), run_id)

    async def write_batch(self, batch: BatchWrite) -> Counter[str]:
        """Make the batch's objects and write them with its record in one transaction (after
        its check passed); rows per table."""
        conn = self._connection()
        # The rows path may give up half-way (RebuildBatch): the run then builds the batch
        # again, which must draw the same sequence numbers and random values.
        restore = snapshot() if rows_capable(batch.factory) is not None else None
        try:
            with self._counting() as counts:
                async with conn.begin():
                    copy = self._copies(conn)
                    await write_batch(
                        conn,
                        batch.factory,
                        batch.size,
                        insert_rows=copy_insert_rows if copy else self.insert_rows,
                        allocate_key=allocate_key if copy else None,
                        rows=True,
                    )
                    written = counts()  # the batch's rows, not its progress record
                    batch.check()
                    await record_batch(conn, batch.record, sum(written.values()))
        except RebuildBatch:  # rolled back: the run builds it again, with objects
            if restore is not None:
                restore()
            give_up(batch.factory)
            raise
        return written

    def _copies(self, conn: AsyncConnection) -> bool:
        """Whether this batch's rows go out with COPY (else Core INSERT)."""
        return self._copy and supports_copy(conn)

    @contextlib.contextmanager
    def _counting(self) -> Iterator[Callable[[], Counter[str]]]:
        """Count the rows written in the block, per table: the engine's INSERTs (its
        ``after_execute`` listener) and COPY's rows, which that listener never sees."""
        self._counter.counts = Counter()
        copied: Counter[str] = Counter()
        token = copied_rows.set(copied)
        try:
            yield lambda: self._counter.counts + copied
        finally:
            copied_rows.reset(token)

    def builds_ahead(self, factory: type[AsyncFactory[Any]]) -> bool:
        """Batches of ``factory`` take the rows path, whose build needs no connection, and
        their write calls no Python column default (which could draw from the random state
        the next batch's build is using)."""
        factories = rows_capable(factory)
        return factories is not None and not calls_defaults(factories)

    async def build(self, batch: BatchWrite, overlapping: bool) -> _Built:
        """Build the batch's records and run its check; nothing is written. While the batch
        before it is written (``overlapping``), the build's greenlet hands the event loop a
        turn every half millisecond instead of every ~10 ms, so that each round trip of
        that write is answered within it."""
        factories = rows_capable(batch.factory)
        if factories is None:
            raise RebuildBatch(f"{batch.factory.__name__} takes the object path")
        restore = snapshot()
        records = RowsBatch(factories)
        try:
            with time_slice(_OVERLAP_SLICE) if overlapping else contextlib.nullcontext():
                await build_records(self._connection(), batch.factory, batch.size, records)
        except RebuildBatch:
            restore()
            give_up(batch.factory)
            raise
        batch.check()
        return _Built(batch, records)

    async def write_built(self, built: object) -> Counter[str]:
        """Write a built batch's rows and its record in one transaction; rows per table."""
        assert isinstance(built, _Built)
        conn = self._connection()
        with self._counting() as counts:
            async with conn.begin():
                insert_rows = copy_insert_rows if self._copies(conn) else self.insert_rows
                await built.records.write(conn, insert_rows)
                written = counts()  # the batch's rows, not its progress record
                await record_batch(conn, built.batch.record, sum(written.values()))
        PATHS["ahead"] += 1  # (RowsBatch.write counted it as a rows batch)
        return written

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
        if self._engine is not None:
            await self._engine.dispose()

    def _connection(self) -> AsyncConnection:
        if self._conn is None:
            raise RuntimeError("SqlWriter.connect() was not awaited")
        return self._conn


@dataclass(frozen=True)
class _Built:
    """A batch built on the rows path, to write."""

    batch: BatchWrite
    records: RowsBatch


def _family(factory: FactoryClass) -> str:
    """``AsyncMongoFactory``: the backend base class a factory derives from."""
    for base in factory.__mro__[1:]:
        if base.__module__.startswith("async_factory_boy.factory."):
            return base.__name__
    return "factory"
