"""``Meta.mongo_get_or_create``: find the document by those fields, else insert it."""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

import factory
import pytest
from pymongo.errors import DuplicateKeyError

from async_factory_boy.errors import FactoryConfigurationError, MissingUniqueIndexWarning
from async_factory_boy.factory.mongo import AsyncMongoFactory, _lookups
from tests.mongo.factories import Magazine

pytestmark = [pytest.mark.asyncio, pytest.mark.mongo]


class CountryFactory(AsyncMongoFactory[dict[str, Any]]):
    class Meta:
        collection = "countries"
        mongo_get_or_create = ("code",)

    code = "FR"
    name = "France"
    iso = factory.Sequence(lambda n: f"ISO-{n}")


async def test_a_batch_reuses_documents_by_key(mongo_database: Any) -> None:
    countries = await CountryFactory.create_batch_async(
        4, mongo_database=mongo_database, code=factory.Iterator(["FR", "DE"])
    )

    assert [country["code"] for country in countries] == ["FR", "DE", "FR", "DE"]
    assert countries[0] == countries[2]
    assert await mongo_database.countries.count_documents({}) == 2


async def test_a_duplicate_on_another_unique_key_raises_unchanged(mongo_database: Any) -> None:
    await mongo_database.countries.create_index("iso", unique=True)
    await mongo_database.countries.insert_one({"code": "BE", "iso": "taken"})

    with pytest.raises(DuplicateKeyError, match="taken"):
        await CountryFactory.create_async(mongo_database=mongo_database, iso="taken")


class MagazineByTitleFactory(AsyncMongoFactory[Magazine]):
    class Meta:
        model = Magazine
        mongo_get_or_create = ("title",)

    title = "Pilote"
    issue = factory.Sequence(int)


async def test_a_found_document_comes_back_as_a_model_instance(mongo_database: Any) -> None:
    first = await MagazineByTitleFactory.create_async(mongo_database=mongo_database)
    again = await MagazineByTitleFactory.create_async(mongo_database=mongo_database)

    assert isinstance(again, Magazine)
    assert again == first


class BrokenFactory(AsyncMongoFactory[dict[str, Any]]):
    class Meta:
        collection = "broken"
        mongo_get_or_create = ("slug",)

    title = "no slug"


async def test_a_key_field_missing_from_the_document_is_a_configuration_error(
    mongo_database: Any,
) -> None:
    with pytest.raises(FactoryConfigurationError, match=r"BrokenFactory.*'slug'"):
        await BrokenFactory.create_async(mongo_database=mongo_database)


class TagFactory(AsyncMongoFactory[dict[str, Any]]):
    class Meta:
        collection = "tags"
        mongo_get_or_create = ("name",)

    name = "dessert"
    rank = factory.Sequence(int)


@pytest.fixture
def fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget which factories warned already (the warning is once per factory, per process)."""
    monkeypatch.setattr(_lookups, "_warned", set())


async def test_gathered_calls_without_a_unique_index_store_one_document(
    mongo_database: Any, fresh_warnings: None
) -> None:
    with pytest.warns(MissingUniqueIndexWarning) as warned:
        tags = await asyncio.gather(
            *(TagFactory.create_async(mongo_database=mongo_database) for _ in range(20))
        )

    assert len({tag["_id"] for tag in tags}) == 1
    assert await mongo_database.tags.count_documents({}) == 1
    assert len(warned) == 1  # once per factory, not per call
    message = str(warned[0].message)
    assert "TagFactory.Meta.mongo_get_or_create" in message
    assert "another process" in message
    assert "create_index([('name', 1)], unique=True)" in message


async def test_a_unique_index_on_the_fields_silences_the_warning(
    mongo_database: Any, fresh_warnings: None
) -> None:
    await mongo_database.tags.create_index("name", unique=True)

    with warnings.catch_warnings():
        warnings.simplefilter("error", MissingUniqueIndexWarning)
        tags = await asyncio.gather(
            *(TagFactory.create_async(mongo_database=mongo_database) for _ in range(5)),
            TagFactory.create_async(mongo_database=mongo_database, name="starter"),
        )

    assert len({tag["_id"] for tag in tags}) == 2
    assert await mongo_database.tags.count_documents({}) == 2


async def test_different_keys_are_not_serialized_into_one(mongo_database: Any) -> None:
    tags = await asyncio.gather(
        *(
            TagFactory.create_async(mongo_database=mongo_database, name=f"t{n % 3}")
            for n in range(9)
        )
    )

    assert len({tag["_id"] for tag in tags}) == 3
    assert _lookups._entries == {}  # no lock outlives its lookups
