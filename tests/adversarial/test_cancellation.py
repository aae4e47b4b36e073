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
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory
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

# How the call is interrupted: a plain ``Task.cancel()``, or an ``asyncio.timeout`` expiring.
MODES = [
    "cancel",
    pytest.param(
        "timeout",
        marks=pytest.mark.skipif(
            sys.version_info < (3, 11), reason="asyncio.timeout is Python 3.11+"
        ),
    ),
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


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", list(OPERATIONS))
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
        if session.get_bind().dialect.name == "sqlite":
            # The cancelled statement's cursor lives in a reference cycle (SQLAlchemy's error
            # handling frames): until it is collected, SQLite keeps the closed connection's
            # write lock (an unfinalised statement makes it a "zombie" connection).
            gc.collect()
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
    # the session's lock is free: a new call gets it at once
    await bounded(F.create_async(sqlalchemy_session=session), 10)
