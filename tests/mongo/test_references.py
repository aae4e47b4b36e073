"""Referenced documents are stored first; embedded ones are nested and never inserted."""

from __future__ import annotations

import dataclasses
from typing import Any

import factory
import pytest

from async_factory_boy.factory.mongo import AsyncMongoFactory
from tests.mongo.conftest import CommandLog
from tests.mongo.factories import AuthorFactory, BookFactory, ReaderFactory

pytestmark = [pytest.mark.asyncio, pytest.mark.mongo]


async def test_a_referenced_document_is_stored_before_its_id_is_read(
    mongo_database: Any,
) -> None:
    author = await AuthorFactory.create_async(mongo_database=mongo_database)

    publisher = await mongo_database.publishers.find_one({"_id": author["publisher_id"]})
    assert publisher is not None
    assert await mongo_database.authors.find_one({"publisher_id": publisher["_id"]}) == author


async def test_a_subfactory_of_a_plain_factory_is_an_embedded_document(
    mongo_database: Any, mongo_commands: CommandLog
) -> None:
    reader = await ReaderFactory.create_async(mongo_database=mongo_database)

    stored = await mongo_database.readers.find_one({"_id": reader["_id"]})
    assert stored["address"] == {"city": "Lyon", "street": reader["address"]["street"]}
    assert mongo_commands.inserts() == [1]


@dataclasses.dataclass
class Address:
    city: str


class AddressFactory(AsyncMongoFactory[Address]):
    class Meta:
        model = Address
        embedded = True

    city = "Nantes"


class ShopFactory(AsyncMongoFactory[dict[str, Any]]):
    class Meta:
        collection = "shops"

    address = factory.SubFactory(AddressFactory)


async def test_an_embedded_mongo_factory_nests_its_object_as_a_sub_document(
    mongo_database: Any, mongo_commands: CommandLog
) -> None:
    shop = await ShopFactory.create_async(mongo_database=mongo_database)

    assert shop["address"] == Address(city="Nantes")
    assert await mongo_database.shops.find_one() == {
        "_id": shop["_id"],
        "address": {"city": "Nantes"},
    }
    assert mongo_commands.inserts() == [1]
    assert "address" not in await mongo_database.list_collection_names()


class ChapterFactory(AsyncMongoFactory[dict[str, Any]]):
    class Meta:
        collection = "chapters"
        exclude = ("book",)

    book = factory.SubFactory(BookFactory)
    book_id = factory.SelfAttribute("book._id")
    number = factory.Sequence(int)


async def test_a_class_document_exposes_its_id_to_self_attribute(mongo_database: Any) -> None:
    chapter = await ChapterFactory.create_async(mongo_database=mongo_database)

    book = await mongo_database.book.find_one({"_id": chapter["book_id"]})
    assert book is not None


class WriterFactory(AsyncMongoFactory[dict[str, Any]]):
    class Meta:
        collection = "writers"

    name = "Colette"
    novels = factory.RelatedFactoryList(
        "tests.mongo.test_references.NovelFactory", "writer", size=2
    )


class NovelFactory(AsyncMongoFactory[dict[str, Any]]):
    class Meta:
        collection = "novels"
        exclude = ("writer",)

    writer = factory.SubFactory(WriterFactory, novels=None)
    writer_id = factory.LazyAttribute(lambda o: o.writer["_id"])


async def test_related_documents_reference_the_stored_parent(mongo_database: Any) -> None:
    writer = await WriterFactory.create_async(mongo_database=mongo_database)

    assert await mongo_database.novels.count_documents({"writer_id": writer["_id"]}) == 2
    assert await mongo_database.writers.count_documents({}) == 1


async def test_a_batch_hands_out_ids_before_its_single_write(mongo_database: Any) -> None:
    authors = await AuthorFactory.create_batch_async(5, mongo_database=mongo_database)

    publisher_ids = {doc["_id"] async for doc in mongo_database.publishers.find()}
    assert {author["publisher_id"] for author in authors} == publisher_ids
    assert len(publisher_ids) == 5
