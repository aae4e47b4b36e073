"""Transactional tests (``transaction=True``): rows are committed for real, so other
connections, such as the one of an async view, see them."""

from __future__ import annotations

import asyncio
from typing import Any

import factory
import pytest

from tests.django.factories import AuthorFactory, CompanyFactory, UserFactory
from tests.django.testapp.models import Post, User

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("async_transactional_db"),
]


async def test_created_rows_are_committed() -> None:
    author = await AuthorFactory.create_async()

    assert await Post.objects.filter(author=author).acount() == 2


async def test_concurrent_calls_create_distinct_rows() -> None:
    users = await asyncio.gather(*(UserFactory.create_async() for _ in range(10)))

    assert len({user.pk for user in users}) == 10
    assert await User.objects.acount() == 10


async def test_batch_is_committed() -> None:
    await UserFactory.create_batch_async(5)

    assert await User.objects.acount() == 5


async def test_async_view_sees_the_factory_rows(async_client: Any) -> None:
    company = await CompanyFactory.create_async(slug="acme")
    await UserFactory.create_batch_async(
        2, company=company, username=factory.Iterator(["bob", "ada"])
    )

    response = await async_client.get("/companies/acme/users/")

    assert response.status_code == 200
    assert response.json() == {"company": "acme", "users": ["ada", "bob"]}
