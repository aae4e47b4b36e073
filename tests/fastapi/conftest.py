"""Fixtures for the FastAPI example: a database per test run, a rolled-back session per test.

This is the recipe ``docs/fastapi.md`` walks through: the factories and the application
share one session, which lives inside a transaction rolled back when the test ends.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from async_factory_boy.pytest import isolated_session, register
from examples.fastapi_app.app import app, get_session
from examples.fastapi_app.factories import CompanyFactory, PostFactory, UserFactory
from examples.fastapi_app.models import Base

register(CompanyFactory)
register(UserFactory)
register(PostFactory)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each test runs on SQLite and on PostgreSQL."""
    fixture = {"sqlite": "sqlite_url", "postgres": "postgres_asyncpg_url"}[request.param]
    url: str = request.getfixturevalue(fixture)
    return url


@pytest_asyncio.fixture
async def db_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture
async def db_session(db_engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """The session the factories write to; everything is rolled back after the test."""
    async with isolated_session(db_engine, expire_on_commit=False) as session:
        yield session


@pytest_asyncio.fixture
async def client(db_session: AsyncSession) -> AsyncIterator[httpx.AsyncClient]:
    """The API, called in-process, reading and writing through ``db_session``."""

    async def session_override() -> AsyncIterator[AsyncSession]:
        yield db_session

    app.dependency_overrides[get_session] = session_override
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client
    app.dependency_overrides.clear()
