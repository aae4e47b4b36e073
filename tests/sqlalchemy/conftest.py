"""One AsyncSession fixture per database, and ``session`` running a test on each of them.

Every test gets its own engine (NullPool: no connection outlives the test) and freshly
created tables in the run's private database, dropped again at the end.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
import pytest_asyncio
import sqlalchemy as sa
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from tests.conftest import SQL_DATABASES

from .models import Base

SessionMaker = async_sessionmaker[AsyncSession]


@asynccontextmanager
async def database(url: str, metadata: MetaData = Base.metadata) -> AsyncIterator[AsyncEngine]:
    """An engine on ``url`` with ``metadata``'s tables created, dropped afterwards."""
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.drop_all)
            await connection.run_sync(metadata.create_all)
        yield engine
        async with engine.begin() as connection:
            await connection.run_sync(metadata.drop_all)
    finally:
        await engine.dispose()


@asynccontextmanager
async def open_session(url: str) -> AsyncIterator[AsyncSession]:
    async with database(url) as engine, AsyncSession(engine) as session:
        yield session


@pytest_asyncio.fixture
async def sqlite_session(sqlite_url: str) -> AsyncIterator[AsyncSession]:
    """An AsyncSession on a SQLite file through aiosqlite."""
    async with open_session(sqlite_url) as session:
        yield session


@pytest_asyncio.fixture
async def postgres_session(postgres_asyncpg_url: str) -> AsyncIterator[AsyncSession]:
    """An AsyncSession on PostgreSQL through asyncpg."""
    async with open_session(postgres_asyncpg_url) as session:
        yield session


@pytest_asyncio.fixture
async def psycopg_session(postgres_psycopg_url: str) -> AsyncIterator[AsyncSession]:
    """An AsyncSession on PostgreSQL through psycopg 3 (async)."""
    async with open_session(postgres_psycopg_url) as session:
        yield session


@pytest_asyncio.fixture
async def mariadb_session(mariadb_url: str) -> AsyncIterator[AsyncSession]:
    """An AsyncSession on MariaDB through asyncmy."""
    async with open_session(mariadb_url) as session:
        yield session


_SESSION_FIXTURES = {
    "sqlite": "sqlite_session",
    "postgres-asyncpg": "postgres_session",
    "postgres-psycopg": "psycopg_session",
    "mariadb": "mariadb_session",
}


# The markers let a run select databases: ``pytest -m "not mariadb"``.
_MARKS = {
    "sqlite": pytest.mark.sqlite,
    "postgres-asyncpg": pytest.mark.postgres,
    "postgres-psycopg": pytest.mark.postgres,
    "mariadb": pytest.mark.mariadb,
}


@pytest.fixture(params=[pytest.param(name, marks=_MARKS[name]) for name in SQL_DATABASES])
def session(request: pytest.FixtureRequest) -> AsyncSession:
    """Each database in turn: a test taking ``session`` runs once per database."""
    value: AsyncSession = request.getfixturevalue(_SESSION_FIXTURES[request.param])
    return value


@pytest_asyncio.fixture
async def sessionmaker(sql_url: str) -> AsyncIterator[SessionMaker]:
    """A session factory on each database in turn, for tests that need several sessions."""
    async with database(sql_url) as engine:
        yield async_sessionmaker(engine)


@asynccontextmanager
async def tables(session: AsyncSession, *created: sa.Table | MetaData) -> AsyncIterator[None]:
    """Create extra tables (a whole metadata, or single tables) on ``session``'s database."""

    def create(connection: sa.Connection) -> None:
        for item in created:
            if isinstance(item, MetaData):
                item.create_all(connection)
            else:
                item.create(connection, checkfirst=True)

    def drop(connection: sa.Connection) -> None:
        for item in reversed(created):
            if isinstance(item, MetaData):
                item.drop_all(connection)
            else:
                item.drop(connection, checkfirst=True)

    engine = session.bind
    assert isinstance(engine, AsyncEngine)
    async with engine.begin() as connection:
        await connection.run_sync(create)
    try:
        yield
    finally:
        await session.rollback()
        async with engine.begin() as connection:
            await connection.run_sync(drop)
