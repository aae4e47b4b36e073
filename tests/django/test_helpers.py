"""factory_boy's Django helpers in async creation: Password, FileField / ImageField and
mute_signals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db.models.signals import post_save

from async_factory_boy.factory.django import mute_signals
from tests.django.factories import CompanyFactory, PostWithFilesFactory, UserFactory
from tests.django.testapp.models import Company, User

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("async_db")]


@pytest.fixture
def saved_companies() -> Iterator[list[str]]:
    """Names of the companies a post_save receiver saw."""
    seen: list[str] = []

    def record(sender: type[Company], instance: Company, **kwargs: Any) -> None:
        seen.append(instance.name)

    post_save.connect(record, sender=Company)
    yield seen
    post_save.disconnect(record, sender=Company)


@mute_signals(post_save)
class QuietCompanyFactory(CompanyFactory):
    pass


async def test_password_is_stored_hashed() -> None:
    user = await UserFactory.create_async()

    saved = await User.objects.aget(pk=user.pk)
    assert saved.password != "secret"
    assert saved.check_password("secret")


async def test_passwords_of_a_bulk_inserted_batch_are_hashed() -> None:
    users = await UserFactory.create_batch_async(3)

    async for saved in User.objects.filter(pk__in=[user.pk for user in users]):
        assert saved.check_password("secret")


async def test_file_field_content_is_written_to_storage(media_root: Any) -> None:
    post = await PostWithFilesFactory.create_async()

    assert post.attachment.name.startswith("attachments/hello")
    assert (media_root / post.attachment.name).read_bytes() == b"hello, world"


async def test_image_field_holds_a_real_image() -> None:
    post = await PostWithFilesFactory.create_async()

    assert post.cover.name.startswith("covers/cover")
    assert (post.cover.width, post.cover.height) == (8, 4)


async def test_mute_signals_as_a_context_manager(saved_companies: list[str]) -> None:
    with mute_signals(post_save):
        await CompanyFactory.create_async(name="Quiet")
    await CompanyFactory.create_async(name="Loud")

    assert saved_companies == ["Loud"]


async def test_mute_signals_as_an_async_context_manager(saved_companies: list[str]) -> None:
    async with mute_signals(post_save):
        await CompanyFactory.create_async(name="Quiet")

    assert saved_companies == []


async def test_mute_signals_on_an_async_function(saved_companies: list[str]) -> None:
    @mute_signals(post_save)
    async def create_quietly() -> Company:
        return await CompanyFactory.create_async(name="Quiet")

    await create_quietly()
    await CompanyFactory.create_async(name="Loud")

    assert saved_companies == ["Loud"]


async def test_mute_signals_on_a_factory_class(saved_companies: list[str]) -> None:
    await QuietCompanyFactory.create_async(name="Quiet")
    await CompanyFactory.create_async(name="Loud")

    assert saved_companies == ["Loud"]
