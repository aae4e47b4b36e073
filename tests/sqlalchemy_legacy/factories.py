"""Factories written the way async-factory-boy 1.0.1's users wrote them.

The session lives in ``Meta``: a module-level ``scoped_session`` over an async sessionmaker,
as in 1.0.1's own tests; the ``sc_session`` fixture binds it to each test's database.
"""

from __future__ import annotations

from typing import Any

import factory
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import scoped_session, sessionmaker

from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyFactory

from .models import Company, Post, Tag, User

sc_session = scoped_session(sessionmaker(class_=AsyncSession))


class CompanyFactory(AsyncSQLAlchemyFactory):
    class Meta:
        model = Company
        sqlalchemy_session = sc_session

    name = factory.Sequence(lambda n: f"company{n}")


class UserFactory(AsyncSQLAlchemyFactory):
    class Meta:
        model = User
        sqlalchemy_session = sc_session

    name = factory.Sequence(lambda n: f"user{n}")
    company = factory.SubFactory(CompanyFactory)
    company_name = factory.SelfAttribute("company.name")
    email = factory.LazyAttribute(lambda o: f"{o.name}@{o.company.name}.example")


class PostFactory(AsyncSQLAlchemyFactory):
    class Meta:
        model = Post
        sqlalchemy_session = sc_session

    title = factory.Sequence(lambda n: f"post{n}")
    author = factory.SubFactory(UserFactory)


class AuthorFactory(UserFactory):
    """A user with two posts, and a bio written by a post-generation hook."""

    posts = factory.RelatedFactoryList(PostFactory, factory_related_name="author", size=2)

    @factory.post_generation
    def bio(self: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        self.bio = extracted or f"{self.name} works at {self.company.name}"


class TagFactory(AsyncSQLAlchemyFactory):
    class Meta:
        model = Tag
        sqlalchemy_session = sc_session
        sqlalchemy_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"tag{n}")


class FlushingCompanyFactory(CompanyFactory):
    """``"flush"`` is honoured: the row is flushed, not committed."""

    class Meta:
        sqlalchemy_session_persistence = "flush"
