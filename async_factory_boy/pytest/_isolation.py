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
* Given a connection that is already in a transaction (:func:`isolated_connection`'s, held
  by a module- or session-scoped fixture), the "outer transaction" is a SAVEPOINT inside
  it: the test sees the scope's data and its own changes roll back to that SAVEPOINT.

SQLite needs one more step: with Python's default ``sqlite3`` settings no ``BEGIN`` is sent
until the first INSERT, so the session's first SAVEPOINT would open the transaction itself
and its RELEASE would commit it. An explicit ``BEGIN`` makes the outer transaction real.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, overload

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import (
        AsyncConnection,
        AsyncEngine,
        AsyncSession,
        async_sessionmaker,
    )

__all__ = ["isolated_connection", "isolated_session", "session_on"]

S = TypeVar("S", bound="AsyncSession")


@overload
def isolated_session(
    bind: async_sessionmaker[S], *, class_: None = ..., **session_options: Any
) -> AbstractAsyncContextManager[S]: ...


@overload
def isolated_session(
    bind: AsyncEngine | AsyncConnection | async_sessionmaker[Any],
    *,
    class_: type[S],
    **session_options: Any,
) -> AbstractAsyncContextManager[S]: ...


@overload
def isolated_session(
    bind: AsyncEngine | AsyncConnection, *, class_: None = ..., **session_options: Any
) -> AbstractAsyncContextManager[AsyncSession]: ...


def isolated_session(
    bind: AsyncEngine | AsyncConnection | async_sessionmaker[Any],
    *,
    class_: type[AsyncSession] | None = None,
    **session_options: Any,
) -> AbstractAsyncContextManager[AsyncSession]:
    """Yield a session whose work is all rolled back when the block ends.

    Factory calls with this session commit, so the application's ``rollback()`` never
    undoes test data (see the module docstring). Use it in a ``db_session`` fixture::

        @pytest_asyncio.fixture(loop_scope="session")
        async def db_session(db_engine):
            async with isolated_session(db_engine) as session:
                yield session

    Args:
        bind: an ``AsyncEngine`` (a connection of its own, a transaction rolled back at the
            end); an ``AsyncConnection`` (in a transaction already, e.g. one held by
            :func:`isolated_connection` for a module: the test runs in a SAVEPOINT inside
            it, so the scope's data is there and the test's changes are not, after it); or
            the application's ``async_sessionmaker`` (its bind, session class and options
            are used).
        class_: the session class to yield, any ``AsyncSession`` subclass (SQLModel's
            ``sqlmodel.ext.asyncio.session.AsyncSession`` for ``session.exec()``); default:
            the sessionmaker's class, else SQLAlchemy's ``AsyncSession``.
        session_options: more session options (``expire_on_commit=False``, ...); they
            win over the sessionmaker's.

    Raises:
        SessionTypeError: ``bind`` or ``class_`` is not one of the above, or the
            sessionmaker has no bind.
    """
    return _isolated_session(bind, class_, session_options)


@asynccontextmanager
async def _isolated_session(
    bind: Any, class_: type[AsyncSession] | None, options: dict[str, Any]
) -> AsyncIterator[AsyncSession]:
    from sqlalchemy.ext.asyncio import async_sessionmaker

    maker_options: dict[str, Any] = {}
    if isinstance(bind, async_sessionmaker):
        maker = bind
        maker_options = {
            key: value
            for key, value in maker.kw.items()
            if key not in {"bind", "binds", "join_transaction_mode"}
        }
        class_ = maker.class_ if class_ is None else class_
        bind = maker.kw.get("bind")
        if bind is None:
            _fail(
                "isolated_session() was given an async_sessionmaker without a bind: create "
                "it with async_sessionmaker(engine), or pass the engine itself."
            )
    _check_bind(bind)
    async with (
        isolated_connection(bind) as connection,
        session_on(connection, class_=class_, **{**maker_options, **options}) as session,
    ):
        yield session


@asynccontextmanager
async def session_on(
    connection: AsyncConnection, *, class_: type[AsyncSession] | None = None, **options: Any
) -> AsyncIterator[AsyncSession]:
    """A session joining ``connection``'s transaction, each factory call committing into it.

    Its ``commit()`` releases a SAVEPOINT into the connection's transaction (it never ends
    that transaction), its ``rollback()`` rolls back to one; closed at the end of the block.
    ``isolated_session`` runs it inside a SAVEPOINT of its own; shared data
    (``_shared``) runs it right on the scope's transaction, so its commits stay for the scope.
    """
    from sqlalchemy.ext.asyncio import AsyncSession

    from ..factory.sqlalchemy._api import commit_each_call

    session_class = AsyncSession if class_ is None else class_
    if not (isinstance(session_class, type) and issubclass(session_class, AsyncSession)):
        _fail(
            f"isolated_session(class_={session_class!r}): the session class must be "
            "sqlalchemy.ext.asyncio.AsyncSession or a subclass of it (SQLModel's "
            "sqlmodel.ext.asyncio.session.AsyncSession is one)."
        )
    session = session_class(bind=connection, join_transaction_mode="create_savepoint", **options)
    commit_each_call(session)
    try:
        yield session
    finally:
        await session.close()


@asynccontextmanager
async def isolated_connection(
    bind: AsyncEngine | AsyncConnection,
) -> AsyncIterator[AsyncConnection]:
    """Yield a connection in a transaction that is rolled back when the block ends.

    The outer transaction of a scope, for data made once per module, class or session and
    seen by every test of it: hold it in a fixture of that scope, make the data with
    :func:`~async_factory_boy.pytest.shared_data`, and give each test
    ``isolated_session(connection)``, which nests in a SAVEPOINT::

        @pytest_asyncio.fixture(scope="module", loop_scope="session")
        async def db_connection(db_engine):
            async with isolated_connection(db_engine) as connection:
                yield connection

    Given an engine, a connection of its own, in a new transaction. Given a connection in
    a transaction, a SAVEPOINT inside it (so scopes nest: session, module, test); given
    one outside a transaction, a new transaction on it.
    """
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

    _check_bind(bind)
    if isinstance(bind, AsyncEngine):
        async with bind.connect() as connection, _outer_transaction(connection):
            yield connection
        return
    assert isinstance(bind, AsyncConnection)
    async with _outer_transaction(bind):
        yield bind


@asynccontextmanager
async def _outer_transaction(connection: AsyncConnection) -> AsyncIterator[None]:
    """A transaction (or, inside one, a SAVEPOINT) on ``connection``, always rolled back."""
    if connection.in_transaction():
        await _begin_sqlite(connection)
        transaction = await connection.begin_nested()
    else:
        transaction = await connection.begin()
        await _begin_sqlite(connection)
    try:
        yield
    finally:
        if transaction.is_active:
            await transaction.rollback()


def _check_bind(bind: object) -> None:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

    if not isinstance(bind, (AsyncEngine, AsyncConnection)):
        _fail(
            f"isolated_session() / isolated_connection() need an AsyncEngine, an "
            f"AsyncConnection or an async_sessionmaker, got {type(bind).__name__} {bind!r}: "
            "create the engine with sqlalchemy.ext.asyncio.create_async_engine."
        )


def _fail(message: str) -> NoReturn:
    from ..errors import SessionTypeError

    raise SessionTypeError(message)


async def _begin_sqlite(connection: AsyncConnection) -> None:
    """Open the outer transaction for real on SQLite (see the module docstring).

    The SQLAlchemy backend's one rule for that ``BEGIN``; in the driver's autocommit mode
    too, since a test's rows must be rolled back whatever the engine's mode.
    """
    from ..factory.sqlalchemy._api import begin_sqlite_transaction

    await begin_sqlite_transaction(connection, autocommit_too=True, immediate=False)
