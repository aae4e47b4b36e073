"""create_batch_async: one abulk_create for the batch when that gives the same rows as
saving each object, one acreate per object otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import factory
import pytest
from django.db.models.signals import post_save

from async_factory_boy.factory.django import mute_signals
from tests.django._queries import statements
from tests.django.factories import (
    AnnouncementFactory,
    AuthorFactory,
    CompanyFactory,
    PostWithFilesFactory,
    TagFactory,
    UserFactory,
)
from tests.django.testapp.models import Announcement, Company, Post, Tag, User

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("async_db")]


@pytest.fixture
def saved_companies() -> Iterator[list[Company]]:
    """A post_save receiver on Company, recording what it saw."""
    seen: list[Company] = []

    def record(sender: type[Company], instance: Company, **kwargs: Any) -> None:
        seen.append(instance)

    post_save.connect(record, sender=Company)
    yield seen
    post_save.disconnect(record, sender=Company)


async def test_batch_is_inserted_with_one_statement(queries: Any) -> None:
    companies = await CompanyFactory.create_batch_async(20)

    assert statements(queries, "INSERT", "testapp_company") == 1
    assert all(company.pk is not None for company in companies)
    assert len({company.pk for company in companies}) == 20


async def test_bulk_inserted_objects_match_their_rows() -> None:
    companies = await CompanyFactory.create_batch_async(5, city="Lyon")

    rows = [company async for company in Company.objects.order_by("pk")]
    assert [(c.pk, c.name, c.slug, c.city) for c in rows] == [
        (c.pk, c.name, c.slug, c.city) for c in companies
    ]
    assert all(not company._state.adding for company in companies)


async def test_subfactory_objects_are_saved_one_by_one_and_batch_in_bulk(queries: Any) -> None:
    users = await UserFactory.create_batch_async(4)

    assert statements(queries, "INSERT", "testapp_company") == 4
    assert statements(queries, "INSERT", "testapp_user") == 1
    assert [user.company_id for user in users] == [user.company.pk for user in users]
    assert await User.objects.filter(company__isnull=False).acount() == 4


async def test_related_factory_makes_each_object_saved_on_its_own(queries: Any) -> None:
    authors = await AuthorFactory.create_batch_async(3)

    assert statements(queries, "INSERT", "testapp_user") == 3
    assert await Post.objects.filter(author__in=authors).acount() == 6


async def test_model_with_its_own_save_is_saved_one_by_one(queries: Any) -> None:
    tags = await TagFactory.create_batch_async(3)

    assert statements(queries, "INSERT", "testapp_tag") == 3
    assert [tag.normalized for tag in tags] == [tag.name.strip().lower() for tag in tags]
    assert await Tag.objects.filter(normalized="").acount() == 0


async def test_multi_table_child_is_saved_one_by_one() -> None:
    announcements = await AnnouncementFactory.create_batch_async(3)

    assert await Announcement.objects.filter(pinned=True).acount() == 3
    assert all(item.pk is not None for item in announcements)


async def test_save_receivers_see_every_object(saved_companies: list[Company]) -> None:
    companies = await CompanyFactory.create_batch_async(3)

    assert saved_companies == companies


async def test_muted_save_receivers_let_the_batch_go_in_bulk(
    saved_companies: list[Company], queries: Any
) -> None:
    with mute_signals(post_save):
        await CompanyFactory.create_batch_async(3)

    assert saved_companies == []
    assert statements(queries, "INSERT", "testapp_company") == 1


async def test_file_fields_are_stored_by_a_bulk_insert(media_root: Any) -> None:
    posts = await PostWithFilesFactory.create_batch_async(2)

    for post in posts:
        assert (media_root / post.attachment.name).read_bytes() == b"hello, world"
        saved = await Post.objects.aget(pk=post.pk)
        assert saved.attachment.name == post.attachment.name


async def test_a_failing_bulk_batch_leaves_no_row() -> None:
    from django.db import IntegrityError

    await CompanyFactory.create_async(name="taken")
    with pytest.raises(IntegrityError):
        await CompanyFactory.create_batch_async(3, name=factory.Iterator(["a", "b", "taken"]))

    assert await Company.objects.acount() == 1


async def test_a_batch_failing_part_way_leaves_no_row() -> None:
    """The companies saved one by one before the failing insert are rolled back too."""
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        await UserFactory.create_batch_async(3, username=factory.Iterator(["x", "y", "x"]))

    assert await User.objects.acount() == 0
    assert await Company.objects.acount() == 0
