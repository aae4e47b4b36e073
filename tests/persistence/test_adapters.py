"""The SQLAlchemy and Mongo adapters: the built-in backends seen through the protocol."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import factory
import pytest
import pytest_asyncio
from sqlalchemy import create_engine, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session

from async_factory_boy import AsyncFactory, SessionTypeError
from async_factory_boy.persistence import (
    AsyncPersistence,
    MongoPersistence,
    SQLAlchemyPersistence,
)
from tests.contract.models import Base, SQLChild, SQLParent

pytestmark = pytest.mark.asyncio


class ParentFactory(AsyncFactory[SQLParent]):
    class Meta:
        model = SQLParent

    name = factory.Sequence(lambda n: f"parent-{n}")


class ChildFactory(AsyncFactory[SQLChild]):
    class Meta:
        model = SQLChild

    label = factory.Sequence(lambda n: f"child-{n}")
    parent = factory.SubFactory(ParentFactory)


@pytest_asyncio.fixture
async def session(sql_url: str) -> AsyncIterator[AsyncSession]:
    """A session on a fresh schema, in a transaction rolled back at the end."""
    engine = create_async_engine(sql_url)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.run_sync(Base.metadata.create_all)
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        yield session
        await session.rollback()
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
    await engine.dispose()


async def test_sqlalchemy_adapter_flushes_and_sets_generated_keys(session: AsyncSession) -> None:
    handler = SQLAlchemyPersistence(session)
    assert isinstance(handler, AsyncPersistence)

    child = await ChildFactory.create_async(persistence=handler)

    assert child.id is not None
    assert child.parent.id is not None
    found = await session.scalar(select(SQLChild.label).where(SQLChild.id == child.id))
    assert found == child.label


async def test_sqlalchemy_adapter_refuses_a_sync_session() -> None:
    sync_session = Session(create_engine("sqlite://"))

    with pytest.raises(SessionTypeError, match=r"needs an AsyncSession.*sync Session"):
        SQLAlchemyPersistence(sync_session)  # type: ignore[arg-type]


# -- Mongo ------------------------------------------------------------------------------------


@dataclass
class Article:
    title: str
    id: Any = None


class ArticleFactory(AsyncFactory[Article]):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"article {n}")


class DocumentFactory(AsyncFactory[dict[str, Any]]):
    class Meta:
        model = dict

    title = factory.Sequence(lambda n: f"doc {n}")


@pytest.mark.mongo
async def test_mongo_adapter_inserts_objects_and_writes_back_the_id(mongo_db: Any) -> None:
    article = await ArticleFactory.create_async(persistence=MongoPersistence(mongo_db))

    stored = await mongo_db["article"].find_one({"_id": article.id})
    assert stored == {"_id": article.id, "title": article.title}


@pytest.mark.mongo
async def test_mongo_adapter_inserts_dict_documents_in_a_named_collection(mongo_db: Any) -> None:
    handler = MongoPersistence(mongo_db, collection="docs")

    documents = await DocumentFactory.create_batch_async(3, persistence=handler)

    assert all("_id" in document for document in documents)
    assert await mongo_db["docs"].count_documents({}) == 3


@pytest.mark.mongo
async def test_mongo_adapter_needs_a_collection_name_for_dicts(mongo_db: Any) -> None:
    with pytest.raises(TypeError, match='pass collection="name"'):
        await DocumentFactory.create_async(persistence=MongoPersistence(mongo_db))


async def test_mongo_adapter_refuses_a_sync_database() -> None:
    from pymongo import MongoClient

    client: Any = MongoClient("mongodb://127.0.0.1:1", connect=False)
    try:
        with pytest.raises(SessionTypeError, match="sync pymongo Database"):
            MongoPersistence(client["db"])
    finally:
        client.close()
