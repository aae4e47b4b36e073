"""create_async / build_async: one document stored per object, the database passed per call."""

from __future__ import annotations

import asyncio
from typing import Any

import factory
import pytest

from async_factory_boy.factory.mongo import AsyncMongoFactory
from tests.mongo.factories import AuthorFactory, PublisherFactory

pytestmark = [pytest.mark.asyncio, pytest.mark.mongo]


async def test_create_async_stores_the_document_and_returns_it_with_its_id(
    mongo_database: Any,
) -> None:
    publisher = await PublisherFactory.create_async(mongo_database=mongo_database, name="Gallimard")

    stored = await mongo_database.publishers.find_one({"_id": publisher["_id"]})
    assert stored == {"_id": publisher["_id"], "name": "Gallimard"}
    assert publisher == stored


async def test_create_batch_async_stores_every_document(mongo_database: Any) -> None:
    publishers = await PublisherFactory.create_batch_async(3, mongo_database=mongo_database)

    stored = await mongo_database.publishers.find().sort("_id", 1).to_list(None)
    assert stored == sorted(publishers, key=lambda doc: doc["_id"])
    assert len({doc["_id"] for doc in publishers}) == 3


async def test_build_async_stores_nothing_and_needs_no_database(mongo_database: Any) -> None:
    author = await AuthorFactory.build_async()

    assert await mongo_database.list_collection_names() == []
    assert author["_id"] != author["publisher_id"]  # ids are generated on the client


async def test_a_dict_factory_writes_to_its_own_name_by_default(mongo_database: Any) -> None:
    class TagFactory(AsyncMongoFactory[dict[str, Any]]):
        label = "python"

    tag = await TagFactory.create_async(mongo_database=mongo_database)

    assert TagFactory._meta.collection == "tag"
    assert await mongo_database.tag.find_one() == tag


async def test_nested_creations_of_a_hook_use_the_calls_database(mongo_database: Any) -> None:
    class EditorFactory(AsyncMongoFactory[dict[str, Any]]):
        class Meta:
            collection = "editors"

        name = "Ed"

        @factory.post_generation
        async def publishers(obj: dict[str, Any], create: bool, extracted: Any, **kw: Any) -> None:
            created = await PublisherFactory.create_batch_async(2, editor_id=obj["_id"])
            obj["publisher_ids"] = [each["_id"] for each in created]

    editor = await EditorFactory.create_async(mongo_database=mongo_database)

    stored = await mongo_database.publishers.find({"editor_id": editor["_id"]}).to_list(None)
    assert sorted(doc["_id"] for doc in stored) == sorted(editor["publisher_ids"])


async def test_concurrent_calls_write_to_their_own_databases(
    mongo_client: Any, mongo_database: Any
) -> None:
    other = mongo_client[f"{mongo_database.name}_other"]
    try:
        first, second = await asyncio.gather(
            AuthorFactory.create_batch_async(3, mongo_database=mongo_database),
            AuthorFactory.create_batch_async(2, mongo_database=other),
        )

        assert {doc["_id"] for doc in first} == {
            doc["_id"] async for doc in mongo_database.authors.find()
        }
        assert await other.authors.count_documents({}) == 2
        assert await other.publishers.count_documents({}) == 2
        assert {doc["_id"] for doc in second} == {doc["_id"] async for doc in other.authors.find()}
    finally:
        await mongo_client.drop_database(other.name)
