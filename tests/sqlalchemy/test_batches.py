"""``create_batch_async``: what n creates would return, in a handful of flushes, atomically."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from contextlib import contextmanager

import factory
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .conftest import SessionMaker
from .factories import CompanyFactory, MembershipFactory, UserFactory
from .models import Company, Membership, User

pytestmark = pytest.mark.asyncio


@contextmanager
def counting_flushes(session: AsyncSession) -> Iterator[list[object]]:
    """Record every flush of ``session`` (one entry per ``after_flush`` event)."""
    flushes: list[object] = []

    def record(*args: object) -> None:
        flushes.append(args)

    event.listen(session.sync_session, "after_flush", record)
    try:
        yield flushes
    finally:
        event.remove(session.sync_session, "after_flush", record)


async def rows(session: AsyncSession, model: type) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_a_batch_returns_persisted_objects_each_with_its_own_company(
    session: AsyncSession,
) -> None:
    users = await UserFactory.create_batch_async(5, sqlalchemy_session=session)

    assert len(users) == 5
    assert all(user.id is not None for user in users)
    assert len({user.company.id for user in users}) == 5
    assert [user.company_id for user in users] == [user.company.id for user in users]
    assert await rows(session, User) == 5


async def test_a_batch_of_200_users_with_company_takes_a_handful_of_flushes(
    session: AsyncSession,
) -> None:
    with counting_flushes(session) as flushes:
        users = await UserFactory.create_batch_async(200, sqlalchemy_session=session)

    assert len(flushes) <= 3
    assert await rows(session, User) == 200
    assert await rows(session, Company) == 200
    assert all(user.id is not None for user in users)


async def test_a_declaration_reading_a_generated_key_sees_it_in_a_batch(
    session: AsyncSession,
) -> None:
    memberships = await MembershipFactory.create_batch_async(4, sqlalchemy_session=session)

    for membership in memberships:
        company = await session.get(Company, membership.company_id)
        assert company is not None
    assert len({membership.company_id for membership in memberships}) == 4
    assert await rows(session, Membership) == 4


async def test_a_callers_rollback_discards_the_batch(sessionmaker: SessionMaker) -> None:
    # On SQLite's default driver settings, a SAVEPOINT outside a transaction starts one
    # and its RELEASE commits it: the library must open a real transaction first.
    async with sessionmaker() as session:
        await CompanyFactory.create_batch_async(3, sqlalchemy_session=session)
        await session.rollback()

    async with sessionmaker() as other:
        assert await rows(other, Company) == 0


async def test_a_cancelled_batch_leaves_none_of_its_rows(session: AsyncSession) -> None:
    reached_third = asyncio.Event()
    created = itertools.count()

    async def name_or_hang() -> str:
        if next(created) == 2:
            reached_third.set()
            await asyncio.Event().wait()  # never set: the task is cancelled here
        return "company"

    class SlowCompanyFactory(CompanyFactory):
        name = factory.Sequence(lambda n: f"slow {n}")
        slogan = factory.LazyFunction(name_or_hang)

        class Meta:
            exclude = ("slogan",)

    task = asyncio.create_task(SlowCompanyFactory.create_batch_async(5, sqlalchemy_session=session))
    await reached_third.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert not session.new
    assert await rows(session, Company) == 0


async def test_related_factories_run_for_every_object_of_a_batch(session: AsyncSession) -> None:
    class CompanyWithStaffFactory(CompanyFactory):
        staff = factory.RelatedFactoryList(UserFactory, factory_related_name="company", size=2)

    with counting_flushes(session) as flushes:
        companies = await CompanyWithStaffFactory.create_batch_async(10, sqlalchemy_session=session)

    assert len(flushes) <= 3
    assert await rows(session, Company) == 10
    assert await rows(session, User) == 20
    for company in companies:
        staff = await session.scalars(select(User).where(User.company_id == company.id))
        assert len(staff.all()) == 2
