"""A session per SQL database with the corpus tables created, and auto factories for them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory

from .models import Base, PgBase

# One database per kind is enough here: what is tested is the values, not the driver.
DATABASES = {
    "sqlite": ("sqlite_url", pytest.mark.sqlite),
    "postgres": ("postgres_asyncpg_url", pytest.mark.postgres),
    "mariadb": ("mariadb_url", pytest.mark.mariadb),
}


@pytest.fixture(params=[pytest.param(name, marks=mark) for name, (_, mark) in DATABASES.items()])
def database_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(DATABASES[request.param][0])
    return url


@pytest_asyncio.fixture
async def session(database_url: str) -> AsyncIterator[AsyncSession]:
    async with open_session(database_url) as session:
        yield session


@asynccontextmanager
async def open_session(database_url: str) -> AsyncIterator[AsyncSession]:
    """A session on ``database_url`` with the corpus tables (and PostgreSQL's own) created."""
    engine = create_async_engine(database_url, poolclass=NullPool)
    metadatas = [Base.metadata]
    if engine.dialect.name == "postgresql":
        metadatas.append(PgBase.metadata)
    try:
        async with engine.begin() as connection:
            for metadata in metadatas:
                await connection.run_sync(metadata.drop_all)
                await connection.run_sync(metadata.create_all)
        async with AsyncSession(engine, expire_on_commit=False) as session:
            yield session
            await session.rollback()
        async with engine.begin() as connection:
            for metadata in metadatas:
                await connection.run_sync(metadata.drop_all)
    finally:
        await engine.dispose()


def auto_factory(model: type, **meta: Any) -> type[AsyncSQLAlchemyModelFactory[Any]]:
    """A factory for ``model`` that declares nothing itself."""
    options = type("Meta", (), {"model": model, "auto_fields": True, **meta})
    made: type[AsyncSQLAlchemyModelFactory[Any]] = type(
        f"{model.__name__}Factory", (AsyncSQLAlchemyModelFactory,), {"Meta": options}
    )
    return made
