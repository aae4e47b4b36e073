"""Data once per module / class, isolated per test (``isolated_connection``, ``@shared_data``).

Runs on SQLite, PostgreSQL and MariaDB, one engine and one event loop per database for the
whole module. Each test asks for the shared data it counts on, so it passes alone, in order
or not, and under pytest-xdist (where a worker sets up only the fixtures its tests ask for);
run in order, a test that changes the shared data is followed by one proving it is gone.
"""

from __future__ import annotations

import asyncio
import pathlib
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine
from sqlmodel import select as sqlmodel_select
from sqlmodel.ext.asyncio.session import AsyncSession as SQLModelSession

from async_factory_boy.errors import RegistrationError
from async_factory_boy.pytest import isolated_connection, isolated_session, shared_data
from examples.fastapi_app.factories import CompanyFactory, PostFactory, UserFactory
from examples.fastapi_app.models import Base, Company, Post, User
from tests import _servers

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture(scope="module", params=["sqlite", "postgres", "mariadb"])
def url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Each database in turn, for the whole module (sync: the servers' set-up runs a loop)."""
    if request.param == "sqlite":
        path: pathlib.Path = tmp_path_factory.mktemp("shared") / "shared.db"
        return f"sqlite+aiosqlite:///{path}"
    if request.param == "postgres":
        return _servers.postgres_url("asyncpg", request.getfixturevalue("postgres_database"))
    return _servers.mariadb_url(request.getfixturevalue("mariadb_database"))


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def engine(url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.run_sync(Base.metadata.create_all)
    yield engine
    async with engine.begin() as connection:
        # After db_connection's teardown: the module's shared rows are gone.
        for model in (Post, User, Company):
            assert await connection.scalar(select(func.count()).select_from(model)) == 0
        await connection.run_sync(Base.metadata.drop_all)
    await engine.dispose()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def db_connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with isolated_connection(engine) as connection:
        yield connection


@pytest_asyncio.fixture(loop_scope="session")
async def db_session(db_connection: AsyncConnection) -> AsyncIterator[AsyncSession]:
    async with isolated_session(db_connection) as session:
        yield session


@shared_data
async def author(session: AsyncSession) -> User:
    """Made once per module (and database) with factories."""
    user = await UserFactory.create_async(
        name="Ada", company__name="Acme", sqlalchemy_session=session
    )
    await PostFactory.create_batch_async(2, author=user, sqlalchemy_session=session)
    return user


@shared_data(name="companies")
async def made_by_hand(session: AsyncSession, author: User) -> list[Company]:
    """Made by hand, after (and from) another shared fixture's data."""
    companies = [Company(name="Globex"), Company(name="Initech")]
    session.add_all(companies)
    await session.flush()
    return companies


async def count(session: AsyncSession, model: type[object]) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_shared_objects_are_usable_copies_in_the_tests_session(
    author: User, companies: list[Company], db_session: AsyncSession
) -> None:
    assert author in db_session
    assert all(company in db_session for company in companies)
    assert author.company.name == "Acme"  # loaded relationship: no MissingGreenlet
    assert len(author.posts) == 2
    assert sorted(company.name for company in companies) == ["Globex", "Initech"]
    assert await count(db_session, Company) == 3


async def test_a_test_changes_commits_and_rolls_back(
    author: User, companies: list[Company], db_session: AsyncSession
) -> None:
    author.name = "changed in memory and committed"
    await UserFactory.create_batch_async(2, company=author.company, sqlalchemy_session=db_session)
    await db_session.execute(
        update(Company).where(Company.name == "Acme").values(name="renamed by the app")
    )
    await db_session.commit()  # the application's commit
    db_session.add(Post(title="rolled back", author=author))
    await db_session.flush()
    await db_session.rollback()  # the application's rollback: the factory rows stay
    assert await count(db_session, User) == 3
    await asyncio.gather(
        *(CompanyFactory.create_async(sqlalchemy_session=db_session) for _ in range(3))
    )
    assert await count(db_session, Company) == 6


async def test_the_previous_tests_changes_are_gone(
    author: User, companies: list[Company], db_session: AsyncSession
) -> None:
    assert author.name == "Ada"  # a fresh copy, not the previous test's
    names = await db_session.scalars(select(Company.name).order_by(Company.name))
    assert list(names) == ["Acme", "Globex", "Initech"]
    assert await count(db_session, User) == 1
    assert await count(db_session, Post) == 2
    await db_session.refresh(author)  # the shared row, read again: as made
    assert author.name == "Ada"


@pytest_asyncio.fixture(scope="class", loop_scope="session")
async def class_connection(db_connection: AsyncConnection) -> AsyncIterator[AsyncConnection]:
    """The class's transaction: a SAVEPOINT in the module's."""
    async with isolated_connection(db_connection) as connection:
        yield connection


class TestClassScope:
    """Class-scoped shared data, nested in the module's transaction by a SAVEPOINT."""

    @pytest_asyncio.fixture(loop_scope="session")
    async def db_session(self, class_connection: AsyncConnection) -> AsyncIterator[AsyncSession]:
        async with isolated_session(class_connection) as session:
            yield session

    @shared_data(scope="class", connection="class_connection")
    async def staff(session: AsyncSession, author: User) -> list[User]:
        company = await CompanyFactory.create_async(name="Class Co", sqlalchemy_session=session)
        return await UserFactory.create_batch_async(3, company=company, sqlalchemy_session=session)

    async def test_sees_module_and_class_data(
        self, staff: list[User], author: User, db_session: AsyncSession
    ) -> None:
        assert {user.company.name for user in staff} == {"Class Co"}
        assert await count(db_session, User) == 4
        await UserFactory.create_async(sqlalchemy_session=db_session)

    async def test_sees_them_again(self, staff: list[User], db_session: AsyncSession) -> None:
        assert len(staff) == 3
        assert await count(db_session, User) == 4


async def test_class_data_is_gone_after_its_class(
    author: User, companies: list[Company], db_session: AsyncSession
) -> None:
    """Run after the class in this process, or without it: the same rows either way."""
    assert await count(db_session, User) == 1
    assert await count(db_session, Company) == 3


@shared_data(class_=SQLModelSession)
async def company_names(session: SQLModelSession, companies: list[Company]) -> list[str]:
    """The application's session class (SQLModel's: ``exec()``) for the shared data too."""
    assert isinstance(session, SQLModelSession)
    return list((await session.exec(sqlmodel_select(Company.name))).all())


async def test_shared_data_made_with_the_applications_session_class(
    company_names: list[str],
) -> None:
    assert sorted(company_names) == ["Acme", "Globex", "Initech"]


async def test_what_shared_data_refuses_says_what_to_write() -> None:
    def not_async(session: object) -> None:
        pass

    async def fine(session: object) -> None:
        pass

    with pytest.raises(RegistrationError, match="decorate an `async def`"):
        shared_data(not_async, _caller_locals={})  # type: ignore[call-overload]
    with pytest.raises(RegistrationError, match="the scope must be one of"):
        shared_data(scope="function", _caller_locals={})(fine)  # type: ignore[call-overload]
