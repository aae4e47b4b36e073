"""The example API, seeded with factories and called through httpx."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from examples.fastapi_app.factories import PostFactory, UserFactory
from examples.fastapi_app.models import Company, Post, User

pytestmark = pytest.mark.asyncio


async def test_read_company_counts_its_users(
    client: httpx.AsyncClient, db_session: AsyncSession, company: Company
) -> None:
    await UserFactory.create_batch_async(3, company=company, sqlalchemy_session=db_session)

    response = await client.get(f"/companies/{company.id}")

    assert response.status_code == 200
    assert response.json() == {"id": company.id, "name": company.name, "user_count": 3}


async def test_unknown_company_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/companies/999999")

    assert response.status_code == 404


async def test_company_users_are_the_registered_user(
    client: httpx.AsyncClient, user: User, company: Company
) -> None:
    response = await client.get(f"/companies/{company.id}/users")

    assert [u["email"] for u in response.json()] == [user.email]


@pytest.mark.parametrize("company__name", ["Initech"])
async def test_sub_model_attribute_reaches_the_api(client: httpx.AsyncClient, user: User) -> None:
    response = await client.get(f"/companies/{user.company_id}")

    assert response.json()["name"] == "Initech"


async def test_filter_published_posts(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User
) -> None:
    await PostFactory.create_batch_async(2, author=user, sqlalchemy_session=db_session)
    live = await PostFactory.create_async(author=user, live=True, sqlalchemy_session=db_session)

    response = await client.get(f"/users/{user.id}/posts", params={"published": "true"})

    assert [p["id"] for p in response.json()] == [live.id]


@pytest.mark.parametrize("post__title", ["Hello"])
async def test_post_fixture_with_parametrized_title(client: httpx.AsyncClient, post: Post) -> None:
    response = await client.get(f"/users/{post.author_id}/posts")

    assert [p["title"] for p in response.json()] == ["Hello"]


async def test_create_post_commits_inside_the_test_transaction(
    client: httpx.AsyncClient, db_session: AsyncSession, user: User
) -> None:
    response = await client.post("/posts", json={"title": "New", "author_id": user.id})

    assert response.status_code == 201
    count = await db_session.scalar(select(func.count()).select_from(Post))
    assert count == 1


async def test_rows_from_earlier_tests_are_gone(db_session: AsyncSession) -> None:
    for model in (Company, User, Post):
        assert await db_session.scalar(select(func.count()).select_from(model)) == 0
