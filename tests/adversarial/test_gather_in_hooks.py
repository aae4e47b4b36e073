"""Tasks started inside a call serialise on its session; the call's own nested creates re-enter.

Issue 24, item 1: ``asyncio.gather`` of creates inside an ``async def`` hook ran them
concurrently on one session ("Session is already flushing"; on MariaDB a hung connection),
because the lock's "already held" marker was a copied ContextVar.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import factory
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from async_factory_boy import await_
from async_factory_boy.factory.mongo import AsyncMongoFactory
from tests.sqlalchemy.factories import CompanyFactory, UserFactory
from tests.sqlalchemy.models import Company, User

from ._bounded import REPEATS, bounded

pytestmark = pytest.mark.asyncio

FANOUT = 5


class GatheringUserFactory(UserFactory):
    """A user whose hook gathers five company creates (the issue's reproduction)."""

    @factory.post_generation
    async def friends(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            await asyncio.gather(*(CompanyFactory.create_async() for _ in range(FANOUT)))


async def count(session: AsyncSession, model: type[Any]) -> int:
    return (await session.execute(sa.select(sa.func.count()).select_from(model))).scalar_one()


async def test_gather_of_five_creates_in_a_hook_fifty_times(session: AsyncSession) -> None:
    for _ in range(REPEATS):
        await bounded(GatheringUserFactory.create_async(sqlalchemy_session=session))
    assert await count(session, User) == REPEATS
    # each user's SubFactory company plus the five of its hook
    assert await count(session, Company) == REPEATS * (1 + FANOUT)


@pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.TaskGroup is Python 3.11+")
async def test_task_group_and_create_task_in_hooks_and_declarations(
    session: AsyncSession,
) -> None:
    async def company_names() -> str:
        # an async declaration that starts tasks of its own and awaits them
        task = asyncio.create_task(CompanyFactory.create_async())
        nested = await CompanyFactory.create_async()  # the call's own task, meanwhile
        return f"{(await task).name}+{nested.name}"

    class F(UserFactory):
        email = factory.LazyFunction(company_names)

        @factory.post_generation
        async def members(self, create: bool, extracted: Any, **kwargs: Any) -> None:
            async with asyncio.TaskGroup() as group:  # type: ignore[attr-defined,unused-ignore]  # 3.11+
                for _ in range(3):
                    group.create_task(UserFactory.create_async())

    for _ in range(5):
        user = await bounded(F.create_async(sqlalchemy_session=session))
        assert "+" in (user.email or "")
    assert await count(session, User) == 5 * (1 + 3)
    assert await count(session, Company) == 5 * (1 + 2 + 3)


async def test_gather_through_await_in_a_sync_hook(session: AsyncSession) -> None:
    """A sync hook awaiting a gather through ``await_``: same serialisation."""

    class F(UserFactory):
        @factory.post_generation
        def friends(self, create: bool, extracted: Any, **kwargs: Any) -> None:
            if create:
                await_(asyncio.gather(*(CompanyFactory.create_async() for _ in range(FANOUT))))

    for _ in range(5):
        await bounded(F.create_async(sqlalchemy_session=session))
    assert await count(session, Company) == 5 * (1 + FANOUT)


async def test_nested_gathers_two_levels_deep(session: AsyncSession) -> None:
    """Tasks of a call made inside a task of a call: each level queues under its parent."""
    for _ in range(3):
        await bounded(
            asyncio.gather(
                *(GatheringUserFactory.create_async(sqlalchemy_session=session) for _ in range(3))
            )
        )
    assert await count(session, User) == 9


async def test_a_task_left_running_by_a_hook_finishes_before_the_session_moves_on(
    session: AsyncSession,
) -> None:
    """A ``create_task`` the hook never awaits still uses the session alone."""
    started: list[asyncio.Task[Company]] = []

    class F(UserFactory):
        @factory.post_generation
        async def later(self, create: bool, extracted: Any, **kwargs: Any) -> None:
            started.append(asyncio.create_task(CompanyFactory.create_async()))

    for _ in range(5):
        await bounded(
            asyncio.gather(
                F.create_async(sqlalchemy_session=session),
                CompanyFactory.create_async(sqlalchemy_session=session),
            )
        )
    await bounded(asyncio.gather(*started))
    assert await count(session, Company) == 5 * 3


class MongoCompanyFactory(AsyncMongoFactory[dict[str, Any]]):
    class Meta:
        collection = "companies"

    name = factory.Sequence(lambda n: f"company {n}")


class MongoGatheringFactory(AsyncMongoFactory[dict[str, Any]]):
    class Meta:
        collection = "people"

    name = factory.Sequence(lambda n: f"person {n}")

    @factory.post_generation
    async def friends(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            await asyncio.gather(*(MongoCompanyFactory.create_async() for _ in range(FANOUT)))


async def test_gather_in_a_hook_on_mongo_with_a_session(mongo_session: tuple[Any, Any]) -> None:
    database, client_session = mongo_session
    for _ in range(REPEATS):
        await bounded(
            MongoGatheringFactory.create_async(
                mongo_database=database, mongo_session=client_session
            )
        )
    assert await database["people"].count_documents({}) == REPEATS
    assert await database["companies"].count_documents({}) == REPEATS * FANOUT
