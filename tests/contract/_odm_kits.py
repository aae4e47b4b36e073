"""Kits of the ODM backends (Beanie, ODMantic) for the contract suite; see ``_kits.py``.

Both write through the Mongo backend's write path, so they share its one limitation
(``failing_batch_unique``: outside a transaction MongoDB keeps the documents inserted before
a refused one). Beanie has no per-call connection to leave out: ``init_beanie`` binds each
document class to its database, so its ``conn`` is empty and ``missing_connection`` does
not apply (an uninitialised document class is the Beanie equivalent, tested in
``tests/beanie``). Its "separate connections" are separate calls through the client's pool.
"""

# No `from __future__ import annotations`: the models are local classes whose annotations
# (a Link or Reference to the other local class) must be evaluated where they are defined.

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from tests.contract._kits import _PARTIAL, Kit

_numbers = itertools.count()

_BEANIE: tuple[Any, ...] | None = None
_ODMANTIC: tuple[Any, ...] | None = None


def _beanie_models() -> tuple[Any, ...]:
    import factory
    from beanie import Document, Indexed, Link

    from async_factory_boy.factory.beanie import AsyncBeanieFactory

    class BeanieParent(Document):
        name: Indexed(str, unique=True)  # type: ignore[valid-type]

        class Settings:
            name = "contract_parent"

    class BeanieChild(Document):
        label: str
        parent: Link[BeanieParent]

        class Settings:
            name = "contract_child"

    class BeanieParentFactory(AsyncBeanieFactory[BeanieParent]):
        class Meta:
            model = BeanieParent

        name = factory.Sequence(lambda n: f"parent {n}")

    class BeanieChildFactory(AsyncBeanieFactory[BeanieChild]):
        class Meta:
            model = BeanieChild

        label = factory.Sequence(lambda n: f"child {n}")
        parent = factory.SubFactory(BeanieParentFactory)

    class BeanieParentByNameFactory(BeanieParentFactory):
        class Meta:
            beanie_get_or_create = ("name",)

    return (BeanieParent, BeanieChild), (
        BeanieParentFactory,
        BeanieChildFactory,
        BeanieParentByNameFactory,
    )


def _odmantic_models() -> tuple[Any, ...]:
    import factory
    from odmantic import Field, Model, Reference

    from async_factory_boy.factory.odmantic import AsyncODManticFactory

    class ODManticParent(Model):
        name: str = Field(unique=True)

        model_config = {"collection": "contract_parent"}

    class ODManticChild(Model):
        label: str
        parent: ODManticParent = Reference()

        model_config = {"collection": "contract_child"}

    class ODManticParentFactory(AsyncODManticFactory[ODManticParent]):
        class Meta:
            model = ODManticParent

        name = factory.Sequence(lambda n: f"parent {n}")

    class ODManticChildFactory(AsyncODManticFactory[ODManticChild]):
        class Meta:
            model = ODManticChild

        label = factory.Sequence(lambda n: f"child {n}")
        parent = factory.SubFactory(ODManticParentFactory)

    class ODManticParentByNameFactory(ODManticParentFactory):
        class Meta:
            odmantic_get_or_create = ("name",)

    return (ODManticParent, ODManticChild), (
        ODManticParentFactory,
        ODManticChildFactory,
        ODManticParentByNameFactory,
    )


def _inserts(commands: list[Any]) -> list[str]:
    names = [target.removeprefix("contract_") for name, target, _ in commands if name == "insert"]
    return [name for name in names if name in ("parent", "child")]


@asynccontextmanager
async def beanie_kit(name: str, uri: str) -> AsyncIterator[Kit]:
    """``init_beanie`` on a fresh database of a PyMongo ``AsyncMongoClient``."""
    global _BEANIE
    from beanie import init_beanie
    from pymongo import AsyncMongoClient

    from tests import _mongo_server
    from tests.mongo.conftest import CommandLog

    _BEANIE = _BEANIE or _beanie_models()
    models, (parent, child, by_name) = _BEANIE
    log = CommandLog()
    client: Any = AsyncMongoClient(uri, event_listeners=[log])
    database_name = f"{_mongo_server.unique_database_name()}_b{next(_numbers)}"
    database = client[database_name]

    @asynccontextmanager
    async def connect() -> AsyncIterator[dict[str, Any]]:
        yield {}  # the document classes are bound to the kit's database

    async def count(collection: str, conn: dict[str, Any] | None = None) -> int:
        return int(await database["contract_" + collection].count_documents({}))

    try:
        await init_beanie(database=database, document_models=list(models))
        log.writes.clear()
        yield Kit(
            name=name,
            parent=parent,
            child=child,
            parent_by_name=by_name,
            conn={},
            connect=connect,
            count=count,
            wrong_connection=lambda: {"mongo_database": database},
            log=log.writes,
            read_log=_inserts,
            unsupported={
                "failing_batch_unique": _PARTIAL,
                "missing_connection": "Beanie takes its database from init_beanie, not from "
                "the call (an uninitialised document class raises MissingSessionError: "
                "tests/beanie)",
            },
        )
    finally:
        await client.drop_database(database_name)
        await client.close()


@asynccontextmanager
async def odmantic_kit(name: str, uri: str) -> AsyncIterator[Kit]:
    """An ``AIOEngine`` (Motor, which ODMantic requires) on a fresh database."""
    global _ODMANTIC
    from motor.motor_asyncio import AsyncIOMotorClient
    from odmantic import AIOEngine, SyncEngine
    from pymongo import MongoClient

    from tests import _mongo_server
    from tests.mongo.conftest import CommandLog

    _ODMANTIC = _ODMANTIC or _odmantic_models()
    models, (parent, child, by_name) = _ODMANTIC
    log = CommandLog()
    client = AsyncIOMotorClient(uri, event_listeners=[log])
    database_name = f"{_mongo_server.unique_database_name()}_o{next(_numbers)}"
    engine = AIOEngine(client, database=database_name)

    @asynccontextmanager
    async def connect() -> AsyncIterator[dict[str, Any]]:
        other = AsyncIOMotorClient(uri)  # a client of its own: its own connection pool
        try:
            yield {"odmantic_engine": AIOEngine(other, database=database_name)}
        finally:
            other.close()

    async def count(collection: str, conn: dict[str, Any] | None = None) -> int:
        return int(await engine.database["contract_" + collection].count_documents({}))

    def wrong() -> dict[str, Any]:
        return {"odmantic_engine": SyncEngine(MongoClient(uri, connect=False), database_name)}

    try:
        await engine.configure_database(list(models))
        log.writes.clear()
        yield Kit(
            name=name,
            parent=parent,
            child=child,
            parent_by_name=by_name,
            conn={"odmantic_engine": engine},
            connect=connect,
            count=count,
            wrong_connection=wrong,
            log=log.writes,
            read_log=_inserts,
            unsupported={"failing_batch_unique": _PARTIAL},
        )
    finally:
        await client.drop_database(database_name)
        client.close()
