"""Fixtures of the 1.0.1 compatibility tests: each test runs on every SQL database.

``sc_session`` binds the factories' module-level scoped session to the test's database,
as 1.0.1's own test set-up did. The DeprecationWarning of the factories (defined at import)
is filtered exactly as the migration guide tells 1.0.1 users to do while they migrate.
"""

from __future__ import annotations

import pathlib
import warnings
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from .models import Base

MIGRATION_FILTER = "ignore:AsyncSQLAlchemyFactory is deprecated:DeprecationWarning"


# The factories are defined when the test modules are imported, during collection. When this
# conftest is loaded during collection, the module-level filter reaches that; when it is
# loaded before (``pytest tests/sqlalchemy_legacy``), pytest_configure does. The marker added
# below covers factories the tests define themselves.
warnings.filterwarnings("ignore", "AsyncSQLAlchemyFactory is deprecated", DeprecationWarning)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("filterwarnings", MIGRATION_FILTER)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = pathlib.Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.filterwarnings(MIGRATION_FILTER))


@pytest_asyncio.fixture
async def engine(sql_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on each SQL database in turn, with the models' tables (dropped after)."""
    engine = create_async_engine(sql_url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.drop_all)
            await connection.run_sync(Base.metadata.create_all)
        yield engine
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.drop_all)
    finally:
        await engine.dispose()


@pytest_asyncio.fixture
async def sc_session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """The factories' scoped session, bound to this test's database (expire_on_commit=True)."""
    from .factories import sc_session as scoped  # imported late: see the filter above

    scoped.configure(bind=engine)
    session: AsyncSession = scoped.registry()
    try:
        yield session
    finally:
        await session.close()
        scoped.registry.clear()


async def count_committed(engine: AsyncEngine, model: type) -> int:
    """Rows of ``model`` another connection sees: what was committed."""
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(model)) or 0)
