"""``isolated_session``: what a test commits is rolled back when the test ends."""

from __future__ import annotations

from collections.abc import AsyncIterator

import factory
import pytest
import pytest_asyncio
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlmodel import select as sqlmodel_select
from sqlmodel.ext.asyncio.session import AsyncSession as SQLModelSession

from async_factory_boy.errors import SessionTypeError
from async_factory_boy.pytest import isolated_session
from examples.fastapi_app.factories import CompanyFactory, UserFactory
from examples.fastapi_app.models import Base, Company

pytestmark = pytest.mark.asyncio


@pytest.fixture(params=["sqlite", "postgres", "mariadb"])
def url(request: pytest.FixtureRequest) -> str:
    fixture = {
        "sqlite": "sqlite_url",
        "postgres": "postgres_asyncpg_url",
        "mariadb": "mariadb_url",
    }[request.param]
    value: str = request.getfixturevalue(fixture)
    return value


@pytest_asyncio.fixture
async def engine(url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.run_sync(Base.metadata.create_all)
    yield engine
    await engine.dispose()


async def count_companies(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return await connection.scalar(select(func.count()).select_from(Company)) or 0


async def test_committed_rows_do_not_outlive_the_block(engine: AsyncEngine) -> None:
    async with isolated_session(engine) as session:
        await CompanyFactory.create_batch_async(2, sqlalchemy_session=session)
        await session.commit()
        assert await session.scalar(select(func.count()).select_from(Company)) == 2

    assert await count_companies(engine) == 0


async def test_application_rollback_keeps_earlier_rows_of_the_test(engine: AsyncEngine) -> None:
    async with isolated_session(engine) as session:
        await CompanyFactory.create_async(name="kept", sqlalchemy_session=session)
        await session.commit()
        session.add(Company(name="dropped"))
        await session.rollback()  # only back to the savepoint the commit started
        names = await session.scalars(select(Company.name))
        assert list(names) == ["kept"]

    assert await count_companies(engine) == 0


async def company_names(session: AsyncSession) -> list[str]:
    return list(await session.scalars(select(Company.name).order_by(Company.name)))


async def test_application_rollback_keeps_what_factories_made(engine: AsyncEngine) -> None:
    async with isolated_session(engine) as session:
        user = await UserFactory.create_async(company__name="single", sqlalchemy_session=session)
        assert user.company.name == "single"  # the call's commit expired nothing
        await CompanyFactory.create_batch_async(
            2, name=factory.Iterator(["batch 0", "batch 1"]), sqlalchemy_session=session
        )
        session.add(Company(name="application's"))
        await session.flush()
        await session.rollback()  # the application's own work only

        assert await company_names(session) == ["batch 0", "batch 1", "single"]

    assert await count_companies(engine) == 0


async def test_application_handling_an_integrity_error_keeps_test_data(
    engine: AsyncEngine,
) -> None:
    async with isolated_session(engine) as session:
        taken = await CompanyFactory.create_async(name="taken", sqlalchemy_session=session)
        session.add(Company(name=taken.name))
        with pytest.raises(IntegrityError):
            await session.flush()
        await session.rollback()  # what an endpoint does before answering 409

        assert await company_names(session) == ["taken"]

    assert await count_companies(engine) == 0


# -- what isolated_session accepts (issue 21 item 2, issue 22 item 3) ---------------------------


async def test_a_connection_in_a_transaction_nests_in_a_savepoint(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        transaction = await connection.begin()
        await connection.execute(insert(Company).values(name="the scope's"))
        async with isolated_session(connection) as session:
            await CompanyFactory.create_async(name="the test's", sqlalchemy_session=session)
            await session.commit()
            assert await company_names(session) == ["the scope's", "the test's"]
        names = await connection.scalars(select(Company.name))
        assert list(names) == ["the scope's"]  # the test's rows are gone, the scope's stay
        await transaction.rollback()
    assert await count_companies(engine) == 0


async def test_the_applications_sessionmaker_gives_its_class_and_options(
    engine: AsyncEngine,
) -> None:
    maker = async_sessionmaker(engine, class_=SQLModelSession, expire_on_commit=False)
    async with isolated_session(maker) as session:
        assert type(session) is SQLModelSession
        assert session.sync_session.expire_on_commit is False
        company = await CompanyFactory.create_async(sqlalchemy_session=session)
        await session.commit()
        found = (await session.exec(sqlmodel_select(Company))).one()  # SQLModel's exec()
        assert found is company
    assert await count_companies(engine) == 0


async def test_class_gives_the_session_class_the_application_uses(engine: AsyncEngine) -> None:
    async with isolated_session(engine, class_=SQLModelSession) as session:
        assert isinstance(session, SQLModelSession)
        await CompanyFactory.create_async(sqlalchemy_session=session)
        assert len((await session.exec(sqlmodel_select(Company))).all()) == 1
    assert await count_companies(engine) == 0


class AppSession(AsyncSession):
    """An application's own session class (no SQLModel): a helper its endpoints call."""

    async def company_names(self) -> list[str]:
        return list(await self.scalars(select(Company.name).order_by(Company.name)))


async def test_any_session_subclass_on_a_scopes_connection(engine: AsyncEngine) -> None:
    """``class_=`` any AsyncSession subclass, and the application's sessionmaker bound to a
    module's connection: the test nests in a SAVEPOINT, with the app's class and options."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        await connection.execute(insert(Company).values(name="module"))
        async with isolated_session(connection, class_=AppSession) as session:
            assert type(session) is AppSession
            await CompanyFactory.create_async(name="test 1", sqlalchemy_session=session)
            assert await session.company_names() == ["module", "test 1"]
        maker = async_sessionmaker(connection, class_=AppSession, expire_on_commit=False)
        async with isolated_session(maker) as session:
            assert type(session) is AppSession
            assert session.sync_session.expire_on_commit is False
            company = await CompanyFactory.create_async(name="test 2", sqlalchemy_session=session)
            await session.commit()
            assert company.name == "test 2"  # not expired by the commit
            assert await session.company_names() == ["module", "test 2"]
        assert list(await connection.scalars(select(Company.name))) == ["module"]
        await transaction.rollback()
    assert await count_companies(engine) == 0


@pytest.mark.parametrize(
    ("bind", "class_", "message"),
    [
        ("postgresql://", None, "need an AsyncEngine, an AsyncConnection or an async_sessionmaker"),
        (async_sessionmaker(), None, "async_sessionmaker without a bind"),
        (None, dict, "must be sqlalchemy.ext.asyncio.AsyncSession or a subclass"),
    ],
)
async def test_wrong_arguments_say_what_to_pass(
    engine: AsyncEngine, bind: object, class_: type | None, message: str
) -> None:
    with pytest.raises(SessionTypeError, match=message):
        async with isolated_session(bind or engine, class_=class_):  # type: ignore[call-overload]
            pass
