"""The many-to-many recipe of docs/sqlalchemy.md: hooks that fill a relationship collection.

The factories below are the ones the docs show, so the recipe is tested as printed.
"""

from __future__ import annotations

from typing import Any

import factory
import pytest
import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from async_factory_boy import await_
from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory, ManyToMany

from .conftest import tables

pytestmark = pytest.mark.asyncio


class Base(DeclarativeBase):
    """No ``AsyncAttrs`` mixin: the hooks need none."""


post_tag = sa.Table(
    "sa_m2m_post_tag",
    Base.metadata,
    sa.Column("post_id", sa.ForeignKey("sa_m2m_post.id"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("sa_m2m_tag.id"), primary_key=True),
)


class Tag(Base):
    __tablename__ = "sa_m2m_tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50), unique=True)


class Post(Base):
    __tablename__ = "sa_m2m_post"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(100))
    tags: Mapped[list[Tag]] = relationship(secondary=post_tag)


# -- the recipe, as docs/sqlalchemy.md prints it ---------------------------------------------


class TagFactory(AsyncSQLAlchemyModelFactory[Tag]):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"tag {n}")


class PostFactory(AsyncSQLAlchemyModelFactory[Post]):
    """A sync hook: ``await_`` waits for the nested create."""

    class Meta:
        model = Post

    title = factory.Sequence(lambda n: f"post {n}")

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if not create:
            return
        if extracted is None:  # PostFactory.create_async(tags=[...]) gives its own
            extracted = await_(TagFactory.create_batch_async(kwargs.get("count", 2)))
        self.tags.extend(extracted)


class AsyncHookPostFactory(AsyncSQLAlchemyModelFactory[Post]):
    """The same with an ``async def`` hook."""

    class Meta:
        model = Post

    title = factory.Sequence(lambda n: f"post {n}")

    @factory.post_generation
    async def tags(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if not create:
            return
        if extracted is None:
            extracted = await TagFactory.create_batch_async(kwargs.get("count", 2))
        self.tags.extend(extracted)


# -- tests -----------------------------------------------------------------------------------

FACTORIES = [
    pytest.param(PostFactory, id="sync-hook"),
    pytest.param(AsyncHookPostFactory, id="async-hook"),
]


async def links(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(post_tag)) or 0


@pytest.mark.parametrize("post_factory", FACTORIES)
async def test_the_hook_fills_the_collection(
    session: AsyncSession, post_factory: type[PostFactory]
) -> None:
    async with tables(session, Base.metadata):
        post = await post_factory.create_async(sqlalchemy_session=session)

        assert len(post.tags) == 2
        assert all(tag.id is not None for tag in post.tags)
        assert await links(session) == 2


@pytest.mark.parametrize("post_factory", FACTORIES)
async def test_given_tags_and_a_count_are_used(
    session: AsyncSession, post_factory: type[PostFactory]
) -> None:
    async with tables(session, Base.metadata):
        python, sql = await TagFactory.create_batch_async(2, sqlalchemy_session=session)
        given = await post_factory.create_async(tags=[python, sql], sqlalchemy_session=session)
        counted = await post_factory.create_async(tags__count=3, sqlalchemy_session=session)

        assert given.tags == [python, sql]
        assert len(counted.tags) == 3
        assert await links(session) == 5


@pytest.mark.parametrize("post_factory", FACTORIES)
async def test_a_batch_fills_every_collection(
    session: AsyncSession, post_factory: type[PostFactory]
) -> None:
    async with tables(session, Base.metadata):
        posts = await post_factory.create_batch_async(3, sqlalchemy_session=session)

        assert [len(post.tags) for post in posts] == [2, 2, 2]
        assert await links(session) == 6


async def test_a_build_leaves_the_collection_empty() -> None:
    post = await AsyncHookPostFactory.build_async()
    assert post.tags == []


# -- ManyToMany: the same without a hook ------------------------------------------------------


class DeclaredPostFactory(AsyncSQLAlchemyModelFactory[Post]):
    class Meta:
        model = Post

    title = factory.Sequence(lambda n: f"post {n}")
    tags = ManyToMany(TagFactory, size=2)


async def test_many_to_many_fills_the_collection(session: AsyncSession) -> None:
    async with tables(session, Base.metadata):
        post = await DeclaredPostFactory.create_async(sqlalchemy_session=session)
        python = await TagFactory.create_async(name="python", sqlalchemy_session=session)
        given = await DeclaredPostFactory.create_async(tags=[python], sqlalchemy_session=session)
        sized = await DeclaredPostFactory.create_async(
            tags__size=3,
            tags__name=factory.Iterator(["a", "b", "c"]),
            sqlalchemy_session=session,
        )

        assert len(post.tags) == 2
        assert all(tag.id is not None for tag in post.tags)
        assert given.tags == [python]
        assert sorted(tag.name for tag in sized.tags) == ["a", "b", "c"]
        assert await links(session) == 6


async def test_many_to_many_batch_is_written_in_bulk(session: AsyncSession) -> None:
    inserts: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT"):
            inserts.append(statement)

    async with tables(session, Base.metadata):
        engine = session.bind.sync_engine  # type: ignore[union-attr]  # the test sessions are bound to an engine
        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            posts = await DeclaredPostFactory.create_batch_async(10, sqlalchemy_session=session)
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)

        assert [len(post.tags) for post in posts] == [2] * 10
        assert await links(session) == 20
        if engine.dialect.insert_executemany_returning_sort_by_parameter_order:
            assert len(inserts) == 3  # the posts, the 20 tags, the 20 association rows


async def test_many_to_many_batch_given_tags_links_each_post_to_them(
    session: AsyncSession,
) -> None:
    async with tables(session, Base.metadata):
        python, sql = await TagFactory.create_batch_async(2, sqlalchemy_session=session)
        posts = await DeclaredPostFactory.create_batch_async(
            4, tags=[python, sql], sqlalchemy_session=session
        )

        assert [post.tags for post in posts] == [[python, sql]] * 4
        assert await session.scalar(select(func.count()).select_from(Tag)) == 2  # no new tag
        assert await links(session) == 8


async def test_many_to_many_build_leaves_the_collection_empty() -> None:
    post = await DeclaredPostFactory.build_async()
    synced = DeclaredPostFactory.build()  # a sync build: nothing to await
    batch = DeclaredPostFactory.build_batch(3)

    assert [each.tags for each in (post, synced, *batch)] == [[]] * 5
