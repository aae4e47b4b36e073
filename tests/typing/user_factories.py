"""A user's factories module, as a project writes one: every backend, real declarations.

It is never imported: the typing test runs ``mypy --strict`` and pyright (strict) on it with
the configuration the typing guide (docs/typing.md) gives, and reads the ``reveal_type``
lines.
"""

# factory_boy's declarations are unannotated and re-exported implicitly: in a factories
# module, pyright's checks of exports and of unknown types have nothing to check.
# pyright: reportPrivateImportUsage=false, reportUnknownMemberType=false
# pyright: reportUnknownArgumentType=false, reportUnknownLambdaType=false

from __future__ import annotations

import dataclasses
from typing import Any

import factory
from beanie import Document
from django.db import models
from odmantic import Model
from sqlalchemy import ForeignKey
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from tortoise import fields
from tortoise.models import Model as TortoiseModel
from typing_extensions import reveal_type

from async_factory_boy import AsyncFactory
from async_factory_boy.factory.beanie import AsyncBeanieFactory
from async_factory_boy.factory.django import AsyncDjangoModelFactory
from async_factory_boy.factory.mongo import AsyncMongoFactory
from async_factory_boy.factory.odmantic import AsyncODManticFactory
from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory
from async_factory_boy.factory.tortoise import AsyncTortoiseModelFactory


class Base(DeclarativeBase):
    pass


class Company(Base):
    __tablename__ = "company"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class User(Base):
    __tablename__ = "user"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    email: Mapped[str]
    is_admin: Mapped[bool] = mapped_column(default=False)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"))
    company: Mapped[Company] = relationship()


def add_nickname(user: User, create: bool, extracted: str | None, **kwargs: Any) -> None:
    """A post-generation hook, written as a function: pyright (strict) wants the first
    parameter of a ``@factory.post_generation`` method to be the factory, not the model."""
    if extracted:
        user.name = f"{user.name} ({extracted})"


class CompanyFactory(AsyncSQLAlchemyModelFactory[Company]):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")


class UserFactory(AsyncSQLAlchemyModelFactory[User]):
    class Meta:
        model = User
        sqlalchemy_session_persistence = "flush"

    class Params:
        admin = factory.Trait(is_admin=True, name="root")

    name = factory.Faker("name")
    email = factory.LazyAttribute(lambda user: f"{user.name.lower()}@example.com")
    company = factory.SubFactory(CompanyFactory)
    greeting = factory.RelatedFactory(CompanyFactory, factory_related_name="")

    nickname = factory.PostGeneration(add_nickname)


@dataclasses.dataclass
class Point:
    x: int
    y: int


class PointFactory(AsyncFactory[Point]):
    class Meta:
        model = Point

    x = factory.Sequence(int)
    y = factory.LazyAttribute(lambda point: point.x * 2)


class EventFactory(AsyncMongoFactory[dict[str, Any]]):
    class Meta:
        collection = "events"

    kind = "click"


class Book(Document):
    title: str


class BookFactory(AsyncBeanieFactory[Book]):
    class Meta:
        model = Book

    title = factory.Sequence(lambda n: f"Book {n}")


class Publisher(Model):
    name: str


class PublisherFactory(AsyncODManticFactory[Publisher]):
    class Meta:
        model = Publisher

    name = factory.Faker("company")


class Article(models.Model):
    title = models.CharField(max_length=100)

    class Meta:
        app_label = "blog"


class ArticleFactory(AsyncDjangoModelFactory[Article]):
    class Meta:
        model = Article

    title = factory.Faker("sentence")


class Tournament(TortoiseModel):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)


class TournamentFactory(AsyncTortoiseModelFactory[Tournament]):
    class Meta:
        model = Tournament

    name = factory.Sequence(lambda n: f"Cup {n}")


async def use(session: AsyncSession, database: Any) -> None:
    user = await UserFactory.create_async(sqlalchemy_session=session, admin=True)
    reveal_type(user)
    users = await UserFactory.create_batch_async(3, sqlalchemy_session=session)
    reveal_type(users)
    draft = await UserFactory.build_async()
    reveal_type(draft)
    reveal_type(UserFactory.build())
    points = await PointFactory.build_batch_async(2)
    reveal_type(points)
    reveal_type(await EventFactory.create_async(mongo_database=database))
    reveal_type(await BookFactory.create_async())
    reveal_type(await PublisherFactory.create_async(odmantic_engine=database))
    reveal_type(await ArticleFactory.create_async())
    reveal_type(await TournamentFactory.create_async())
    name: str = user.name
    print(name)
