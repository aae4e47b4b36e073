"""A cancelled call raises ``CancelledError`` (``TimeoutError`` under a timeout), wherever it is.

Issue 24, item 2: on MariaDB a cancelled get_or_create released its named lock with SQL on
the connection the cancellation had invalidated, so ``PendingRollbackError`` came out instead.
Each test first counts the statements an operation sends (the engine's
``before_cursor_execute`` event), then runs it once per statement, cancelling the call just
before that statement goes out, and checks the error, that the session recovers with a
rollback, and that the operation then succeeds.
"""

from __future__ import annotations

import asyncio
import gc
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import factory
import pytest
import sqlalchemy as sa
from pymongo import AsyncMongoClient, monitoring
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory
from tests import _mongo_server
from tests.adversarial.test_gather_in_hooks import MongoCompanyFactory
from tests.sqlalchemy.factories import CompanyFactory, UserFactory
from tests.sqlalchemy.models import Company, User

from ._bounded import bounded

pytestmark = pytest.mark.asyncio


class GetOrCreateCompanyFactory(AsyncSQLAlchemyModelFactory[Company]):
    class Meta:
        model = Company
        sqlalchemy_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"goc {n}")


Operation = Callable[[AsyncSession], Awaitable[Any]]

OPERATIONS: dict[str, Operation] = {
    "create": lambda s: UserFactory.create_async(sqlalchemy_session=s),
    "batch": lambda s: UserFactory.create_batch_async(3, sqlalchemy_session=s),
    "get_or_create": lambda s: GetOrCreateCompanyFactory.create_async(sqlalchemy_session=s),
}

_TIMEOUT = pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.timeout is Python 3.11+")

# What is interrupted, and how: a plain ``Task.cancel()`` of every operation, and an
# ``asyncio.timeout`` expiring in a create and a get-or-create (the batch's statements are
# the create's, in a SAVEPOINT: its timeout adds nothing but time).
CASES = [
    pytest.param("create", "cancel", id="create-cancel"),
    pytest.param("batch", "cancel", id="batch-cancel"),
    pytest.param("get_or_create", "cancel", id="get_or_create-cancel"),
    pytest.param("create", "timeout", id="create-timeout", marks=_TIMEOUT),
    pytest.param("get_or_create", "timeout", id="get_or_create-timeout", marks=_TIMEOUT),
]


@contextmanager
def on_statement(session: AsyncSession, callback: Callable[[int], None]) -> Iterator[None]:
    """Call ``callback(n)`` just before the session's engine sends its ``n``-th statement."""
    engine = session.bind
    assert isinstance(engine, AsyncEngine)
    sent = 0

    def before(*args: Any) -> None:
        nonlocal sent
        callback(sent)
        sent += 1

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before)


async def statements_of(session: AsyncSession, operation: Operation) -> int:
    """How many statements ``operation`` sends (run once, then rolled back)."""
    seen: list[int] = []
    with on_statement(session, seen.append):
        await bounded(operation(session))
    await bounded(session.rollback())
    return len(seen)


async def interrupted_at(
    session: AsyncSession, operation: Operation, boundary: int, mode: str
) -> tuple[type[BaseException], str]:
    """Run ``operation``, interrupted just before statement ``boundary``; the type and
    message of what it raised."""
    loop = asyncio.get_running_loop()
    running: list[asyncio.Task[Any]] = []
    deadline: Any = None

    def interrupt(n: int) -> None:
        if n != boundary:
            return
        if mode == "cancel":
            running[0].cancel()
        else:
            deadline.reschedule(loop.time())

    async def run() -> Any:
        nonlocal deadline
        if mode == "cancel":
            return await operation(session)
        async with asyncio.timeout(None) as deadline:  # type: ignore[attr-defined,unused-ignore]  # 3.11+
            return await operation(session)

    with on_statement(session, interrupt):
        running.append(asyncio.create_task(run()))
        done, _ = await asyncio.wait(running, timeout=30)
    assert done, f"statement {boundary}: the interrupted call hung"
    task = running.pop()
    kind: type[BaseException]
    if task.cancelled():
        kind, message = asyncio.CancelledError, ""
    else:
        error = task.exception()
        assert error is not None, f"statement {boundary}: the call was not interrupted"
        kind, message = type(error), str(error)
        del error
    del task
    return kind, message


def _release_sqlite_zombie(session: AsyncSession) -> None:
    """On SQLite, free the write lock a cancelled statement's connection still holds.

    The cancelled statement's cursor lives in a reference cycle (SQLAlchemy's error handling
    frames): until it is collected, SQLite keeps the closed connection's write lock (an
    unfinalised statement makes it a "zombie" connection), and the next write waits for it
    until "database is locked". The other databases release on close.
    """
    if session.get_bind().dialect.name == "sqlite":
        gc.collect()


@pytest.mark.parametrize(("name", "mode"), CASES)
async def test_interrupt_at_every_statement_boundary(
    session: AsyncSession, name: str, mode: str
) -> None:
    operation = OPERATIONS[name]
    boundaries = await statements_of(session, operation)
    assert boundaries > 0
    expected = asyncio.CancelledError if mode == "cancel" else TimeoutError
    for boundary in range(boundaries):
        kind, message = await interrupted_at(session, operation, boundary, mode)
        assert issubclass(kind, expected), (
            f"{name}, statement {boundary} of {boundaries}: {kind.__name__}: {message}"
        )
        await bounded(session.rollback())  # the session recovers (MariaDB: no hang) ...
        _release_sqlite_zombie(session)
        await bounded(operation(session))  # ... and works again
        await bounded(session.rollback())
    for model in (User, Company):
        rows = await session.execute(sa.select(sa.func.count()).select_from(model))
        assert rows.scalar_one() == 0


async def test_interrupt_inside_a_hook_while_its_gathered_creates_run(
    session: AsyncSession,
) -> None:
    """Cancelling a call whose hook waits for gathered creates: the tasks end, the lock frees."""

    class F(UserFactory):
        @factory.post_generation
        async def friends(self, create: bool, extracted: Any, **kwargs: Any) -> None:
            await asyncio.gather(*(CompanyFactory.create_async() for _ in range(5)))

    for boundary in range(1, 6):
        kind, message = await interrupted_at(
            session, lambda s: F.create_async(sqlalchemy_session=s), boundary, "cancel"
        )
        assert issubclass(kind, asyncio.CancelledError), f"{kind.__name__}: {message}"
        await bounded(session.rollback())
        _release_sqlite_zombie(session)
    # the session's lock is free: a new call gets it at once
    await bounded(F.create_async(sqlalchemy_session=session), 10)


class _CommandBoundaries(monitoring.CommandListener):
    """Calls ``on_command(n)`` as the client starts its ``n``-th command (a boundary)."""

    def __init__(self) -> None:
        self.sent = 0
        self.on_command: Callable[[int], None] = lambda n: None

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.on_command(self.sent)
        self.sent += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


@pytest.mark.parametrize("size", [None, 3], ids=["create", "batch"])
async def test_cancel_at_every_command_of_a_mongo_call(mongo_uri: str, size: int | None) -> None:
    """Mongo with a client session: the same promise, command by command."""
    boundaries = _CommandBoundaries()
    client: Any = AsyncMongoClient(mongo_uri, event_listeners=[boundaries])
    name = f"{_mongo_server.unique_database_name()}_cancel"
    try:
        async with client.start_session() as mongo_session:
            connection = {"mongo_database": client[name], "mongo_session": mongo_session}

            async def operation() -> Any:
                if size is None:
                    return await MongoCompanyFactory.create_async(**connection)
                return await MongoCompanyFactory.create_batch_async(size, **connection)

            boundaries.sent = 0
            await bounded(operation())
            commands = boundaries.sent
            assert commands > 0
            for boundary in range(commands):
                running: list[asyncio.Task[Any]] = []

                def interrupt(
                    n: int, at: int = boundary, tasks: list[asyncio.Task[Any]] = running
                ) -> None:
                    if n == at:
                        tasks[0].cancel()

                boundaries.sent, boundaries.on_command = 0, interrupt
                running.append(asyncio.create_task(operation()))
                done, _ = await asyncio.wait(running, timeout=30)
                boundaries.on_command = lambda n: None
                assert done, f"command {boundary}: the cancelled call hung"
                assert running[0].cancelled(), f"command {boundary}: {running[0].exception()!r}"
                await bounded(operation())  # the client and session work again
        await client.drop_database(name)
    finally:
        await client.close()
