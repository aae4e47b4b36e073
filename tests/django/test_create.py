"""create_async writes through the async ORM, nested objects included."""

from __future__ import annotations

import factory
import pytest

from tests.django.factories import AuthorFactory, CompanyFactory, PostFactory, UserFactory
from tests.django.testapp.models import Company, Post, User

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("async_db")]


async def test_create_async_saves_the_object() -> None:
    company = await CompanyFactory.create_async(name="Acme")

    assert company.pk is not None
    saved = await Company.objects.aget(pk=company.pk)
    assert saved.name == "Acme"


async def test_model_given_as_app_label_string_resolves() -> None:
    company = await CompanyFactory.create_async()

    assert isinstance(company, Company)


async def test_subfactory_object_is_saved_before_its_parent() -> None:
    user = await UserFactory.create_async(company__name="Initech")

    saved = await User.objects.select_related("company").aget(pk=user.pk)
    assert saved.company.name == "Initech"


async def test_declaration_can_read_the_primary_key_of_a_subfactory_object() -> None:
    class PostWithAuthorIdFactory(PostFactory):
        title = factory.LazyAttribute(lambda o: f"by author {o.author.pk}")

    post = await PostWithAuthorIdFactory.create_async()

    assert post.title == f"by author {post.author.pk}"
    assert post.author.pk is not None


async def test_related_factory_creates_its_objects_before_returning() -> None:
    author = await AuthorFactory.create_async()

    assert await Post.objects.filter(author=author).acount() == 2


async def test_build_async_does_not_touch_the_database() -> None:
    user = await UserFactory.build_async()

    assert user.pk is None
    assert user.company.pk is None
    assert await User.objects.acount() == 0


async def test_create_batch_async_saves_every_object() -> None:
    users = await UserFactory.create_batch_async(3)

    assert [user.pk for user in users] == sorted(user.pk for user in users)
    assert await User.objects.acount() == 3
    assert await Company.objects.acount() == 3


async def test_rows_of_the_previous_test_were_rolled_back() -> None:
    # async_db lends the test's connection to the async ORM: nothing survives a test.
    assert await Company.objects.acount() == 0
