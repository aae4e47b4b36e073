"""Reading what a seed run stored (sync helpers around one short async query)."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import MetaData, text
from sqlalchemy.ext.asyncio import create_async_engine

from async_factory_boy._seed._progress import TABLE


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` on ``url``."""

    async def fetch() -> list[tuple[Any, ...]]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                return [tuple(row) for row in (await conn.execute(text(sql))).all()]
        finally:
            await engine.dispose()

    return asyncio.run(fetch())


def count(url: str, table: str) -> int:
    """Rows in ``table``."""
    return int(query(url, f"SELECT COUNT(*) FROM {table}")[0][0])


def drop_tables(url: str, metadata: MetaData) -> None:
    """Drop the tables of ``metadata`` and the seed's progress records (the run's server
    databases are shared by tests)."""

    async def drop() -> None:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as conn:
                await conn.run_sync(metadata.drop_all)
                await conn.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))
        finally:
            await engine.dispose()

    asyncio.run(drop())


def wipe(url: str, *tables: str) -> None:
    """Drop ``tables`` (children first) if they exist: the run's server databases are shared."""

    async def drop() -> None:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as conn:
                for table in tables:
                    await conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
        finally:
            await engine.dispose()

    asyncio.run(drop())


def create_tables(url: str, metadata: MetaData) -> None:
    """Create the tables of ``metadata`` (what ``--create-tables`` does once before shards)."""

    async def create() -> None:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as conn:
                await conn.run_sync(metadata.create_all)
        finally:
            await engine.dispose()

    asyncio.run(create())
