"""Which objects the seed writes in bulk, and which through the session (in process)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import Session

from async_factory_boy.factory.sqlalchemy._seed_batch import bulk_capable, write_batch
from examples.blog.models import Base as BlogBase
from tests.seed import documented
from tests.seed.factories import PostFactory

pytestmark = pytest.mark.sqlite


@pytest.fixture
def flushes() -> Iterator[list[Any]]:
    """The ORM flushes of the test (the bulk writer never flushes)."""
    seen: list[Any] = []

    def count(session: Session, context: Any) -> None:
        seen.append(session)

    event.listen(Session, "after_flush", count)
    yield seen
    event.remove(Session, "after_flush", count)


def _seed(url: str, factory: Any, size: int) -> None:
    async def main() -> None:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as conn:
                await conn.run_sync(BlogBase.metadata.create_all)
                await conn.run_sync(documented.Base.metadata.create_all)
            async with engine.connect() as conn, conn.begin():
                await write_batch(conn, factory, size)
        finally:
            await engine.dispose()

    asyncio.run(main())


def test_factories_that_read_no_key_are_written_in_bulk(
    sqlite_url: str, flushes: list[Any]
) -> None:
    _seed(sqlite_url, PostFactory, 20)

    assert flushes == []


def test_reading_a_generated_key_switches_the_batch_to_the_session(
    sqlite_url: str, flushes: list[Any]
) -> None:
    _seed(sqlite_url, documented.ChildOfUserFactory, 5)

    assert flushes  # flushed on demand, as create_batch_async does


@pytest.mark.parametrize(
    ("name", "bulk"),
    [
        ("UserFactory", True),
        ("PlainCompanyFactory", True),
        ("CompanyWithUsersFactory", True),  # RelatedFactory and a sync hook: still bulk
        ("AuditedUserFactory", False),  # _create_async overridden
        ("SharedCompanyFactory", False),  # get_or_create
        ("MemberWithAsyncHookFactory", False),  # an async def hook
    ],
)
def test_which_factories_are_taken_over(name: str, bulk: bool) -> None:
    assert bulk_capable(getattr(documented, name)) is bulk
