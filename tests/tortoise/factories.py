"""Factories of the Tortoise tests."""

from __future__ import annotations

import factory

from async_factory_boy.factory.tortoise import AsyncTortoiseModelFactory, current_connection

from .models import Audited, Company, Profile, Tag, Token, User


class CompanyFactory(AsyncTortoiseModelFactory[Company]):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"company {n}")


class TagFactory(AsyncTortoiseModelFactory[Tag]):
    class Meta:
        model = Tag

    label = factory.Sequence(lambda n: f"tag {n}")


class UserFactory(AsyncTortoiseModelFactory[User]):
    class Meta:
        model = User

    name = factory.Sequence(lambda n: f"user {n}")
    email = factory.LazyAttribute(lambda o: f"{o.name.replace(' ', '')}@example.com")
    company = factory.SubFactory(CompanyFactory)


class TaggedUserFactory(UserFactory):
    """The many-to-many recipe: tags added in an async post-generation hook."""

    @factory.post_generation
    async def tags(obj: User, create: bool, extracted: list[Tag] | None, **kwargs: object) -> None:
        if not create:
            return
        tags = extracted
        if tags is None:
            tags = await TagFactory.create_batch_async(2)
        await obj.tags.add(*tags, using_db=current_connection())


class ProfileFactory(AsyncTortoiseModelFactory[Profile]):
    class Meta:
        model = Profile

    bio = "hello"
    user = factory.SubFactory(UserFactory)


class TokenFactory(AsyncTortoiseModelFactory[Token]):
    class Meta:
        model = Token

    value = factory.Sequence(lambda n: f"token {n}")
    user = factory.SubFactory(UserFactory)


class AuditedFactory(AsyncTortoiseModelFactory[Audited]):
    class Meta:
        model = Audited

    note = factory.Sequence(lambda n: f"note {n}")


class CompanyGetOrCreateFactory(CompanyFactory):
    class Meta:
        tortoise_get_or_create = ("name",)
