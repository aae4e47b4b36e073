"""``Meta.sqlalchemy_session_persistence``: "flush" (default), "commit" or None."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import DeclarativeBase

from .conftest import SessionMaker
from .factories import CompanyFactory, UserFactory
from .models import Company, User

pytestmark = pytest.mark.asyncio


class CommittedUserFactory(UserFactory):
    class Meta:
        sqlalchemy_session_persistence = "commit"


class AddedOnlyCompanyFactory(CompanyFactory):
    class Meta:
        sqlalchemy_session_persistence = None


async def count(session_maker: SessionMaker, model: type[DeclarativeBase]) -> int:
    """Rows of ``model`` as another session sees them (committed rows only)."""
    async with session_maker() as other:
        result = await other.scalar(select(func.count()).select_from(model))
    return result or 0


async def test_flush_is_the_default(sessionmaker: SessionMaker) -> None:
    async with sessionmaker() as session:
        user = await UserFactory.create_async(sqlalchemy_session=session)

        assert user.id is not None
        assert not session.new
        assert session.in_transaction()
        await session.rollback()
    assert await count(sessionmaker, User) == 0


async def test_commit_makes_rows_visible_to_other_sessions(sessionmaker: SessionMaker) -> None:
    async with sessionmaker() as session:
        await CommittedUserFactory.create_async(sqlalchemy_session=session)

    assert await count(sessionmaker, User) == 1
    assert await count(sessionmaker, Company) == 1


async def test_commit_leaves_nothing_expired_despite_expire_on_commit(
    sessionmaker: SessionMaker,
) -> None:
    async with sessionmaker(expire_on_commit=True) as session:
        earlier = await UserFactory.create_async(name="earlier", sqlalchemy_session=session)
        user = await CommittedUserFactory.create_async(name="ada", sqlalchemy_session=session)

        # Reading an expired attribute would need a lazy load: MissingGreenlet in async code.
        assert user.name == "ada"
        assert user.company.name.startswith("company ")
        assert earlier.name == "earlier"
        assert earlier.company.id is not None

    # After the session closed: still readable, no DetachedInstanceError.
    assert user.id is not None
    assert earlier.company.name.startswith("company ")


async def test_commit_keeps_the_session_setting(sessionmaker: SessionMaker) -> None:
    async with sessionmaker(expire_on_commit=True) as session:
        await CommittedUserFactory.create_async(sqlalchemy_session=session)

        assert session.sync_session.expire_on_commit is True


async def test_none_adds_without_flushing(sessionmaker: SessionMaker) -> None:
    async with sessionmaker() as session:
        company = await AddedOnlyCompanyFactory.create_async(sqlalchemy_session=session)

        assert company in session.new
        assert company.id is None


async def test_commit_in_a_batch_commits_every_object(sessionmaker: SessionMaker) -> None:
    async with sessionmaker() as session:
        users = await CommittedUserFactory.create_batch_async(3, sqlalchemy_session=session)

        assert all(user.id is not None for user in users)
        assert all(user.company.name.startswith("company ") for user in users)  # not expired
    assert await count(sessionmaker, User) == 3


async def test_commit_with_get_or_create(sessionmaker: SessionMaker) -> None:
    class CommittedSharedCompanyFactory(CompanyFactory):
        class Meta:
            sqlalchemy_session_persistence = "commit"
            sqlalchemy_get_or_create = ("name",)

    async with sessionmaker() as session:
        first = await CommittedSharedCompanyFactory.create_async(
            name="acme", sqlalchemy_session=session
        )
        second = await CommittedSharedCompanyFactory.create_async(
            name="acme", sqlalchemy_session=session
        )

        assert second is first
        assert first.name == "acme"
    assert await count(sessionmaker, Company) == 1
