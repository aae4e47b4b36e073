"""Fixtures for the FastAPI + SQLModel example, in both styles a project may use:
pytest-asyncio's (``@pytest_asyncio.fixture``, ``@pytest.mark.asyncio``) in
``test_api_asyncio.py`` and anyio's (plain ``async def`` fixtures, ``@pytest.mark.anyio``)
in ``test_api_anyio.py``, on SQLite and on PostgreSQL.

The factories and the application share one session: SQLModel's ``AsyncSession`` (the
application calls ``session.exec()``), on tables made for the test and dropped after it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from examples.sqlmodel_app.app import app, get_session
from examples.sqlmodel_app.models import TABLES


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each test runs on SQLite and on PostgreSQL."""
    fixture = {"sqlite": "sqlite_url", "postgres": "postgres_asyncpg_url"}[request.param]
    url: str = request.getfixturevalue(fixture)
    return url


@asynccontextmanager
async def open_session(database_url: str) -> AsyncIterator[AsyncSession]:
    """SQLModel's session on fresh tables, dropped at the end."""
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(SQLModel.metadata.drop_all, tables=TABLES)
            await connection.run_sync(SQLModel.metadata.create_all, tables=TABLES)
        async with AsyncSession(engine, expire_on_commit=False) as session:
            yield session
        async with engine.begin() as connection:
            await connection.run_sync(SQLModel.metadata.drop_all, tables=TABLES)
    finally:
        await engine.dispose()


@asynccontextmanager
async def open_client(session: AsyncSession) -> AsyncIterator[httpx.AsyncClient]:
    """The API, called in-process, reading and writing through ``session``."""

    async def session_override() -> AsyncIterator[AsyncSession]:
        yield session

    app.dependency_overrides[get_session] = session_override
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client
    finally:
        app.dependency_overrides.clear()
