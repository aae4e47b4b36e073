"""``Meta.sqlalchemy_get_or_create``: look the row up, insert it if missing, race-safe.

factory_boy rolls the whole session back when the INSERT hits an IntegrityError, losing the
caller's transaction. Here the INSERT runs in its own SAVEPOINT, so a lost race costs only
that SAVEPOINT; the row the winner inserted is then read back with a locking read
(``SELECT ... FOR SHARE`` / ``LOCK IN SHARE MODE``): under MariaDB's REPEATABLE READ a plain
re-read would still see the transaction's old snapshot, without the winner's row. A shared
lock, not an exclusive one, so that several losers reading the same row do not deadlock.

The object is constructed *inside* the SAVEPOINT, after everything pending was flushed: its
constructor may append it to a relationship collection of an object already in the session
(``back_populates``), and a flush between that and ``session.add`` would warn that the new
object is not in the session.

On MariaDB / MySQL, racers that insert the same key take turns through a named lock
(``GET_LOCK``) around their INSERT. Otherwise, when the first inserter's transaction rolls
back while several others wait on its uncommitted row, InnoDB grants all of them a shared
lock on the gap and each then needs an exclusive one: a deadlock, whose victim loses its
whole transaction. With the named lock at most one racer waits on the row at a time.
PostgreSQL and SQLite need no such turn.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from typing import Any, TypeVar

from sqlalchemy import Select, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import Mapper

from ..._bridge import await_
from ..._types import Instance, ReadKwargs
from ._savepoint import savepoint

__all__ = ["find", "get_or_create", "insert_or_find"]

_T = TypeVar("_T")

# Dialects whose InnoDB-style locking needs the racers to take turns (see the module doc).
_TAKE_TURNS = frozenset({"mysql", "mariadb"})


async def find(
    session: AsyncSession, model_class: type, lookup: ReadKwargs, *, lock: bool = False
) -> Any:
    """The one row of ``model_class`` matching ``lookup``, or ``None``.

    Several matches raise ``MultipleResultsFound``: the get_or_create fields do not
    identify a row, which is a mistake in the factory to fix, not a row to pick.

    SQLAlchemy's own ``AsyncSession.execute`` is called, not the session's method: a
    subclass may deprecate it (SQLModel's session warns "use session.exec()" on
    ``execute``, which ``session.scalars`` calls), and the caller's
    ``filterwarnings = error`` must not fail a factory over a call it never wrote.
    """
    statement: Select[Any] = select(model_class).filter_by(**lookup)
    if lock:
        statement = statement.with_for_update(read=True)
    result = await AsyncSession.execute(session, statement)
    return result.scalars().one_or_none()


def get_or_create(
    session: AsyncSession,
    model_class: type,
    make: Callable[[], Any],
    lookups: tuple[ReadKwargs, ...],
) -> Instance:
    """The row matching ``lookups[0]``, else ``make()`` inserted in a SAVEPOINT.

    The factories' path: it runs inside the factory call's greenlet (it awaits through
    ``await_``), so ``make``, the model's constructor, runs there too, as it does for any
    other factory object, and only once the SAVEPOINT is open. If the INSERT violates a
    constraint (another transaction inserted the same key since our lookup), the row is
    read back by each of ``lookups`` in turn (the values used for the lookup, then the
    get_or_create values the caller passed explicitly, as factory_boy does); if none finds
    it, the IntegrityError is raised.
    """
    existing = await_(find(session, model_class, lookups[0]))
    if existing is not None:
        return existing
    await_(session.flush())  # earlier pending objects: their errors are not ours to catch
    try:
        with _entered(_turn(session, model_class, lookups[0])), _entered(savepoint(session)):
            obj = make()
            session.sync_session.add(obj)
            await_(session.flush())
    except IntegrityError:
        winner = await_(_winner(session, model_class, lookups))
        if winner is None:
            raise
        return winner
    return obj


async def insert_or_find(
    session: AsyncSession,
    model_class: type,
    obj: Instance,
    lookups: tuple[ReadKwargs, ...],
) -> Any:
    """Insert ``obj`` (built already) in a SAVEPOINT; on a constraint violation, the winner.

    The path of code outside the factories (the persistence adapter), awaited on the event
    loop: the same SAVEPOINT, turn and locking re-read as :func:`get_or_create`.
    """
    await session.flush()  # earlier pending objects: their errors are not ours to catch
    try:
        async with _turn(session, model_class, lookups[0]), savepoint(session):
            session.add(obj)
            await session.flush()
    except IntegrityError:
        winner = await _winner(session, model_class, lookups)
        if winner is None:
            raise
        return winner
    return obj


async def _winner(session: AsyncSession, model_class: type, lookups: tuple[ReadKwargs, ...]) -> Any:
    """The row another transaction inserted first, by each lookup in turn, or ``None``."""
    for lookup in lookups:
        if lookup:
            winner = await find(session, model_class, lookup, lock=True)
            if winner is not None:
                return winner
    return None


@contextmanager
def _entered(manager: AbstractAsyncContextManager[_T]) -> Iterator[_T]:
    """Enter an async context manager from sync code inside a factory call."""
    value = await_(manager.__aenter__())
    try:
        yield value
    except BaseException as exc:
        if not await_(manager.__aexit__(type(exc), exc, exc.__traceback__)):
            raise
    else:
        await_(manager.__aexit__(None, None, None))


@asynccontextmanager
async def _turn(
    session: AsyncSession, model_class: type, lookup: ReadKwargs
) -> AsyncIterator[None]:
    """On MariaDB / MySQL, hold a named lock for this key while inserting it.

    The wait is bounded by the server's ``innodb_lock_wait_timeout`` (the bound a row lock
    wait has anyway); if it runs out, the INSERT goes ahead without the turn.
    """
    mapper: Mapper[object] = inspect(model_class)
    bind = session.sync_session.get_bind(mapper=mapper)
    if bind.dialect.name not in _TAKE_TURNS:
        yield
        return
    table = getattr(model_class, "__tablename__", model_class.__qualname__)
    key = repr((table, sorted(lookup.items())))
    # Lock names are limited to 64 characters and shared by the whole server.
    name = f"async_factory_boy:{hashlib.sha256(key.encode()).hexdigest()[:40]}"
    connection = await session.connection(bind_arguments={"mapper": mapper})
    got = await connection.scalar(
        text("SELECT GET_LOCK(:name, @@innodb_lock_wait_timeout)"), {"name": name}
    )
    try:
        yield
    finally:
        if got == 1 and _still_usable(session, connection):
            await connection.scalar(text("SELECT RELEASE_LOCK(:name)"), {"name": name})


def _still_usable(session: AsyncSession, connection: AsyncConnection) -> bool:
    """Whether the connection can still run SQL (to release the named lock).

    A cancellation (or a timeout) that hit a statement invalidates the connection and
    leaves the transaction waiting for a rollback: SQL sent now would raise
    ``PendingRollbackError`` instead of letting the ``CancelledError`` through (and on
    asyncmy a connection left mid-packet may never answer). The server releases a named
    lock when its connection closes, which invalidating it does.
    """
    transaction = session.sync_session.get_transaction()
    return not connection.invalidated and transaction is not None and transaction.is_active
