"""``Meta.mongo_get_or_create``: find the document by those fields, else insert it."""

from __future__ import annotations

from typing import Any

import factory
import pytest
from pymongo.errors import DuplicateKeyError

from async_factory_boy.errors import FactoryConfigurationError
from async_factory_boy.factory.mongo import AsyncMongoFactory
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
