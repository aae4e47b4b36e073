"""Factories for the example's models: one ``create_async`` builds a whole graph."""

from __future__ import annotations

import factory

from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory

from .models import Company, Post, User


class CompanyFactory(AsyncSQLAlchemyModelFactory[Company]):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")


class UserFactory(AsyncSQLAlchemyModelFactory[User]):
    class Meta:
        model = User

    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    company = factory.SubFactory(CompanyFactory)


class PostFactory(AsyncSQLAlchemyModelFactory[Post]):
    class Meta:
        model = Post

    class Params:
        live = factory.Trait(published=True)

    title = factory.Sequence(lambda n: f"Post {n}")
    author = factory.SubFactory(UserFactory)
