"""The adapters write the way the backends' factories do: one write path per database.

Each test pins a drift that existed between ``MongoPersistence`` / ``SQLAlchemyPersistence``
and the factories (issue 11): the factory and the adapter must agree on it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import pydantic
import pytest
from sqlalchemy import String, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import NullPool

from async_factory_boy import AsyncFactory
from async_factory_boy.factory.mongo import AsyncMongoFactory
from async_factory_boy.factory.sqlalchemy._api import begin_sqlite_transaction
from async_factory_boy.persistence import MongoPersistence, SQLAlchemyPersistence

pytestmark = pytest.mark.asyncio


@dataclass
class HTTPLog:
    path: str
    id: Any = None


@dataclass
class APIKey:
    key: str
    id: Any = None


class Person(pydantic.BaseModel):
    full_name: str = pydantic.Field(alias="fullName")
    id: Any = None


# -- Mongo: naming and encoding ----------------------------------------------------------------


@pytest.mark.mongo
@pytest.mark.parametrize(
    ("model", "values", "collection"),
    [(HTTPLog, {"path": "/"}, "http_log"), (APIKey, {"key": "k"}, "api_key")],
)
async def test_adapter_and_factory_use_one_collection_for_an_acronym_model(
    mongo_db: Any, model: type, values: dict[str, Any], collection: str
) -> None:
    """Was ``h_t_t_p_log`` / ``a_p_i_key`` through MongoPersistence."""
    through_factory = type(
        f"{model.__name__}Factory",
        (AsyncMongoFactory,),
        {"Meta": type("Meta", (), {"model": model}), **values},
    )
    through_adapter = type(
        f"{model.__name__}PlainFactory",
        (AsyncFactory,),
        {"Meta": type("Meta", (), {"model": model}), **values},
    )

    await through_factory.create_async(mongo_database=mongo_db)
    await through_adapter.create_async(persistence=MongoPersistence(mongo_db))

    assert through_factory._meta.collection == collection
    assert await mongo_db[collection].count_documents({}) == 2
    assert sorted(await mongo_db.list_collection_names()) == [collection]


@pytest.mark.mongo
async def test_adapter_and_factory_store_a_pydantic_alias_by_its_alias(mongo_db: Any) -> None:
    """Was ``full_name`` through MongoPersistence and ``fullName`` through the factory."""

    class PersonFactory(AsyncMongoFactory[Person]):
        class Meta:
            model = Person
            collection = "people"

        fullName = "Ada Lovelace"

    class PlainPersonFactory(AsyncFactory[Person]):
        class Meta:
            model = Person

        fullName = "Ada Lovelace"

    await PersonFactory.create_async(mongo_database=mongo_db)
    await PlainPersonFactory.create_async(persistence=MongoPersistence(mongo_db, "people"))

    stored = [doc async for doc in mongo_db["people"].find({}, {"_id": 0})]
    assert len(stored) == 2
    assert all(doc["fullName"] == "Ada Lovelace" and "full_name" not in doc for doc in stored)


@pytest.mark.mongo
async def test_mongo_adapter_get_or_create_is_race_safe(mongo_db: Any) -> None:
    """MongoPersistence had no get_or_create; it is the factory's race-safe one."""

    class KeyFactory(AsyncFactory[APIKey]):
        class Meta:
            model = APIKey
            persistence_get_or_create = ("key",)

        key = "same"

    await mongo_db["api_key"].create_index("key", unique=True)
    handler = MongoPersistence(mongo_db)

    keys = await asyncio.gather(*(KeyFactory.create_async(persistence=handler) for _ in range(5)))

    assert len({key.id for key in keys}) == 1
    assert await mongo_db["api_key"].count_documents({}) == 1


# -- SQLAlchemy: get_or_create and the SQLite BEGIN rule ---------------------------------------


class Base(DeclarativeBase):
    pass


class Tag(Base):
    __tablename__ = "one_write_path_tag"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)


class TagFactory(AsyncFactory[Tag]):
    class Meta:
        model = Tag
        persistence_get_or_create = ("name",)

    name = "python"


async def test_sqlalchemy_adapter_get_or_create_is_race_safe(sql_url: str) -> None:
    """Was a plain SELECT then INSERT: racing sessions both inserted, one IntegrityError."""
    engine: AsyncEngine = create_async_engine(sql_url, poolclass=NullPool)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.run_sync(Base.metadata.create_all)
    maker = async_sessionmaker(engine, expire_on_commit=False)

    async def one() -> Tag:
        async with maker() as session:
            tag = await TagFactory.create_async(persistence=SQLAlchemyPersistence(session))
            await session.commit()
            return tag

    try:
        tags = await asyncio.gather(*(one() for _ in range(4)))
        async with maker() as session:
            assert await session.scalar(select(func.count()).select_from(Tag)) == 1
        assert len({tag.id for tag in tags}) == 1
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.drop_all)
        await engine.dispose()


async def test_the_sqlite_begin_rule_respects_autocommit_unless_asked(sqlite_url: str) -> None:
    """One rule for SQLite's explicit BEGIN (was two copies with different conditions)."""
    engine = create_async_engine(sqlite_url, poolclass=NullPool)
    try:
        for autocommit_too, expected in ((False, False), (True, True)):
            auto = engine.execution_options(isolation_level="AUTOCOMMIT")
            async with auto.connect() as connection:
                await begin_sqlite_transaction(connection, autocommit_too=autocommit_too)
                raw = await connection.get_raw_connection()
                assert raw.driver_connection.in_transaction is expected
                if expected:
                    await connection.exec_driver_sql("ROLLBACK")
        async with engine.connect() as connection:  # legacy mode: BEGIN sent once
            await begin_sqlite_transaction(connection)
            await begin_sqlite_transaction(connection)
            raw = await connection.get_raw_connection()
            assert raw.driver_connection.in_transaction
    finally:
        await engine.dispose()


@pytest.mark.mongo
async def test_mongo_adapter_get_or_create_names_itself_for_an_unknown_field(mongo_db: Any) -> None:
    from async_factory_boy.errors import FactoryConfigurationError

    class TypoFactory(AsyncFactory[APIKey]):
        class Meta:
            model = APIKey
            persistence_get_or_create = ("kee",)

        key = "k"

    with pytest.raises(FactoryConfigurationError, match=r"MongoPersistence\.get_or_create names"):
        await TypoFactory.create_async(persistence=MongoPersistence(mongo_db))
