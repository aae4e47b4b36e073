"""SAVEPOINTs the SQLAlchemy backend opens: never committing anything by themselves.

A batch and a get_or_create INSERT run inside a SAVEPOINT so that a failure rolls back only
what the library wrote, leaving the caller's transaction and earlier objects alone.

SQLite's Python drivers (pysqlite, aiosqlite) in their default "legacy" transaction mode
only emit ``BEGIN`` before an INSERT/UPDATE/DELETE. A ``SAVEPOINT`` sent while no transaction
is open starts one, and its ``RELEASE`` then commits it: the caller's later ``rollback()``
would keep the rows. So before the first SAVEPOINT on such a connection we open the real
transaction with an explicit ``BEGIN``; the driver then sees a transaction in progress and
the caller's ``commit()`` / ``rollback()`` decide its fate, as on every other database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction

__all__ = ["ensure_real_transaction", "savepoint"]


async def ensure_real_transaction(session: AsyncSession) -> None:
    """Make sure the database itself has a transaction open on the session's connection.

    Only SQLite's legacy driver mode needs it; elsewhere the driver's own BEGIN (or the
    server's implicit transaction) already holds.
    """
    connection = await session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    # ``isolation_level is None`` is the driver's autocommit mode: either the caller runs
    # in AUTOCOMMIT on purpose, or emits BEGIN itself (SQLAlchemy's documented recipe), in
    # which case ``in_transaction`` is already true. Both are left as they are.
    if getattr(driver, "isolation_level", None) is None:
        return
    if not getattr(driver, "in_transaction", True):
        # IMMEDIATE: a write follows at once; taking the write lock now, rather than
        # upgrading a read lock later, avoids the busy deadlock of two such writers.
        await connection.exec_driver_sql("BEGIN IMMEDIATE")


@asynccontextmanager
async def savepoint(session: AsyncSession) -> AsyncIterator[AsyncSessionTransaction]:
    """A SAVEPOINT inside a real transaction: released on success, rolled back on failure.

    SQLAlchemy's own nested-transaction context does the work, including the case of a
    flush that failed inside it (the SAVEPOINT is then rolled back already and the nested
    transaction only needs closing, after which the session is usable again). The block
    may release the SAVEPOINT earlier itself (``await nested.commit()``), e.g. before a
    commit of the whole transaction.
    """
    await ensure_real_transaction(session)
    async with session.begin_nested() as nested:
        yield nested
