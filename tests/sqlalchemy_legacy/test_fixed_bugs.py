"""1.0.1's bugs are gone under the compatibility class."""

from __future__ import annotations

from typing import Any

import factory
import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from .conftest import count_committed
from .factories import AuthorFactory, PostFactory, UserFactory
from .models import Post, User

pytestmark = pytest.mark.asyncio


async def test_self_attribute_reads_the_sub_object(sc_session: AsyncSession) -> None:
    # 1.0.1: '_asyncio.Task' object has no attribute 'name'
    user = await UserFactory.create()

    assert user.company_name == user.company.name
    assert user.email == f"{user.name}@{user.company.name}.example"


async def test_related_factory_rows_exist_when_create_returns(
    sc_session: AsyncSession, engine: AsyncEngine
) -> None:
    author = await AuthorFactory.create()

    posts = (await sc_session.scalars(select(Post).where(Post.author_id == author.id))).all()
    assert len(posts) == 2
    assert await count_committed(engine, Post) == 2


async def test_post_generation_receives_the_instance(sc_session: AsyncSession) -> None:
    author = await AuthorFactory.create()

    assert author.bio == f"{author.name} works at {author.company.name}"


async def test_async_post_generation_hook_is_awaited(sc_session: AsyncSession) -> None:
    received: list[Any] = []

    class WriterFactory(UserFactory):
        @factory.post_generation
        async def first_post(self: User, create: bool, extracted: Any, **kwargs: Any) -> None:
            received.append(self)
            await PostFactory.create(author=self, title="hello")

    writer = await WriterFactory.create()

    assert received == [writer]
    titles = await sc_session.scalars(select(Post.title).where(Post.author_id == writer.id))
    assert titles.all() == ["hello"]


async def test_no_missing_greenlet_after_the_commit(sc_session: AsyncSession) -> None:
    # 1.0.1 committed with expire_on_commit=True: reading user.name raised MissingGreenlet.
    assert sc_session.sync_session.expire_on_commit
    first = await UserFactory.create()
    second = await UserFactory.create()  # commits again

    assert first.name != second.name
    assert first.company.name == first.company_name


async def test_create_batch_commits_once_for_the_whole_batch(
    sc_session: AsyncSession, engine: AsyncEngine
) -> None:
    # 1.0.1 committed twice per object.
    commits: list[object] = []
    event.listen(engine.sync_engine, "commit", commits.append)

    await UserFactory.create_batch(5)

    assert len(commits) == 1
    assert await count_committed(engine, User) == 5
