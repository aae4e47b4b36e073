"""The session per call: an AsyncSession or an async_scoped_session, never shared by accident."""

from __future__ import annotations

import asyncio
from typing import Any

import factory
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_scoped_session

from .conftest import SessionMaker
from .factories import UserFactory
from .models import Company, User

pytestmark = pytest.mark.asyncio


async def test_an_async_scoped_session_is_resolved_for_the_calling_task(
    sessionmaker: SessionMaker,
) -> None:
    scoped = async_scoped_session(sessionmaker, scopefunc=asyncio.current_task)
    try:
        user = await UserFactory.create_async(sqlalchemy_session=scoped)

        assert user.id is not None
        assert user in scoped()
    finally:
        await scoped.remove()


async def test_concurrent_calls_keep_their_own_sessions(sessionmaker: SessionMaker) -> None:
    async def create_in_own_session(name: str) -> tuple[AsyncSession, User]:
        session = sessionmaker(expire_on_commit=False)
        user = await UserFactory.create_async(name=name, sqlalchemy_session=session)
        await session.commit()  # SQLite allows one writer at a time: let the next one in
        return session, user

    results = await asyncio.gather(*(create_in_own_session(f"u{i}") for i in range(5)))
    try:
        for session, user in results:
            assert {obj for obj in session if isinstance(obj, User)} == {user}
    finally:
        for session, _ in results:
            await session.close()


async def test_nothing_is_committed_by_default(sessionmaker: SessionMaker) -> None:
    async with sessionmaker() as session:
        await UserFactory.create_async(sqlalchemy_session=session)
        await session.rollback()

        assert await session.scalar(select(func.count()).select_from(User)) == 0
        assert await session.scalar(select(func.count()).select_from(Company)) == 0


async def test_gathered_creates_on_one_session_run_one_after_another(
    session: AsyncSession,
) -> None:
    users = await asyncio.gather(
        *(UserFactory.create_async(sqlalchemy_session=session) for _ in range(20))
    )

    assert all(user.id is not None for user in users)
    assert len({user.id for user in users}) == 20
    assert await session.scalar(select(func.count()).select_from(User)) == 20
    await session.rollback()  # the session is still usable afterwards


async def test_a_hook_creating_through_the_held_session_does_not_wait_for_itself(
    session: AsyncSession,
) -> None:
    class UserWithColleagueFactory(UserFactory):
        @factory.post_generation
        async def colleague(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
            if create:  # the same session, held by the outer call of this task
                await UserFactory.create_async(company=obj.company, sqlalchemy_session=session)

    users = await asyncio.wait_for(
        asyncio.gather(
            *(UserWithColleagueFactory.create_async(sqlalchemy_session=session) for _ in range(3))
        ),
        timeout=30,
    )

    assert len(users) == 3
    assert await session.scalar(select(func.count()).select_from(User)) == 6
