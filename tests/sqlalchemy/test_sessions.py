"""The session per call: an AsyncSession or an async_scoped_session, never shared by accident."""

from __future__ import annotations

import asyncio

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
