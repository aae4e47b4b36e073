"""``Meta.sqlalchemy_get_or_create``: the existing row, else a new one, safe under races."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any
from unittest.mock import patch

import factory
import pytest
import pytest_asyncio
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError, MultipleResultsFound
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory, _get_or_create

from .conftest import SessionMaker, database
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
    """Hold every get_or_create lookup that found nothing until ``parties`` tasks did.

    Every task then goes on to insert, as if all had looked up at the same instant. The
    hold sits between the lookup and the SAVEPOINT of the INSERT (on SQLite its
    ``BEGIN IMMEDIATE`` serialises the writers, so nothing may wait after it).
    """
    barrier = _Barrier(parties)
    real_find = _get_or_create.find

    async def find(*args: Any, lock: bool = False) -> Any:
        found = await real_find(*args, lock=lock)
        if found is None and not lock:
            await barrier.wait()
        return found

    with patch.object(_get_or_create, "find", find):
        yield


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


@pytest.fixture(
    params=[
        pytest.param("postgres_asyncpg_url", marks=pytest.mark.postgres),
        pytest.param("mariadb_url", marks=pytest.mark.mariadb),
    ]
)
def server_url(request: pytest.FixtureRequest) -> str:
    """Each database server that has row locks (PostgreSQL, MariaDB)."""
    url: str = request.getfixturevalue(request.param)
    return url


@pytest_asyncio.fixture
async def server_sessionmaker(server_url: str) -> AsyncIterator[SessionMaker]:
    async with database(server_url) as engine:
        yield async_sessionmaker(engine)


# Sessions of this test database that wait: on a row lock, or (MariaDB) on get_or_create's
# named lock, which shows as the thread state "User lock".
_WAITING = {
    "postgresql": (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock'"
    ),
    "mysql": (
        "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() "
        "AND ID <> CONNECTION_ID() AND COMMAND = 'Query' "
        "AND (STATE = 'User lock' OR INFO LIKE 'INSERT INTO sa_company%')"
    ),
}


async def wait_until_blocked(sessionmaker: SessionMaker, count: int) -> None:
    async with sessionmaker() as probe:
        query = text(_WAITING[probe.bind.dialect.name])  # type: ignore[union-attr]
        while await probe.scalar(query) != count:
            await probe.rollback()  # a fresh snapshot for the next look
            await asyncio.sleep(0.02)


async def test_racers_waiting_on_an_insert_that_rolls_back_end_with_one_row(
    server_sessionmaker: SessionMaker,
) -> None:
    """The first inserter rolls back while five get_or_create calls wait on its row.

    On MariaDB the waiters used to deadlock (error 1213, a whole transaction lost) once the
    row they waited on vanished.
    """

    async def get_or_create() -> int:
        async with server_sessionmaker() as session:
            company = await SharedCompanyFactory.create_async(
                name="acme", sqlalchemy_session=session
            )
            company_id = company.id
            await session.commit()
            return company_id

    async with server_sessionmaker() as first:
        first.add(Company(name="acme"))
        await first.flush()  # the row exists, uncommitted: the racers' INSERTs wait on it
        racers = [asyncio.create_task(get_or_create()) for _ in range(5)]
        await asyncio.wait_for(wait_until_blocked(server_sessionmaker, 5), 30)
        await first.rollback()
    ids = await asyncio.wait_for(asyncio.gather(*racers), 60)

    assert len(set(ids)) == 1
    async with server_sessionmaker() as session:
        assert await rows(session, Company) == 1


class MemberByEmailFactory(UserFactory):
    """``User.company`` has ``back_populates="users"``: constructing a user appends it there."""

    class Meta:
        sqlalchemy_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"member{n}@example.com")


@pytest.mark.filterwarnings("error")
async def test_get_or_create_with_back_populates_does_not_warn(session: AsyncSession) -> None:
    # Used to warn "Object of type <User> not in session, add operation along
    # 'Company.users' will not proceed" on every create: a flush ran between the
    # constructor (which appended the user to company.users) and session.add.
    user = await MemberByEmailFactory.create_async(sqlalchemy_session=session)
    again = await MemberByEmailFactory.create_async(
        email=user.email, company=user.company, sqlalchemy_session=session
    )
    batch = await MemberByEmailFactory.create_batch_async(3, sqlalchemy_session=session)

    assert again is user
    assert user.company is not None
    await session.refresh(user.company, ["users"])
    assert user.company.users == [user]
    assert all(member.id is not None for member in batch)
    assert await rows(session, User) == 4


class NamedMemberFactory(UserFactory):
    """Looked up by ``name``; ``email`` is unique, so an insert can collide."""

    class Meta:
        sqlalchemy_get_or_create = ("name",)


@pytest.mark.filterwarnings("error")
async def test_a_failed_insert_leaves_no_stray_object_in_the_collection(
    session: AsyncSession,
) -> None:
    company = await CompanyFactory.create_async(sqlalchemy_session=session)
    await UserFactory.create_async(email="taken@example.com", sqlalchemy_session=session)

    with pytest.raises(IntegrityError):
        await NamedMemberFactory.create_async(
            name="grace", email="taken@example.com", company=company, sqlalchemy_session=session
        )
    await session.flush()  # nothing left over to warn about
    await session.refresh(company, ["users"])
    assert company.users == []
    member = await NamedMemberFactory.create_async(company=company, sqlalchemy_session=session)
    await session.refresh(company, ["users"])
    assert company.users == [member]
