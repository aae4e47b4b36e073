"""Test isolation for SQLAlchemy: every test inside one transaction, rolled back at the end.

The session joins an outer transaction in SAVEPOINT mode
(``join_transaction_mode="create_savepoint"``): a factory or application code that calls
``commit()`` only releases a savepoint, ``rollback()`` only rolls back to it, and the outer
transaction, which the session never owns, is rolled back when the test ends. So rows never
leak from one test to the next, whatever the code under test does with its session.

SQLite needs one more step: with Python's default ``sqlite3`` settings no ``BEGIN`` is sent
until the first INSERT, so the session's first SAVEPOINT would open the transaction itself
and its RELEASE would commit it. An explicit ``BEGIN`` makes the outer transaction real.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

__all__ = ["isolated_session"]


@asynccontextmanager
async def isolated_session(
    engine: AsyncEngine, **session_options: Any
) -> AsyncIterator[AsyncSession]:
    """Yield an ``AsyncSession`` whose work is all rolled back when the block ends.

    ``session_options`` go to ``AsyncSession`` (``expire_on_commit=False``, ...). Use it in
    a ``db_session`` fixture::

        @pytest_asyncio.fixture
        async def db_session(db_engine):
            async with isolated_session(db_engine) as session:
                yield session
    """
    from sqlalchemy.ext.asyncio import AsyncSession

    async with engine.connect() as connection:
        transaction = await connection.begin()
        await _begin_sqlite(connection)
        session = AsyncSession(
            bind=connection, join_transaction_mode="create_savepoint", **session_options
        )
        try:
            yield session
        finally:
            await session.close()
            if transaction.is_active:
                await transaction.rollback()


async def _begin_sqlite(connection: AsyncConnection) -> None:
    """Open the outer transaction for real on SQLite (see the module docstring).

    The SQLAlchemy backend's one rule for that ``BEGIN``; in the driver's autocommit mode
    too, since a test's rows must be rolled back whatever the engine's mode.
    """
    from ..factory.sqlalchemy._api import begin_sqlite_transaction

    await begin_sqlite_transaction(connection, autocommit_too=True, immediate=False)
