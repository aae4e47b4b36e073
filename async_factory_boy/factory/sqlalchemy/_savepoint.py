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

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, AsyncSessionTransaction

__all__ = ["begin_sqlite_transaction", "ensure_real_transaction", "savepoint"]


async def begin_sqlite_transaction(
    connection: AsyncConnection, *, autocommit_too: bool = False, immediate: bool = True
) -> None:
    """Send the ``BEGIN`` SQLite's legacy-mode driver has not sent yet (see the module doc).

    The one rule, used by the factories' SAVEPOINTs and by ``isolated_session``'s outer
    transaction: nothing happens on another database, when the driver reports a transaction
    open already, or when it does not say (sending BEGIN inside a transaction is an error).
    ``isolation_level is None`` is the driver's autocommit mode: either the caller runs in
    AUTOCOMMIT on purpose, or emits BEGIN itself (SQLAlchemy's documented recipe, in which
    case ``in_transaction`` is true already); it is respected unless ``autocommit_too``
    (a test's outer transaction must hold whatever the engine's mode).

    ``immediate`` sends ``BEGIN IMMEDIATE``: when a write follows at once, taking the write
    lock now, rather than upgrading a read lock later, avoids the busy deadlock of two such
    writers. A transaction that may only read (a test's outer one) sends a plain ``BEGIN``.
    """
    if connection.dialect.name != "sqlite":
        return
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    if getattr(driver, "in_transaction", True):
        return
    if getattr(driver, "isolation_level", None) is None and not autocommit_too:
        return
    await connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


async def ensure_real_transaction(session: AsyncSession) -> None:
    """Make sure the database itself has a transaction open on the session's connection.

    Only SQLite's legacy driver mode needs it (:func:`begin_sqlite_transaction`); elsewhere
    the driver's own BEGIN (or the server's implicit transaction) already holds.
    """
    await begin_sqlite_transaction(await session.connection())


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
