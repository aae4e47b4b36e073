"""``Meta.database`` and ``django_database=`` route every query of a call."""

from __future__ import annotations

import pytest

from tests.django.factories import AuthorFactory, CompanyFactory, UserFactory
from tests.django.testapp.models import Company, Post, User

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(databases=["default", "other"]),
    pytest.mark.usefixtures("async_db"),
]


class OtherCompanyFactory(CompanyFactory):
    class Meta:
        database = "other"


async def counts(model: type[Company | User | Post]) -> tuple[int, int]:
    return (
        await model.objects.using("default").acount(),
        await model.objects.using("other").acount(),
    )


async def test_call_writes_to_the_database_it_names() -> None:
    company = await CompanyFactory.create_async(django_database="other")

    assert company._state.db == "other"
    assert await counts(Company) == (0, 1)


async def test_nested_objects_follow_the_call() -> None:
    author = await AuthorFactory.create_async(django_database="other")

    assert author.company._state.db == "other"
    assert await counts(Company) == (0, 1)
    assert await counts(User) == (0, 1)
    assert await counts(Post) == (0, 2)


async def test_meta_database_is_the_factory_default() -> None:
    await OtherCompanyFactory.create_async()

    assert await counts(Company) == (0, 1)


async def test_call_overrides_meta_database() -> None:
    await OtherCompanyFactory.create_async(django_database="default")

    assert await counts(Company) == (1, 0)


async def test_batch_follows_the_call() -> None:
    users = await UserFactory.create_batch_async(3, django_database="other")

    assert {user._state.db for user in users} == {"other"}
    assert await counts(User) == (0, 3)
    assert await counts(Company) == (0, 3)
