"""Class models: instances become documents and carry the stored ``_id`` (or ``id``)."""

from __future__ import annotations

import dataclasses
import datetime
import enum
from typing import Any

import attrs
import pydantic
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


class Mood(enum.Enum):
    CALM = "calm"
    LOUD = "loud"


class Diary(pydantic.BaseModel):
    mood: Mood
    day: datetime.date
    labels: set[str]


class DiaryFactory(AsyncMongoFactory[Diary]):
    class Meta:
        model = Diary

    mood = Mood.LOUD
    day = datetime.date(2026, 11, 29)
    labels = frozenset({"x"})


async def test_values_bson_has_no_type_for_are_stored_as_their_nearest_bson_value(
    mongo_database: Any,
) -> None:
    diary = await DiaryFactory.create_async(mongo_database=mongo_database)

    stored = await mongo_database["diary"].find_one({})
    assert stored["mood"] == "loud"  # an enum member: its value
    assert stored["day"] == datetime.datetime(2026, 11, 29)  # a date: its midnight
    assert stored["labels"] == ["x"]  # a set: a list
    assert diary.mood is Mood.LOUD
