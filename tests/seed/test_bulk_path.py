"""Which objects the seed writes in bulk, and which through the session (in process)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, text
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


def _rows(url: str, sql: str) -> int:
    async def main() -> int:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                return int((await conn.execute(text(sql))).scalar_one())
        finally:
            await engine.dispose()

    return asyncio.run(main())


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


@pytest.mark.filterwarnings("error")
def test_an_async_hook_is_written_in_bulk_like_its_sync_twin(
    sqlite_url: str, flushes: list[Any]
) -> None:
    _seed(sqlite_url, documented.CompanyWithUsersAsyncHookFactory, 20)

    assert flushes == []  # no flush per object before its hook, as the backend would
    assert _rows(sqlite_url, "SELECT COUNT(*) FROM doc_user WHERE company_id IS NOT NULL") == 40
    assert _rows(sqlite_url, "SELECT COUNT(*) FROM doc_company WHERE name LIKE '%(2 users)'") == 20


@pytest.mark.filterwarnings("error")
def test_objects_taken_over_join_the_sessions_first_flush_without_warnings(
    sqlite_url: str, flushes: list[Any]
) -> None:
    # Each company is flushed by its get_or_create; its users, taken over, hang in its
    # Company.users (back_populates): the next flush warned "Object of type <User> not in
    # session, add operation along 'Company.users' will not proceed".
    _seed(sqlite_url, documented.SharedCompanyWithUsersFactory, 20)

    assert flushes
    assert _rows(sqlite_url, "SELECT COUNT(*) FROM doc_user WHERE company_id IS NOT NULL") == 40
    assert _rows(sqlite_url, "SELECT COUNT(*) FROM doc_company") == 3


@pytest.mark.parametrize(
    ("name", "bulk"),
    [
        ("UserFactory", True),
        ("PlainCompanyFactory", True),
        ("CompanyWithUsersFactory", True),  # RelatedFactory and a sync hook: still bulk
        ("AuditedUserFactory", False),  # _create_async overridden
        ("SharedCompanyFactory", False),  # get_or_create
        ("MemberWithAsyncHookFactory", True),  # an async def hook: run in the bridge too
        ("CompanyWithUsersAsyncHookFactory", True),
    ],
)
def test_which_factories_are_taken_over(name: str, bulk: bool) -> None:
    assert bulk_capable(getattr(documented, name)) is bulk
