"""``isolated_session`` with a batch whose post-generation hook creates rows (issue 21).

The hook's nested ``create_batch_async`` used to commit (``isolated_session`` makes every
call commit) while the outer batch's SAVEPOINT was open: "Can't operate on closed
transaction inside context manager". The nested call now leaves its commit to the outer one.
The factories are the many-to-many recipe of docs/sqlalchemy.md, as printed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import factory
import pytest
import pytest_asyncio
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from async_factory_boy.pytest import isolated_session
from tests.sqlalchemy.test_many_to_many import (
    AsyncHookPostFactory,
    Base,
    Post,
    PostFactory,
    Tag,
    TagFactory,
    post_tag,
)

pytestmark = pytest.mark.asyncio

HOOKS = [
    pytest.param(PostFactory, id="await_-hook"),
    pytest.param(AsyncHookPostFactory, id="async-def-hook"),
]


@pytest.fixture(params=["sqlite", "postgres", "mariadb"])
def url(request: pytest.FixtureRequest) -> str:
    fixture = {"sqlite": "sqlite_url", "postgres": "postgres_asyncpg_url", "mariadb": "mariadb_url"}
    value: str = request.getfixturevalue(fixture[request.param])
    return value


@pytest_asyncio.fixture
async def engine(url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.run_sync(Base.metadata.create_all)
    yield engine
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
    await engine.dispose()


async def count(session_or_engine: AsyncSession | AsyncEngine, table: object) -> int:
    statement = select(func.count()).select_from(table)  # type: ignore[arg-type]
    if isinstance(session_or_engine, AsyncSession):
        return await session_or_engine.scalar(statement) or 0
    async with session_or_engine.connect() as connection:
        return await connection.scalar(statement) or 0


@pytest.mark.parametrize("post_factory", HOOKS)
async def test_a_batch_whose_hook_creates_rows_works_and_is_rolled_back(
    engine: AsyncEngine, post_factory: type[PostFactory]
) -> None:
    async with isolated_session(engine) as session:
        posts = await post_factory.create_batch_async(3, sqlalchemy_session=session)
        single = await post_factory.create_async(tags__count=1, sqlalchemy_session=session)
        await session.rollback()  # the application's rollback keeps what factories made

        assert [len(post.tags) for post in [*posts, single]] == [2, 2, 2, 1]
        assert await count(session, post_tag) == 7
        assert await count(session, Post) == 4

    assert await count(engine, post_tag) == 0
    assert await count(engine, Post) == 0


class ClashingPostFactory(AsyncHookPostFactory):
    """Each post's hook creates the tag named "clash": the second post's violates unique."""

    @factory.post_generation
    async def tags(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        self.tags.append(await TagFactory.create_async(name="clash"))


async def test_a_failing_batch_with_hooks_leaves_none_of_its_rows(engine: AsyncEngine) -> None:
    async with isolated_session(engine) as session:
        kept = await TagFactory.create_async(sqlalchemy_session=session)
        with pytest.raises(IntegrityError):
            await ClashingPostFactory.create_batch_async(2, sqlalchemy_session=session)

        assert await count(session, Post) == 0
        assert list(await session.scalars(select(Tag.name))) == [kept.name]
