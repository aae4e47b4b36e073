"""Test isolation for SQLAlchemy: test data survives the application, nothing outlives the test.

Three levels of transaction, on one connection::

    BEGIN                                   outer transaction: rolled back when the test ends
    |  SAVEPOINT sa_1                       session transaction (create_savepoint mode)
    |  |  INSERT company, user              a factory call for the test ...
    |  RELEASE SAVEPOINT sa_1               ... commits: its rows join the outer transaction
    |  SAVEPOINT sa_2                       the application's work begins
    |  |  INSERT order                      application code
    |  ROLLBACK TO SAVEPOINT sa_2           application rollback(): only its own work is undone
    |  SAVEPOINT sa_3 ... RELEASE           application commit(): joins the outer transaction
    ROLLBACK                                end of the test: everything is gone

* The session joins the outer transaction with ``join_transaction_mode="create_savepoint"``:
  its ``commit()`` releases a savepoint and its ``rollback()`` rolls back to one; it never
  owns the outer transaction, which is rolled back when the block ends.
* Every factory call with this session commits when it is done (without expiring
  anything: ``commit_each_call``), so the test's data never sits in a
  savepoint the application can roll back. That holds for model fixtures, the factory
  fixture and ``create_async`` calls in the test body alike. What the application had
  pending, uncommitted, when a factory call ends is committed along with it.

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

    Factory calls with this session commit, so the application's ``rollback()`` never
    undoes test data (see the module docstring). ``session_options`` go to
    ``AsyncSession`` (``expire_on_commit=False``, ...). Use it in a ``db_session`` fixture::

        @pytest_asyncio.fixture
        async def db_session(db_engine):
            async with isolated_session(db_engine) as session:
                yield session
    """
    from sqlalchemy.ext.asyncio import AsyncSession

    from ..factory.sqlalchemy._api import commit_each_call

    async with engine.connect() as connection:
        transaction = await connection.begin()
        await _begin_sqlite(connection)
        session = AsyncSession(
            bind=connection, join_transaction_mode="create_savepoint", **session_options
        )
        commit_each_call(session)
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
