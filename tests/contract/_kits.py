"""Backend kits: what the contract tests need to run one behaviour on one backend.

A kit holds a factory pair (``parent``: unique ``name``; ``child``: a SubFactory of
``parent``), ``parent_by_name`` (get_or_create on ``name``), the call's connection arguments
(``conn``), a way to open a separate connection, to count stored rows, the log of writes
sent to the database, and a connection of the wrong kind. The named requirements
(``_requirements.py``) a backend lacks are listed in ``unsupported`` with the reason, and a
test that requires one says so when it runs (never a silent skip); what is about to change
elsewhere is in ``pending`` (a strict xfail, so it is noticed).

Each builder is an async context manager taking the pytest ``request``, so that it can use
the suite's database fixtures (``sqlite_url``, ``postgres_asyncpg_url``, ``mongo_uri``, ...).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import factory
import pytest

from async_factory_boy import AsyncFactory
from tests.contract._requirements import check_names

#: Whether this is a Django invocation (``--ds=tests.django.settings``): the Django kit only.
DJANGO = os.environ.get("DJANGO_SETTINGS_MODULE") == "tests.django.settings"

Connect = Callable[[], AbstractAsyncContextManager[dict[str, Any]]]
Count = Callable[..., Awaitable[int]]


@dataclass
class Kit:
    """One backend (database, driver or handler) as the contract tests see it."""

    name: str
    parent: Any
    child: Any
    parent_by_name: Any
    conn: dict[str, Any]
    connect: Connect
    count: Count
    wrong_connection: Callable[[], dict[str, Any]]
    log: list[Any] = field(default_factory=list)
    read_log: Callable[[list[Any]], list[str]] = list
    unsupported: dict[str, str] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_names([*self.unsupported, *self.pending], f"kit {self.name}")

    def writes(self) -> list[str]:
        """The model ("parent" / "child") of each write sent to the database so far."""
        return self.read_log(self.log)

    def require(self, request: pytest.FixtureRequest, requirement: str) -> None:
        """Skip with the kit's reason if the backend lacks ``requirement``; mark the test as
        a strict xfail if it is pending elsewhere (the ``kit`` fixture calls it for each
        name of the test's ``@requires``)."""
        if requirement in self.unsupported:
            pytest.skip(f"not applicable to {self.name}: {self.unsupported[requirement]}")
        if requirement in self.pending:
            request.applymarker(pytest.mark.xfail(reason=self.pending[requirement], strict=True))


def holder_of(parent: Any) -> Any:
    """A plain AsyncFactory (no connection of its own) whose SubFactory is ``parent``."""
    meta = type("Meta", (), {"model": dict})
    return type(
        "HolderFactory", (AsyncFactory,), {"Meta": meta, "parent": factory.SubFactory(parent)}
    )


# -- SQLAlchemy: the factory backend and the SQLAlchemyPersistence handler -----------------------


def _sql_factories() -> dict[str, Any]:
    from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory
    from async_factory_boy.persistence import PersistenceFactory
    from tests.contract.models import SQLChild, SQLParent

    made: dict[str, Any] = {}
    for kind, base in (("factory", AsyncSQLAlchemyModelFactory), ("handler", PersistenceFactory)):
        prefix = "SQL" if kind == "factory" else "SQLHandler"
        parent = type(
            f"{prefix}ParentFactory",
            (base,),
            {
                "Meta": type("Meta", (), {"model": SQLParent}),
                "name": factory.Sequence(lambda n: f"parent {n}"),
            },
        )
        child = type(
            f"{prefix}ChildFactory",
            (base,),
            {
                "Meta": type("Meta", (), {"model": SQLChild}),
                "label": factory.Sequence(lambda n: f"child {n}"),
                "parent": factory.SubFactory(parent),
            },
        )
        option = "sqlalchemy_get_or_create" if kind == "factory" else "persistence_get_or_create"
        by_name = type(
            f"{prefix}ParentByNameFactory",
            (parent,),
            {"Meta": type("Meta", (), {option: ("name",)})},
        )
        made[kind] = (parent, child, by_name)
    return made


SQL_FACTORIES: dict[str, Any] | None = None


@asynccontextmanager
async def sql_kit(name: str, url: str, *, handler: bool) -> AsyncIterator[Kit]:
    """An AsyncSession on ``url`` with the contract tables, through the factory or the adapter."""
    global SQL_FACTORIES
    from sqlalchemy import Insert, create_engine, event, func, select
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
    from sqlalchemy.orm import Session

    from async_factory_boy.persistence import SQLAlchemyPersistence
    from tests.contract.models import Base, SQLChild, SQLParent
    from tests.sqlalchemy.conftest import database

    if SQL_FACTORIES is None:
        SQL_FACTORIES = _sql_factories()
    parent, child, by_name = SQL_FACTORIES["handler" if handler else "factory"]

    def kwargs(session: Any) -> dict[str, Any]:
        if handler:
            return {"persistence": SQLAlchemyPersistence(session)}
        return {"sqlalchemy_session": session}

    def session_of(conn: dict[str, Any]) -> AsyncSession:
        found: AsyncSession = conn["persistence"].session if handler else conn["sqlalchemy_session"]
        return found

    async with database(url, Base.metadata) as engine:
        writes: list[str] = []

        def on_execute(connection: Any, statement: Any, *args: Any) -> None:
            # One INSERT executed by the ORM, before the dialect splits its rows into
            # driver calls (SQLite's insertmanyvalues sends RETURNING rows one by one).
            if isinstance(statement, Insert):
                writes.append(statement.table.name.removeprefix("contract_"))

        event.listen(engine.sync_engine, "before_execute", on_execute)
        maker = async_sessionmaker(engine, expire_on_commit=False)

        @asynccontextmanager
        async def connect() -> AsyncIterator[dict[str, Any]]:
            async with maker() as other:
                yield kwargs(other)
                await other.commit()

        async with maker() as session:
            main = kwargs(session)

            async def count(table: str, conn: dict[str, Any] | None = None) -> int:
                model = {"parent": SQLParent, "child": SQLChild}[table]
                on = session_of(main if conn is None else conn)
                return int(await on.scalar(select(func.count()).select_from(model)) or 0)

            def wrong() -> dict[str, Any]:
                return kwargs(Session(create_engine("sqlite://")))

            kit = Kit(
                name=name,
                parent=parent,
                child=child,
                parent_by_name=by_name,
                conn=main,
                connect=connect,
                count=count,
                wrong_connection=wrong,
                log=writes,
            )
            yield kit
            await session.rollback()


# -- MongoDB: the factory backend and the MongoPersistence handler -------------------------------

_database_numbers = itertools.count()


def _mongo_factories() -> tuple[Any, Any, Any]:
    from async_factory_boy.factory.mongo import AsyncMongoFactory

    class MongoParentFactory(AsyncMongoFactory[dict[str, Any]]):
        class Meta:
            collection = "contract_parent"

        name = factory.Sequence(lambda n: f"parent {n}")

    class MongoChildFactory(AsyncMongoFactory[dict[str, Any]]):
        class Meta:
            collection = "contract_child"
            exclude = ("parent",)

        label = factory.Sequence(lambda n: f"child {n}")
        parent = factory.SubFactory(MongoParentFactory)
        parent_id = factory.LazyAttribute(lambda o: o.parent["_id"])

    class MongoParentByNameFactory(MongoParentFactory):
        class Meta:
            mongo_get_or_create = ("name",)

    return MongoParentFactory, MongoChildFactory, MongoParentByNameFactory


def _handler_factories() -> tuple[Any, Any, Any]:
    from async_factory_boy.persistence import PersistenceFactory
    from tests.contract.models import Child, Parent

    class ParentFactory(PersistenceFactory[Parent]):
        class Meta:
            model = Parent

        name = factory.Sequence(lambda n: f"parent {n}")

    class ChildFactory(PersistenceFactory[Child]):
        class Meta:
            model = Child

        label = factory.Sequence(lambda n: f"child {n}")
        parent = factory.SubFactory(ParentFactory)

    class ParentByNameFactory(ParentFactory):
        class Meta:
            persistence_get_or_create = ("name",)

    return ParentFactory, ChildFactory, ParentByNameFactory


MONGO_FACTORIES: tuple[Any, Any, Any] | None = None
HANDLER_FACTORIES: tuple[Any, Any, Any] | None = None

_PARTIAL = (
    "outside a transaction MongoDB keeps the documents inserted before the refused one "
    "(ordered insert_many); the factory reports them in PartialBatchError.written "
    "(tests/mongo/test_batch.py) and a transaction (mongo_session=) makes it all or nothing "
    "(tests/mongo/test_transactions.py)"
)


def _mongo_client(uri: str, driver: str, listeners: Sequence[Any] = ()) -> Any:
    if driver == "pymongo":
        from pymongo import AsyncMongoClient

        return AsyncMongoClient(uri, event_listeners=list(listeners))
    from motor.motor_asyncio import AsyncIOMotorClient

    return AsyncIOMotorClient(uri, event_listeners=list(listeners))


async def _close(client: Any) -> None:
    result = client.close()
    if result is not None:
        await result


@asynccontextmanager
async def mongo_kit(name: str, uri: str, driver: str, *, handler: bool) -> AsyncIterator[Kit]:
    """A fresh database through ``driver``, written by the factory or the adapter."""
    global MONGO_FACTORIES, HANDLER_FACTORIES
    from pymongo import MongoClient

    from async_factory_boy.persistence import MongoPersistence
    from tests import _mongo_server
    from tests.mongo.conftest import CommandLog

    if handler:
        HANDLER_FACTORIES = HANDLER_FACTORIES or _handler_factories()
        parent, child, by_name = HANDLER_FACTORIES
        prefix = ""
    else:
        MONGO_FACTORIES = MONGO_FACTORIES or _mongo_factories()
        parent, child, by_name = MONGO_FACTORIES
        prefix = "contract_"

    log = CommandLog()
    client = _mongo_client(uri, driver, [log])
    database_name = f"{_mongo_server.unique_database_name()}_c{next(_database_numbers)}"
    database = client[database_name]

    def kwargs(db: Any) -> dict[str, Any]:
        return {"persistence": MongoPersistence(db)} if handler else {"mongo_database": db}

    @asynccontextmanager
    async def connect() -> AsyncIterator[dict[str, Any]]:
        other = _mongo_client(uri, driver)  # a client of its own: its own connection pool
        try:
            yield kwargs(other[database_name])
        finally:
            await _close(other)

    async def count(collection: str, conn: dict[str, Any] | None = None) -> int:
        return int(await database[prefix + collection].count_documents({}))

    def wrong() -> dict[str, Any]:
        sync = MongoClient(uri, connect=False)
        return kwargs(sync[database_name])

    def inserts(commands: list[Any]) -> list[str]:
        """The collections of the insert commands sent, without the kit's prefix."""
        names = [target.removeprefix(prefix) for name, target, _ in commands if name == "insert"]
        return [name for name in names if name in ("parent", "child")]

    try:
        await database[prefix + "parent"].create_index("name", unique=True)
        log.writes.clear()
        yield Kit(
            name=name,
            parent=parent,
            child=child,
            parent_by_name=by_name,
            conn=kwargs(database),
            connect=connect,
            count=count,
            wrong_connection=wrong,
            log=log.writes,
            read_log=inserts,
            unsupported={"failing_batch_unique": _PARTIAL},
        )
    finally:
        await client.drop_database(database_name)
        await _close(client)


# -- MemoryPersistence ---------------------------------------------------------------------------


@asynccontextmanager
async def memory_kit() -> AsyncIterator[Kit]:
    """An in-process store; every "connection" is the same store (it is the database)."""
    global HANDLER_FACTORIES
    from async_factory_boy.persistence import MemoryPersistence
    from tests.contract.models import Child, Parent

    HANDLER_FACTORIES = HANDLER_FACTORIES or _handler_factories()
    parent, child, by_name = HANDLER_FACTORIES
    writes: list[str] = []

    class LoggedMemory(MemoryPersistence[Any]):
        """Records one write per save / save_many call and model, as a database would."""

        async def save(self, obj: Any) -> Any:
            writes.append(type(obj).__name__.lower())
            return await super().save(obj)

        async def save_many(self, objs: Sequence[Any]) -> list[Any]:
            writes.extend(dict.fromkeys(type(obj).__name__.lower() for obj in objs))
            return await super().save_many(objs)

    store = LoggedMemory(unique={Parent: ["name"]})

    @asynccontextmanager
    async def connect() -> AsyncIterator[dict[str, Any]]:
        yield {"persistence": store}

    async def count(model: str, conn: dict[str, Any] | None = None) -> int:
        return store.count({"parent": Parent, "child": Child}[model])

    yield Kit(
        name="memory",
        parent=parent,
        child=child,
        parent_by_name=by_name,
        conn={"persistence": store},
        connect=connect,
        count=count,
        wrong_connection=lambda: {"persistence": object()},
        log=writes,
    )
