"""Fixtures of the persistence tests: a fresh in-memory store per test, and a Mongo database."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
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


@pytest_asyncio.fixture
async def mongo_db(mongo_uri: str) -> AsyncIterator[Any]:
    """A fresh database on PyMongo's async client, dropped after the test."""
    from pymongo import AsyncMongoClient

    client: Any = AsyncMongoClient(mongo_uri)
    name = f"{_servers.unique_database_name()}_{next(_database_numbers)}"
    try:
        yield client[name]
    finally:
        await client.drop_database(name)
        await client.close()
