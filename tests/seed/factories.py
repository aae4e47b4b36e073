"""Factories the seed tests name on the command line (``tests.seed.factories:...``).

They use the example blog models, with plain sequences instead of Faker so runs are fast.
"""

from __future__ import annotations

from typing import Any

import factory
from bson import ObjectId
from pydantic import BaseModel, ConfigDict, Field

from async_factory_boy import AsyncFactory
from async_factory_boy.factory.mongo import AsyncMongoFactory
from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory
from examples.blog.models import Author, Post


class AuthorFactory(AsyncSQLAlchemyModelFactory[Author]):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Author {n}")
    email = factory.Sequence(lambda n: f"author{n}@example.com")


class PostFactory(AsyncSQLAlchemyModelFactory[Post]):
    class Meta:
        model = Post

    author = factory.SubFactory(AuthorFactory)
    title = factory.Sequence(lambda n: f"Post {n}")
    body = "Lorem ipsum"


class GenericAuthorFactory(AsyncFactory[Author]):
    """A SQLAlchemy model on the generic ``AsyncFactory`` (no SQLAlchemy factory class)."""

    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Generic author {n}")
    email = factory.Sequence(lambda n: f"generic{n}@example.com")


class GenericPostFactory(AsyncFactory[Post]):
    class Meta:
        model = Post

    author = factory.SubFactory(GenericAuthorFactory)
    title = factory.Sequence(lambda n: f"Generic post {n}")
    body = "Lorem ipsum"


class CollidingAuthorFactory(AuthorFactory):
    """From sequence number 2000 on, every email repeats: with batches of 10, the third batch
    (whose reached authors are numbered from 2000) fails on its insert."""

    email = factory.Sequence(lambda n: f"author{min(n, 2000)}@example.com")


class CollidingPostFactory(PostFactory):
    author = factory.SubFactory(CollidingAuthorFactory)


class KeyedAuthorFactory(AuthorFactory):
    """Keys given by the factory: no key is drawn, the batch's first statement writes rows."""

    id = factory.Sequence(lambda n: n + 1)


class CollidingKeyedPostFactory(PostFactory):
    """From the 26th post on, post keys repeat: a batch fails after its authors were written."""

    id = factory.Sequence(lambda n: min(n, 25) + 1)
    author = factory.SubFactory(KeyedAuthorFactory)


class NotAFactory:
    """A class, but not a factory."""


class PlainFactory(factory.Factory):  # a sync factory_boy factory, not an async one
    class Meta:
        model = dict


class DocumentFactory(AsyncFactory[dict[str, Any]]):
    """An async factory whose model is not SQLAlchemy-mapped."""

    class Meta:
        model = dict

    n = factory.Sequence(int)


class MongoAuthorFactory(AsyncMongoFactory[dict[str, Any]]):
    class Meta:
        collection = "authors"

    name = factory.Sequence(lambda n: f"Author {n}")


class MongoPostFactory(AsyncMongoFactory[dict[str, Any]]):
    class Meta:
        collection = "posts"

    author = factory.SubFactory(MongoAuthorFactory)
    author_id = factory.LazyAttribute(lambda o: o.author["_id"])
    title = factory.Sequence(lambda n: f"Post {n}")


class HTTPLog(BaseModel):
    """A pydantic model: its collection is derived (``http_log``), a field has an alias."""

    model_config = ConfigDict(populate_by_name=True, arbitrary_types_allowed=True)

    id: ObjectId | None = Field(default=None, alias="_id")
    path: str
    full_name: str = Field(alias="fullName")


class HTTPLogFactory(AsyncMongoFactory[HTTPLog]):
    class Meta:
        model = HTTPLog

    path = factory.Sequence(lambda n: f"/logs/{n}")
    full_name = factory.Sequence(lambda n: f"Client {n}")
