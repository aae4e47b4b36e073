"""``Meta.sqlalchemy_get_or_create``: the existing row, else a new one, safe under races."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import factory
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError, MultipleResultsFound
from sqlalchemy.ext.asyncio import AsyncSession

from async_factory_boy import await_
from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory

from .conftest import SessionMaker
from .factories import CompanyFactory, UserFactory
from .models import Company, User

pytestmark = pytest.mark.asyncio


class SharedCompanyFactory(CompanyFactory):
    class Meta:
        sqlalchemy_get_or_create = ("name",)


class UserByNameFactory(AsyncSQLAlchemyModelFactory[User]):
    """Looks users up by ``name``, which is not unique: two matches are a mistake."""

    class Meta:
        model = User
        sqlalchemy_get_or_create = ("name",)

    name = "ada"
    email = factory.Sequence(lambda n: f"user{n}@example.com")


async def rows(session: AsyncSession, model: type) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_a_missing_row_is_created(session: AsyncSession) -> None:
    acme = await SharedCompanyFactory.create_async(name="acme", sqlalchemy_session=session)
    globex = await SharedCompanyFactory.create_async(name="globex", sqlalchemy_session=session)

    assert acme.id != globex.id
    assert await rows(session, Company) == 2


async def test_subfactories_share_the_row(session: AsyncSession) -> None:
    class ColleagueFactory(UserFactory):
        company = factory.SubFactory(SharedCompanyFactory, name="acme")

    users = await ColleagueFactory.create_batch_async(3, sqlalchemy_session=session)

    assert len({user.company.id for user in users}) == 1
    assert await rows(session, Company) == 1


async def test_several_matches_raise(session: AsyncSession) -> None:
    await UserFactory.create_batch_async(2, name="ada", sqlalchemy_session=session)

    with pytest.raises(MultipleResultsFound):
        await UserByNameFactory.create_async(sqlalchemy_session=session)


async def test_a_failed_insert_keeps_the_callers_transaction(session: AsyncSession) -> None:
    earlier = await CompanyFactory.create_async(name="earlier", sqlalchemy_session=session)
    await UserFactory.create_async(email="taken@example.com", sqlalchemy_session=session)

    # No user is called "grace", so it inserts one, whose email is taken: IntegrityError,
    # rolled back to the SAVEPOINT only.
    with pytest.raises(IntegrityError):
        await UserByNameFactory.create_async(
            name="grace", email="taken@example.com", sqlalchemy_session=session
        )

    assert earlier in session
    assert await rows(session, User) == 1
    assert await rows(session, Company) == 2
    assert (await UserByNameFactory.create_async(sqlalchemy_session=session)).id is not None


class _Barrier:
    """A one-shot ``asyncio.Barrier`` (which needs Python >= 3.11; the suite runs on 3.10)."""

    def __init__(self, parties: int) -> None:
        self.parties = parties
        self.arrived = 0
        self.released = asyncio.Event()

    async def wait(self) -> None:
        self.arrived += 1
        if self.arrived >= self.parties:
            self.released.set()
        await self.released.wait()


@contextmanager
def all_read_before_any_insert(parties: int) -> Iterator[None]:
    """Hold every ``Company(...)`` construction until ``parties`` tasks reached it.

    get_or_create constructs the object after its lookup found nothing and before the
    INSERT, inside the factory call, where ``await_`` may wait for the barrier.
    """
    barrier = _Barrier(parties)

    def wait(target: Company, args: Any, kwargs: Any) -> None:
        await_(barrier.wait())

    event.listen(Company, "init", wait)
    try:
        yield
    finally:
        event.remove(Company, "init", wait)


async def test_concurrent_get_or_create_ends_with_one_row(sessionmaker: SessionMaker) -> None:
    async def get_or_create() -> int:
        async with sessionmaker() as session:
            company = await SharedCompanyFactory.create_async(
                name="acme", sqlalchemy_session=session
            )
            company_id = company.id
            await session.commit()
            return company_id

    with all_read_before_any_insert(6):
        ids = await asyncio.wait_for(asyncio.gather(*(get_or_create() for _ in range(6))), 60)

    assert len(set(ids)) == 1
    async with sessionmaker() as session:
        assert await rows(session, Company) == 1
