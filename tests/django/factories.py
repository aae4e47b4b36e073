"""Factories for the test app, written the way docs/django.md shows them."""

from __future__ import annotations

from typing import Any

import factory

from async_factory_boy.factory.django import (
    AsyncDjangoModelFactory,
    FileField,
    ImageField,
    Password,
)
from tests.django.testapp.models import Announcement, Company, Post, Tag, User


class CompanyFactory(AsyncDjangoModelFactory[Company]):
    class Meta:
        model = "testapp.Company"  # a string works as well as the class

    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")


class UserFactory(AsyncDjangoModelFactory[User]):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = Password("secret")
    company = factory.SubFactory(CompanyFactory)


class PostFactory(AsyncDjangoModelFactory[Post]):
    class Meta:
        model = Post

    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Post {n}")


class AuthorFactory(UserFactory):
    """A user with two posts, created after the user by a RelatedFactoryList."""

    posts = factory.RelatedFactoryList(PostFactory, factory_related_name="author", size=2)


class PostWithFilesFactory(PostFactory):
    attachment = FileField(data=b"hello, world", filename="hello.txt")
    cover = ImageField(width=8, height=4, color="red", format="PNG", filename="cover.png")


class TagFactory(AsyncDjangoModelFactory[Tag]):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"  Tag{n} ")


class AnnouncementFactory(PostFactory):
    class Meta:
        model = Announcement

    pinned = True


class CompanyByNameFactory(CompanyFactory):
    """Companies looked up by name first (factory_boy's ``django_get_or_create``)."""

    class Meta:
        django_get_or_create = ("name",)


def uppercase_bio(user: User, create: bool, extracted: Any, **kwargs: Any) -> None:
    user.bio = (extracted or "hello").upper()
