"""The SQL writer: one connection, one transaction per batch, Core inserts (ORM where needed)."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from sqlalchemy import MetaData, Table, event, inspect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.orm import Mapper
from sqlalchemy.sql import Insert

from .._compat import declarations
from ..factory import AsyncFactory
from ..factory.sqlalchemy import AsyncSQLAlchemyModelFactory
from ..factory.sqlalchemy._api import InsertRows, core_insert_rows
from ._collect import write_batch
from ._copy import allocate_key, copied_rows, supports_copy
from ._copy import insert_rows as copy_insert_rows
from ._errors import SeedError, one_line
from ._url import Target

__all__ = ["SqlWriter"]

CONNECT_TIMEOUT = 15.0


def _mapper(factory: type[AsyncFactory[Any]]) -> Mapper[Any] | None:
    mapper: Mapper[Any] | None = inspect(factory._meta.get_model_class(), raiseerr=False)
    return mapper if isinstance(mapper, Mapper) else None


def _reached_factories(factory: type[Any]) -> list[type[Any]]:
    """Every factory class the declarations of ``factory`` name, itself included.

    SubFactory, RelatedFactory(List), List/Dict items, Maybe branches and Traits are
    followed; factories called from hooks cannot be seen (they get the seed's session).
    """
    seen: list[type[Any]] = []
    factories: list[type[Any]] = [factory]
    values: list[Any] = []
    while factories or values:
        if values:
            value = values.pop()
            if isinstance(value, (declarations.SubFactory, declarations.RelatedFactory)):
                factories.append(value.get_factory())  # type: ignore[no-untyped-call]
                # factory_boy 3.3 keeps a SubFactory's keyword arguments in ``_defaults``.
                defaults = getattr(value, "defaults", None) or getattr(value, "_defaults", {})
                values.extend(defaults.values())
            elif isinstance(value, declarations.Maybe):
                values.extend((value.yes, value.no))
            elif isinstance(value, declarations.Trait):
                values.extend(value.overrides.values())
            continue
        current = factories.pop()
        if current in seen or not isinstance(current, type):
            continue
        seen.append(current)
        meta = getattr(current, "_meta", None)
        values.extend(getattr(meta, "base_declarations", {}).values())
        values.extend(getattr(meta, "parameters", {}).values())
    return seen


def _needs_another_connection(factory: type[Any]) -> bool:
    """A factory of another backend that persists, so it needs a connection of its own."""
    if not issubclass(factory, AsyncFactory) or issubclass(factory, AsyncSQLAlchemyModelFactory):
        return False
    if getattr(factory._meta, "embedded", False) or factory._meta.abstract:
        return False
    own_steps = not factory._saves_through_handlers  # Mongo, Django: a connection of their own
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
                if not issubclass(reached, AsyncSQLAlchemyModelFactory) or reached._meta.abstract:
                    continue
                mapper = _mapper(reached)
                table = mapper.local_table if mapper is not None else None
                if isinstance(table, Table) and table.metadata not in metadatas:
                    metadatas.append(table.metadata)
        async with conn.begin():
            for metadata in metadatas:
                await conn.run_sync(metadata.create_all)

    async def write_batch(self, factory: type[AsyncFactory[Any]], size: int) -> Counter[str]:
        """Make ``size`` objects and write them in one transaction; rows per table."""
        conn = self._connection()
        self._counter.counts = Counter()
        copied: Counter[str] = Counter()
        token = copied_rows.set(copied)
        try:
            async with conn.begin():
                if self._copy and supports_copy(conn):
                    await write_batch(
                        conn, factory, size, insert_rows=copy_insert_rows, allocate_key=allocate_key
                    )
                else:
                    await write_batch(conn, factory, size, insert_rows=self.insert_rows)
        finally:
            copied_rows.reset(token)
        return self._counter.counts + copied

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
        if self._engine is not None:
            await self._engine.dispose()

    def _connection(self) -> AsyncConnection:
        if self._conn is None:
            raise RuntimeError("SqlWriter.connect() was not awaited")
        return self._conn


def _family(factory: type[Any]) -> str:
    """``AsyncMongoFactory``: the backend base class a factory derives from."""
    for base in factory.__mro__[1:]:
        if base.__module__.startswith("async_factory_boy.factory."):
            return base.__name__
    return "factory"
