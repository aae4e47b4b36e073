"""Class models: instances become documents and carry the stored ``_id`` (or ``id``)."""

from __future__ import annotations

import dataclasses
from typing import Any

import attrs
import pytest

from async_factory_boy.errors import FactoryConfigurationError
from async_factory_boy.factory.mongo import AsyncMongoFactory
from tests.mongo.factories import (
    Book,
    BookFactory,
    ComicFactory,
    Magazine,
    MagazineFactory,
    ReviewFactory,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.mongo]


async def test_a_dataclass_instance_is_stored_and_carries_its_id(mongo_database: Any) -> None:
    book = await BookFactory.create_async(mongo_database=mongo_database, title="Dune")

    assert isinstance(book, Book)
    stored = await mongo_database.book.find_one({"_id": book._id})  # type: ignore[attr-defined]
    assert stored == {"_id": book._id, "title": "Dune", "pages": 100}  # type: ignore[attr-defined]


async def test_a_pydantic_model_gets_its_id_through_the_aliased_field(
    mongo_database: Any,
) -> None:
    magazine = await MagazineFactory.create_async(mongo_database=mongo_database)

    assert isinstance(magazine, Magazine)
    stored = await mongo_database.magazine.find_one({"_id": magazine.id})
    assert Magazine.model_validate(stored) == magazine


async def test_an_attrs_instance_gets_its_id_field_set(mongo_database: Any) -> None:
    comic = await ComicFactory.create_async(mongo_database=mongo_database)

    assert comic._id is not None
    assert await mongo_database.comic.find_one({"_id": comic._id}) == {
        "_id": comic._id,
        "title": comic.title,
    }


async def test_a_typeddict_document_is_a_dict_with_its_id(mongo_database: Any) -> None:
    reviews = await ReviewFactory.create_batch_async(2, mongo_database=mongo_database)

    stored = await mongo_database.review.find().sort("_id", 1).to_list(None)
    assert stored == sorted(reviews, key=lambda doc: doc["_id"])


@attrs.frozen
class Sticker:
    label: str


class StickerFactory(AsyncMongoFactory[Sticker]):
    class Meta:
        model = Sticker

    label = "new"


async def test_a_model_that_cannot_hold_an_id_is_refused_with_advice(mongo_database: Any) -> None:
    with pytest.raises(FactoryConfigurationError, match=r"Sticker instances cannot carry.*_id"):
        await StickerFactory.create_async(mongo_database=mongo_database)

    assert await mongo_database.sticker.count_documents({}) == 0


@dataclasses.dataclass
class BlogPost:
    title: str


class PostFactory(AsyncMongoFactory[BlogPost]):
    class Meta:
        model = BlogPost

    title = "Hello"


class DraftFactory(PostFactory):
    title = "Draft"


async def test_the_collection_defaults_to_the_model_name_in_snake_case(
    mongo_database: Any,
) -> None:
    await DraftFactory.create_async(mongo_database=mongo_database)

    assert PostFactory._meta.collection == DraftFactory._meta.collection == "blog_post"
    assert await mongo_database.blog_post.count_documents({"title": "Draft"}) == 1
