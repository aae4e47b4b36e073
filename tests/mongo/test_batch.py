"""create_batch_async: one ordered insert_many per collection, and honest partial failures."""

from __future__ import annotations

from typing import Any

import factory
import pytest

from async_factory_boy.errors import PartialBatchError
from tests.mongo.factories import AuthorFactory

pytestmark = [pytest.mark.asyncio, pytest.mark.mongo]


async def test_a_batch_refused_part_way_says_which_documents_were_stored(
    mongo_database: Any,
) -> None:
    await mongo_database.authors.create_index("name", unique=True)
    await mongo_database.authors.insert_one({"name": "taken"})
    names = iter(["a", "b", "taken", "d"])

    with pytest.raises(PartialBatchError, match=r"4 in 'publishers', 2 in 'authors'") as info:
        await AuthorFactory.create_batch_async(
            4, mongo_database=mongo_database, name=factory.LazyFunction(lambda: next(names))
        )

    written = info.value.written
    assert [doc["_id"] async for doc in mongo_database.publishers.find().sort("_id", 1)] == sorted(
        written["publishers"]
    )
    stored = await mongo_database.authors.find({"name": {"$ne": "taken"}}).to_list(None)
    assert sorted(doc["_id"] for doc in stored) == sorted(written["authors"])
    assert sorted(doc["name"] for doc in stored) == ["a", "b"]
    assert info.value.written_ids == written["publishers"] + written["authors"]
