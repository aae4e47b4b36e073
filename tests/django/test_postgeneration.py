"""After post-generation hooks, the object is saved again only if a hook changed it."""

from __future__ import annotations

from typing import Any

import factory
import pytest

from tests.django._queries import statements
from tests.django.factories import AuthorFactory, UserFactory, uppercase_bio
from tests.django.testapp.models import User

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("async_db")]


class UserWithBioFactory(UserFactory):
    bio = factory.PostGeneration(uppercase_bio)


class UserWithAsyncHookFactory(UserFactory):
    @factory.post_generation
    async def bio(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        self.bio = f"{self.username} was created"


class UserWithUnsavedBioFactory(UserWithBioFactory):
    class Meta:
        skip_postgeneration_save = True


class UserWithIdleHookFactory(UserFactory):
    @factory.post_generation
    def noop(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        pass


async def test_change_made_by_a_hook_is_saved() -> None:
    user = await UserWithBioFactory.create_async(bio="hi")

    assert (await User.objects.aget(pk=user.pk)).bio == "HI"


async def test_change_made_by_an_async_hook_is_saved() -> None:
    user = await UserWithAsyncHookFactory.create_async(username="ada")

    assert (await User.objects.aget(pk=user.pk)).bio == "ada was created"


async def test_skip_postgeneration_save_leaves_the_row_as_created() -> None:
    user = await UserWithUnsavedBioFactory.create_async(bio="hi")

    assert user.bio == "HI"
    assert (await User.objects.aget(pk=user.pk)).bio == ""


async def test_hook_that_changes_nothing_costs_no_update(queries: Any) -> None:
    await UserWithIdleHookFactory.create_async()

    assert statements(queries, "UPDATE", "testapp_user") == 0


async def test_related_factory_alone_costs_no_update_of_the_parent(queries: Any) -> None:
    await AuthorFactory.create_async()

    assert statements(queries, "UPDATE", "testapp_user") == 0
    assert statements(queries, "INSERT", "testapp_post") == 2
