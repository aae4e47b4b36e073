"""The SQL writer: one connection, one transaction per batch, Core inserts (ORM fallback)."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from sqlalchemy import MetaData, Table, inspect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.orm import Mapper, Session

from ..factory import AsyncFactory
from ._collect import build_collected
from ._errors import SeedError, one_line
from ._sql_plan import UnsupportedModel, write_objects
from ._url import Target

__all__ = ["SqlWriter"]

CONNECT_TIMEOUT = 15.0


def _mapper(factory: type[AsyncFactory[Any]]) -> Mapper[Any] | None:
    mapper: Mapper[Any] | None = inspect(factory._meta.get_model_class(), raiseerr=False)
    return mapper if isinstance(mapper, Mapper) else None


class SqlWriter:
    """Writes batches of factory-made ORM objects to a SQLAlchemy async URL."""

    def __init__(self, target: Target) -> None:
        self._target = target
        self._engine: AsyncEngine | None = None
        self._conn: AsyncConnection | None = None

    def check_factory(self, path: str, factory: type[AsyncFactory[Any]]) -> None:
        """Refuse a factory whose model is not a SQLAlchemy-mapped class."""
        if _mapper(factory) is None:
            model = factory._meta.get_model_class()
            name = getattr(model, "__name__", repr(model))
            raise SeedError(
                f"{path} makes {name} objects, which are not SQLAlchemy-mapped: a SQL --url "
                "takes factories of mapped models (a mongodb:// URL takes Mongo factories)."
            )

    async def connect(self) -> None:
        """Create the engine and open the connection; bad URLs and dead servers fail here."""
        try:
            self._engine = create_async_engine(self._target.url)
        except Exception as exc:  # unknown dialect, sync driver, missing driver package
            raise SeedError(
                f"invalid database URL {self._target.display!r}: {one_line(exc)}"
            ) from None
        try:
            self._conn = await asyncio.wait_for(self._engine.connect(), CONNECT_TIMEOUT)
        except Exception as exc:
            await self._engine.dispose()
            self._engine = None
            raise SeedError(f"cannot connect to {self._target.display}: {one_line(exc)}") from None

    async def create_tables(self, factories: list[type[AsyncFactory[Any]]]) -> None:
        """``create_all`` on the metadata of every factory's model (existing tables stay)."""
        conn = self._connection()
        metadatas: list[MetaData] = []
        for factory in factories:
            mapper = _mapper(factory)
            table = mapper.local_table if mapper is not None else None
            if isinstance(table, Table) and table.metadata not in metadatas:
                metadatas.append(table.metadata)
        async with conn.begin():
            for metadata in metadatas:
                await conn.run_sync(metadata.create_all)

    async def write_batch(self, factory: type[AsyncFactory[Any]], size: int) -> Counter[str]:
        """Make ``size`` objects and write them in one transaction; rows per table."""
        objects: list[Any] = []
        await build_collected(factory, size, lambda _factory, obj: objects.append(obj))
        conn = self._connection()
        try:
            async with conn.begin():
                return await write_objects(conn, objects)
        except UnsupportedModel:
            async with conn.begin():
                return await conn.run_sync(_write_with_orm, objects)

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
        if self._engine is not None:
            await self._engine.dispose()

    def _connection(self) -> AsyncConnection:
        if self._conn is None:
            raise RuntimeError("SqlWriter.connect() was not awaited")
        return self._conn


def _write_with_orm(connection: Any, objects: list[Any]) -> Counter[str]:
    """The ORM path, for models the bulk writer does not handle (mapped inheritance)."""
    session = Session(bind=connection)
    session.add_all(objects)
    counts: Counter[str] = Counter()
    for obj in session.new:
        mapper = inspect(obj).mapper
        for table in mapper.tables:
            counts[table.name] += 1
    session.flush()
    session.close()
    return counts
