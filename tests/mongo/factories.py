"""Models and factories shared by the Mongo backend tests (they read like the docs)."""

from __future__ import annotations

import dataclasses
from typing import Any, TypedDict

import attrs
import factory
import pydantic
from bson import ObjectId

from async_factory_boy.factory.mongo import AsyncMongoFactory

Document = dict[str, Any]


class PublisherFactory(AsyncMongoFactory[Document]):
    class Meta:
        collection = "publishers"

    name = factory.Sequence(lambda n: f"Publisher {n}")


class AuthorFactory(AsyncMongoFactory[Document]):
    """An author that references its publisher by ``_id`` (the publisher is stored first)."""

    class Meta:
        collection = "authors"
        exclude = ("publisher",)

    name = factory.Sequence(lambda n: f"Author {n}")
    publisher = factory.SubFactory(PublisherFactory)
    publisher_id = factory.LazyAttribute(lambda o: o.publisher["_id"])


class AddressFactory(factory.DictFactory):
    """A plain factory_boy factory: a SubFactory of it is an embedded sub-document."""

    city = "Lyon"
    street = factory.Sequence(lambda n: f"{n} rue de la Paix")


class ReaderFactory(AsyncMongoFactory[Document]):
    class Meta:
        collection = "readers"

    name = factory.Sequence(lambda n: f"Reader {n}")
    address = factory.SubFactory(AddressFactory)


# -- class models ---------------------------------------------------------------------------


@dataclasses.dataclass
class Book:
    title: str
    pages: int


class BookFactory(AsyncMongoFactory[Book]):
    class Meta:
        model = Book

    title = factory.Sequence(lambda n: f"Book {n}")
    pages = 100


class Magazine(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(arbitrary_types_allowed=True)

    id: ObjectId | None = pydantic.Field(default=None, alias="_id")
    title: str
    issue: int


class MagazineFactory(AsyncMongoFactory[Magazine]):
    class Meta:
        model = Magazine

    title = factory.Sequence(lambda n: f"Magazine {n}")
    issue = 1


@attrs.define
class Comic:
    title: str
    _id: ObjectId | None = None


class ComicFactory(AsyncMongoFactory[Comic]):
    class Meta:
        model = Comic

    title = factory.Sequence(lambda n: f"Comic {n}")


class Review(TypedDict):
    text: str
    stars: int


class ReviewFactory(AsyncMongoFactory[Review]):
    class Meta:
        model = Review

    text = "Fine."
    stars = 4
