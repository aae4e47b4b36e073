"""1.0.1's API keeps working: session in Meta, awaited create / create_batch / F(), sync build."""

from __future__ import annotations

import asyncio

import factory
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_scoped_session
from sqlalchemy.ext.asyncio import async_sessionmaker as make_async_sessionmaker

from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyFactory

from .conftest import count_committed
from .factories import CompanyFactory, FlushingCompanyFactory, TagFactory, UserFactory
from .models import Company, Tag, User

pytestmark = pytest.mark.asyncio


async def test_await_create_returns_a_committed_object(
    sc_session: AsyncSession, engine: AsyncEngine
) -> None:
    user = await UserFactory.create()

    assert isinstance(user, User)
    assert user.id is not None
    assert user.company.id == user.company_id
    assert await count_committed(engine, User) == 1


async def test_await_factory_call_creates_with_overrides(sc_session: AsyncSession) -> None:
    user = await UserFactory(name="Ada")

    assert user.name == "Ada"
    assert user in sc_session


async def test_await_create_batch_creates_each_object(
    sc_session: AsyncSession, engine: AsyncEngine
) -> None:
    users = await UserFactory.create_batch(3)

    assert len({user.id for user in users}) == 3
    assert len({user.company_id for user in users}) == 3
    assert await count_committed(engine, User) == 3


async def test_build_is_sync_and_persists_nothing(sc_session: AsyncSession) -> None:
    user = UserFactory.build()

    assert isinstance(user.company, Company)
    assert user.id is None
    assert user not in sc_session


async def test_unset_persistence_commits_as_1_0_1_did(sc_session: AsyncSession) -> None:
    await CompanyFactory.create()
    await sc_session.rollback()

    assert await sc_session.scalar(Company.__table__.select().with_only_columns(Company.id))


async def test_flush_persistence_is_honoured(sc_session: AsyncSession, engine: AsyncEngine) -> None:
    company = await FlushingCompanyFactory.create()

    assert company.id is not None
    assert await count_committed(engine, Company) == 0


async def test_get_or_create_returns_the_existing_row(sc_session: AsyncSession) -> None:
    first = await TagFactory(slug="main")
    second = await TagFactory(slug="main")

    assert first is second


async def test_get_or_create_in_a_batch(sc_session: AsyncSession, engine: AsyncEngine) -> None:
    tags = await TagFactory.create_batch(6, slug=factory.Iterator(["main", "alt"]))

    assert len(tags) == 6
    assert {tag.slug for tag in tags} == {"main", "alt"}
    assert await count_committed(engine, Tag) == 2


async def test_session_set_on_meta_at_run_time(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with AsyncSession(engine) as session:
        monkeypatch.setattr(CompanyFactory._meta, "sqlalchemy_session", session)

        company = await CompanyFactory.create()

        assert company in session


async def test_session_passed_per_call_wins_over_meta(
    sc_session: AsyncSession, engine: AsyncEngine
) -> None:
    async with AsyncSession(engine) as other:
        user = await UserFactory.create(sqlalchemy_session=other)

        assert user in other
        assert user.company in other
        assert user not in sc_session


async def test_async_scoped_session_in_meta(engine: AsyncEngine) -> None:
    scoped = async_scoped_session(make_async_sessionmaker(engine), scopefunc=asyncio.current_task)

    class ScopedCompanyFactory(AsyncSQLAlchemyFactory):
        class Meta:
            model = Company
            sqlalchemy_session = scoped

        name = factory.Sequence(lambda n: f"scoped{n}")

    try:
        company = await ScopedCompanyFactory.create()

        assert company in scoped()
        assert await count_committed(engine, Company) == 1
    finally:
        await scoped.remove()
