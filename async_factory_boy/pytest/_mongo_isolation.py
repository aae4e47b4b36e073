"""Test isolation for MongoDB: a database of its own per test, dropped when the test ends.

MongoDB has no transaction a test could roll back the way ``isolated_session`` does for
SQL (writes outside a session's transaction are visible at once, and Beanie and ODMantic
write outside one by default), so each test gets a fresh database instead. Creating one
costs nothing (a database exists once written to) and dropping it is one command.

The name is ``<prefix>_<worker>_<random>``: ``<worker>`` is the xdist worker
(``PYTEST_XDIST_WORKER``: ``gw0``, ``gw1``...; ``main`` without xdist), so each worker's
databases are its own and a left-over one says which worker made it; the random part keeps
concurrent runs on one server apart.

* PyMongo's ``AsyncMongoClient`` and Motor's ``AsyncIOMotorClient``:
  :func:`isolated_database`.
* Beanie: :func:`isolated_beanie` runs ``init_beanie`` on the test's database.
  ``init_beanie`` binds each document class to one database, for the whole process, so a
  test uses one database at a time (the last ``init_beanie`` wins); under xdist each worker
  is a process of its own, with its own binding.
* ODMantic: :func:`isolated_engine`, an ``AIOEngine`` on the test's database, its models'
  indexes created.

The plugin's fixtures (``mongo_test_database``, ``beanie_test_database``,
``odmantic_test_engine``) are these blocks, on the project's ``mongo_client`` fixture; they
run on the test's event loop (pytest-asyncio or anyio), like model fixtures.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Iterable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import pytest

from .._types import Function

if TYPE_CHECKING:
    from beanie import Document
    from motor.motor_asyncio import AsyncIOMotorClient
    from odmantic import AIOEngine, Model

__all__ = [
    "MongoClientLike",
    "check_client",
    "isolated_beanie",
    "isolated_database",
    "isolated_database_name",
    "isolated_engine",
    "worker_name",
]

D = TypeVar("D", covariant=True)

#: The prefix of the plugin fixtures' database names.
DEFAULT_PREFIX = "test"


class MongoClientLike(Protocol[D]):
    """What these helpers use of a client: PyMongo's ``AsyncMongoClient`` or Motor's."""

    def __getitem__(self, name: str) -> D: ...

    def drop_database(self, name_or_database: str, /) -> Awaitable[object]: ...


def worker_name() -> str:
    """The xdist worker this process is (``gw0``...), or ``main`` without xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER") or "main"


def isolated_database_name(prefix: str = DEFAULT_PREFIX) -> str:
    """A database name no other test, worker or concurrent run uses."""
    return f"{prefix}_{worker_name()}_{secrets.token_hex(4)}"


@asynccontextmanager
async def isolated_database(
    client: MongoClientLike[D], *, prefix: str = DEFAULT_PREFIX
) -> AsyncIterator[D]:
    """Yield a fresh database of ``client``, dropped when the block ends.

    ``client`` is a PyMongo ``AsyncMongoClient`` or a Motor ``AsyncIOMotorClient``; pass the
    database to Mongo factories as ``mongo_database=``::

        @pytest_asyncio.fixture
        async def mongo_database(mongo_client):
            async with isolated_database(mongo_client) as database:
                yield database
    """
    name = isolated_database_name(prefix)
    try:
        yield client[name]
    finally:
        await client.drop_database(name)


@asynccontextmanager
async def isolated_beanie(
    client: MongoClientLike[D],
    document_models: Iterable[type[Document] | str],
    *,
    prefix: str = DEFAULT_PREFIX,
    **init_options: Any,
) -> AsyncIterator[D]:
    """Yield a fresh database that ``init_beanie`` bound ``document_models`` to.

    Beanie factories then write there, and ``Document.find()`` reads there, until the next
    ``init_beanie`` (it binds the classes for the whole process: one database per test at a
    time). The documents' indexes (``Indexed(..., unique=True)``) are created on it, which
    ``beanie_get_or_create`` relies on across processes. ``init_options`` go to
    ``init_beanie`` (``recreate_views=True``, ...).
    """
    from beanie import init_beanie

    async with isolated_database(client, prefix=prefix) as database:
        await init_beanie(
            database=database,  # type: ignore[arg-type]  # any client's database, as Beanie
            document_models=list(document_models),
            **init_options,
        )
        yield database


@asynccontextmanager
async def isolated_engine(
    client: AsyncIOMotorClient[Any],
    *,
    models: Iterable[type[Model]] = (),
    prefix: str = DEFAULT_PREFIX,
) -> AsyncIterator[AIOEngine]:
    """Yield an ODMantic ``AIOEngine`` on a fresh database of ``client`` (Motor's).

    ``models``' indexes (``Field(unique=True)``, ``model_config["indexes"]``) are created
    first, as ``engine.configure_database`` does.
    """
    from odmantic import AIOEngine

    async with isolated_database(client, prefix=prefix) as database:
        engine = AIOEngine(client=client, database=database.name)
        models = list(models)
        if models:
            await engine.configure_database(models)
        yield engine


# -- the plugin's fixtures ----------------------------------------------------------------------

_CLIENT = "mongo_client"
_DOCUMENTS = "beanie_document_models"
_ODMANTIC_MODELS = "odmantic_models"
_ISOLATION_FIXTURES = frozenset(
    {"mongo_test_database", "beanie_test_database", "odmantic_test_engine"}
)


async def _mongo_test_database(mongo_client: MongoClientLike[D]) -> AsyncIterator[D]:
    """A database of ``mongo_client`` for this test only, dropped after it."""
    async with isolated_database(mongo_client) as database:
        yield database


async def _beanie_test_database(
    mongo_client: MongoClientLike[D], beanie_document_models: Iterable[type[Document] | str]
) -> AsyncIterator[D]:
    """A database for this test only, ``init_beanie`` bound to it, dropped after it."""
    async with isolated_beanie(mongo_client, beanie_document_models) as database:
        yield database


async def _odmantic_test_engine(
    mongo_client: AsyncIOMotorClient[Any], odmantic_models: Iterable[type[Model]]
) -> AsyncIterator[AIOEngine]:
    """An ``AIOEngine`` on a database for this test only, dropped after it."""
    async with isolated_engine(mongo_client, models=odmantic_models) as engine:
        yield engine


def check_client(item: pytest.Item) -> None:
    """Fail clearly, before setup, when an isolation fixture has no ``mongo_client``.

    pytest's own "fixture 'mongo_client' not found" would not say where the name comes
    from nor what the fixture should hold.
    """
    info = getattr(item, "_fixtureinfo", None)
    if info is None or _CLIENT in info.name2fixturedefs:
        return
    used = _ISOLATION_FIXTURES.intersection(info.names_closure)
    if not used:
        return
    pytest.fail(
        f"async_factory_boy: {', '.join(sorted(used))} takes its client from a fixture "
        f"named {_CLIENT!r}, and none is defined. Define one in conftest.py, e.g. "
        "`@pytest_asyncio.fixture async def mongo_client(): client = AsyncMongoClient(uri); "
        "yield client; await client.close()` (ODMantic: Motor's AsyncIOMotorClient(uri)).",
        pytrace=False,
    )


def _missing_documents() -> list[type]:
    """The default ``beanie_document_models``: there are none, say which fixture to write."""
    pytest.fail(
        "async_factory_boy: beanie_test_database runs init_beanie with the document classes "
        f"of a fixture named {_DOCUMENTS!r}, and none is defined. Define one in conftest.py: "
        "`@pytest.fixture def beanie_document_models(): return [User, Recipe]`.",
        pytrace=False,
    )


def _no_odmantic_models() -> tuple[type, ...]:
    """The default ``odmantic_models``: no indexes to create (override to list models)."""
    return ()


def _routed(function: Function) -> Function:
    """Mark ``function`` to run on the test's own event loop, as model fixtures do: the
    plugin's fixture setup routes it (``_loop``), whichever async plugin runs the test."""
    function._async_factory_boy_routed = True  # type: ignore[attr-defined]  # a marker attribute set on a function object
    # pytest-asyncio's mark, as on model fixtures: its strict mode would otherwise warn that
    # an asyncio test asked for an unmarked async fixture (``_loop`` routes each request).
    function._force_asyncio_fixture = True  # type: ignore[attr-defined]  # a marker attribute set on a function object
    return function


mongo_test_database = pytest.fixture(name="mongo_test_database")(_routed(_mongo_test_database))
beanie_test_database = pytest.fixture(name="beanie_test_database")(_routed(_beanie_test_database))
odmantic_test_engine = pytest.fixture(name="odmantic_test_engine")(_routed(_odmantic_test_engine))
beanie_document_models = pytest.fixture(name=_DOCUMENTS)(_missing_documents)
odmantic_models = pytest.fixture(name=_ODMANTIC_MODELS)(_no_odmantic_models)
