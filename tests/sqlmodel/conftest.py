"""A SQLModel ``AsyncSession`` per database (SQLite and PostgreSQL) with the model set's
tables, and ``auto_fields`` factories for the models."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool
from sqlmodel.ext.asyncio.session import AsyncSession

from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory

from .models import TABLES, SQLModel


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    fixture = {"sqlite": "sqlite_url", "postgres": "postgres_asyncpg_url"}[request.param]
    url: str = request.getfixturevalue(fixture)
    return url


@pytest_asyncio.fixture
async def session(database_url: str) -> AsyncIterator[AsyncSession]:
    """SQLModel's own session class, as a SQLModel application uses it."""
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(SQLModel.metadata.drop_all, tables=TABLES)
            await connection.run_sync(SQLModel.metadata.create_all, tables=TABLES)
        async with AsyncSession(engine, expire_on_commit=False) as session:
            yield session
            await session.rollback()
        async with engine.begin() as connection:
            await connection.run_sync(SQLModel.metadata.drop_all, tables=TABLES)
    finally:
        await engine.dispose()


def auto_factory(model: type, **meta: Any) -> type[AsyncSQLAlchemyModelFactory[Any]]:
    """A factory for ``model`` that declares nothing itself."""
    options = type("Meta", (), {"model": model, "auto_fields": True, **meta})
    made: type[AsyncSQLAlchemyModelFactory[Any]] = type(
        f"{model.__name__}Factory", (AsyncSQLAlchemyModelFactory,), {"Meta": options}
    )
    return made
