"""A single ``create_async`` written by the bulk writer is the flush's write, failure included.

``write_pending(session, as_flush=True)`` writes a single call's objects with Core inserts
inside a subtransaction of the session's, as ``Session.flush`` does; each test runs the
same calls with the switch on and off on every SQL database and compares what they leave.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, PendingRollbackError
from sqlalchemy.ext.asyncio import AsyncSession

from async_factory_boy.factory.sqlalchemy import _session
from async_factory_boy.factory.sqlalchemy._inline_connection import inline_connection, run_inline

from .factories import CompanyFactory, UserFactory
from .models import Company, User

pytestmark = pytest.mark.asyncio


@pytest.fixture
def single_bulk_write() -> Iterator[None]:
    before = _session.SINGLE_BULK_WRITE
    yield
    _session.SINGLE_BULK_WRITE = before


async def _rows(session: AsyncSession) -> list[tuple[Any, ...]]:
    result = await session.execute(
        sa.select(User.name, User.email, Company.name)
        .join(User.company, isouter=True)
        .order_by(User.name)
    )
    return [tuple(row) for row in result.all()]


async def _created(session: AsyncSession, on: bool) -> tuple[Any, ...]:
    """Single calls (a SubFactory parent, a given parent, an override), then what the
    objects and the rows say; everything is deleted again for the other run."""
    _session.SINGLE_BULK_WRITE = on
    CompanyFactory.reset_sequence()
    UserFactory.reset_sequence()
    first = await UserFactory.create_async(sqlalchemy_session=session)
    second = await UserFactory.create_async(
        company=first.company, email="b@example.com", sqlalchemy_session=session
    )
    lone = await UserFactory.create_async(company=None, sqlalchemy_session=session)
    objects = [
        (
            user.name,
            user.email,
            user.company.name if user.company else None,
            user.company_id == (user.company.id if user.company else None),
            user in session,
            session.sync_session.is_modified(user),
        )
        for user in (first, second, lone)
    ]
    colleagues = sorted(user.name for user in first.company.users)
    got = await session.get(User, second.id)
    state = (objects, colleagues, got is second, await _rows(session))
    await session.execute(sa.delete(User))
    await session.execute(sa.delete(Company))
    return state


async def test_single_creates_leave_the_objects_and_rows_a_flush_leaves(
    session: AsyncSession, single_bulk_write: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[bool] = []
    write_pending = _session.write_pending

    async def spy(target: AsyncSession, **options: Any) -> bool:
        wrote = await write_pending(target, **options)
        written.append(wrote)
        return wrote

    monkeypatch.setattr(_session, "write_pending", spy)
    fast = await _created(session, on=True)
    slow = await _created(session, on=False)

    assert fast == slow
    assert len(fast[3]) == 3
    dialect = session.bind.dialect  # (no ordered RETURNING: MariaDB keeps the flush)
    assert written == [dialect.insert_executemany_returning_sort_by_parameter_order] * 3


async def _failed(session: AsyncSession, on: bool) -> tuple[Any, ...]:
    """A single call whose INSERT fails: the error, the session's state, its next use."""
    _session.SINGLE_BULK_WRITE = on
    kept = await UserFactory.create_async(email="taken@example.com", sqlalchemy_session=session)
    with pytest.raises(IntegrityError) as failure:
        await UserFactory.create_async(email="taken@example.com", sqlalchemy_session=session)
    state = (
        type(failure.value.orig).__name__,
        session.is_active,
        session.in_transaction(),
        len(session.new),
        len(session.identity_map),
        kept in session,
    )
    with pytest.raises(PendingRollbackError) as pending:
        await session.execute(sa.select(1))
    await session.rollback()
    after = (kept in session, await _rows(session))
    # The message quotes the failed statement, whose SQL text may differ (RETURNING).
    return (*state, str(pending.value).split(" Original exception")[0], *after)


async def test_a_failed_single_create_leaves_the_session_as_a_failed_flush(
    session: AsyncSession, single_bulk_write: None
) -> None:
    fast = await _failed(session, on=True)
    slow = await _failed(session, on=False)

    assert fast == slow
    assert "previous exception during flush" in slow[6]
    assert slow[-1] == []  # nothing of the transaction stayed


async def _inserts(session: AsyncSession, on: bool) -> list[tuple[str, bool]]:
    """The INSERTs one single create sends: table, and whether it reads values back."""
    _session.SINGLE_BULK_WRITE = on
    sent: list[tuple[str, bool]] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT"):
            table = statement.split()[2].strip('"`')
            sent.append((table, "RETURNING" in statement.upper()))

    engine = session.bind.sync_engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        user = await UserFactory.create_async(sqlalchemy_session=session)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert user.id is not None
    assert user.company_id == user.company.id
    await session.execute(sa.delete(User))
    await session.execute(sa.delete(Company))
    return sent


async def test_a_single_create_reads_its_keys_back_as_the_flush_does(
    session: AsyncSession, single_bulk_write: None
) -> None:
    """Where the flush takes a new key from the cursor's ``lastrowid`` (SQLite), so does the
    bulk writer (no ``RETURNING``: on aiosqlite one hand-off to the driver's thread less);
    where it uses ``RETURNING`` (PostgreSQL), so does the bulk writer."""
    fast = await _inserts(session, on=True)
    slow = await _inserts(session, on=False)

    assert fast == slow
    assert [table for table, _ in fast] == [Company.__tablename__, User.__tablename__]


async def test_run_inline_refuses_a_coroutine_that_suspends() -> None:
    """The single create's write runs its coroutine without an event loop: one that awaits
    anything but the inline connection is closed and refused, not left half-run."""
    steps: list[str] = []

    async def suspends() -> None:
        steps.append("started")
        try:
            await asyncio.sleep(0)
        finally:
            steps.append("closed")

    with pytest.raises(RuntimeError, match="awaited something other than the connection"):
        run_inline(suspends())
    assert steps == ["started", "closed"]


async def test_the_inline_connection_answers_as_the_async_one(session: AsyncSession) -> None:
    def inline(sync: Any) -> tuple[Any, ...]:
        conn = inline_connection(sync.connection())
        return (
            conn.dialect.name,
            run_inline(conn.scalar(sa.select(sa.literal(41) + 1))),
            run_inline(conn.execute(sa.select(sa.literal("a")))).all(),
        )

    connection = await session.connection()
    expected = (
        connection.dialect.name,
        await connection.scalar(sa.select(sa.literal(41) + 1)),
        (await connection.execute(sa.select(sa.literal("a")))).all(),
    )
    assert await session.run_sync(inline) == expected
