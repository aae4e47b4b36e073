"""``mongo_session=``: every write of the call joins the caller's transaction."""

from __future__ import annotations

from typing import Any

import factory
import pytest
from pymongo.errors import BulkWriteError

from tests.mongo.conftest import transaction
from tests.mongo.factories import AuthorFactory

pytestmark = [pytest.mark.asyncio, pytest.mark.mongo]


async def test_an_aborted_transaction_leaves_nothing(
    mongo_client: Any, mongo_database: Any
) -> None:
    await mongo_database.create_collection("authors")
    await mongo_database.create_collection("publishers")
    async with transaction(mongo_client) as session:
        await AuthorFactory.create_async(mongo_database=mongo_database, mongo_session=session)
        await AuthorFactory.create_batch_async(
            3, mongo_database=mongo_database, mongo_session=session
        )
        assert await mongo_database.authors.count_documents({}, session=session) == 4
        await session.abort_transaction()

    assert await mongo_database.authors.count_documents({}) == 0
    assert await mongo_database.publishers.count_documents({}) == 0


async def test_a_committed_transaction_keeps_every_document(
    mongo_client: Any, mongo_database: Any
) -> None:
    await mongo_database.create_collection("authors")
    await mongo_database.create_collection("publishers")
    async with transaction(mongo_client) as session:
        authors = await AuthorFactory.create_batch_async(
            3, mongo_database=mongo_database, mongo_session=session
        )
        assert await mongo_database.authors.count_documents({}) == 0  # not visible outside yet
        await session.commit_transaction()

    stored = {doc["_id"] async for doc in mongo_database.authors.find()}
    assert stored == {author["_id"] for author in authors}
    assert await mongo_database.publishers.count_documents({}) == 3


async def test_a_batch_refused_in_a_transaction_leaves_nothing_once_aborted(
    mongo_client: Any, mongo_database: Any
) -> None:
    await mongo_database.authors.create_index("name", unique=True)
    await mongo_database.create_collection("publishers")
    names = iter(["a", "a"])
    async with transaction(mongo_client) as session:
        with pytest.raises(BulkWriteError):
            await AuthorFactory.create_batch_async(
                2,
                mongo_database=mongo_database,
                mongo_session=session,
                name=factory.LazyFunction(lambda: next(names)),
            )
        await session.abort_transaction()

    assert await mongo_database.authors.count_documents({}) == 0
    assert await mongo_database.publishers.count_documents({}) == 0
