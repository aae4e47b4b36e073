"""Fixtures of the persistence tests: a fresh in-memory store per test, and a Mongo database."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio

from async_factory_boy.persistence import MemoryPersistence
from tests import _servers

_database_numbers = itertools.count()


@pytest.fixture
def store() -> MemoryPersistence[Any]:
    """An empty in-memory store, private to the test."""
    return MemoryPersistence()


@pytest.fixture(scope="session")
def persistence_mongo_uri() -> Iterator[str]:
    """A MongoDB server for this run (``MONGO_URI``, or a SecantusDB started here)."""
    with contextlib.ExitStack() as stack:
        try:
            from tests import _mongo_server

            uri = stack.enter_context(_mongo_server.mongo_server())
        except Exception as exc:
            _servers.unavailable("MongoDB (SecantusDB or MONGO_URI)", exc)
        yield uri


@pytest_asyncio.fixture
async def mongo_db(persistence_mongo_uri: str) -> AsyncIterator[Any]:
    """A fresh database on PyMongo's async client, dropped after the test."""
    from pymongo import AsyncMongoClient

    client: Any = AsyncMongoClient(persistence_mongo_uri)
    name = f"{_servers.unique_database_name()}_{next(_database_numbers)}"
    try:
        yield client[name]
    finally:
        await client.drop_database(name)
        await client.close()
