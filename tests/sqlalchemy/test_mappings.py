"""Mapping styles and column kinds: dataclass, imperative, SQLModel, composite and server keys."""

from __future__ import annotations

import datetime

import factory
import pytest
import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory

from .conftest import tables
from .mapping_models import Account, Author, Book, DataclassBase, SqlModelHero, account_table
from .models import Enrollment, Event

pytestmark = pytest.mark.asyncio


class AuthorFactory(AsyncSQLAlchemyModelFactory[Author]):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"author {n}")


class BookFactory(AsyncSQLAlchemyModelFactory[Book]):
    class Meta:
        model = Book
        exclude = ("author",)

    author = factory.SubFactory(AuthorFactory)
    author_id = factory.SelfAttribute("author.id")
    title = factory.Sequence(lambda n: f"book {n}")


class AccountFactory(AsyncSQLAlchemyModelFactory[Account]):
    class Meta:
        model = Account

    login = factory.Sequence(lambda n: f"login{n}")


class HeroFactory(AsyncSQLAlchemyModelFactory[SqlModelHero]):
    class Meta:
        model = SqlModelHero

    name = factory.Sequence(lambda n: f"hero {n}")
    power = 3


class EnrollmentFactory(AsyncSQLAlchemyModelFactory[Enrollment]):
    class Meta:
        model = Enrollment

    course = "algebra"
    student = factory.Sequence(lambda n: n + 1)


class EventFactory(AsyncSQLAlchemyModelFactory[Event]):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"event {n}")


async def test_mapped_as_dataclass_models(session: AsyncSession) -> None:
    async with tables(session, DataclassBase.metadata):
        books = await BookFactory.create_batch_async(3, sqlalchemy_session=session)

        for book in books:
            assert book.id is not None
            author = await session.get(Author, book.author_id)
            assert author is not None
            assert author.name.startswith("author ")


async def test_imperatively_mapped_classes(session: AsyncSession) -> None:
    async with tables(session, account_table):
        account = await AccountFactory.create_async(sqlalchemy_session=session)

        assert account.id is not None
        assert await session.get(Account, account.id) is account


async def test_sqlmodel_tables(session: AsyncSession) -> None:
    hero_table = SqlModelHero.__table__
    assert isinstance(hero_table, sa.Table)
    async with tables(session, hero_table):
        heroes = await HeroFactory.create_batch_async(2, sqlalchemy_session=session)

        assert all(hero.id is not None for hero in heroes)
        count = await session.scalar(select(func.count()).select_from(SqlModelHero))
        assert count == 2


async def test_composite_primary_keys(session: AsyncSession) -> None:
    enrollments = await EnrollmentFactory.create_batch_async(3, sqlalchemy_session=session)
    again = await EnrollmentFactory.create_async(
        course="geometry", student=enrollments[0].student, sqlalchemy_session=session
    )

    key = (enrollments[0].course, enrollments[0].student)
    assert await session.get(Enrollment, key) is enrollments[0]
    assert await session.get(Enrollment, ("geometry", again.student)) is again
    assert enrollments[0].grade == 0


async def test_server_defaults_are_loaded_before_the_call_returns(session: AsyncSession) -> None:
    event = await EventFactory.create_async(sqlalchemy_session=session)

    assert event.status == "new"
    assert isinstance(event.created_at, datetime.datetime)


async def test_server_defaults_stay_readable_after_the_session_closes(
    session: AsyncSession,
) -> None:
    events = await EventFactory.create_batch_async(3, sqlalchemy_session=session)
    await session.close()

    assert [event.status for event in events] == ["new", "new", "new"]
    assert all(event.created_at is not None for event in events)


async def test_a_given_value_wins_over_the_server_default(session: AsyncSession) -> None:
    event = await EventFactory.create_async(status="done", sqlalchemy_session=session)

    assert event.status == "done"
