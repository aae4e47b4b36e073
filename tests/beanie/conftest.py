"""Fixtures of the Beanie tests: ``init_beanie`` on a fresh database per test.

Beanie 2 runs on PyMongo's ``AsyncMongoClient`` only (it left Motor), so these tests use that
driver. ``mongo_commands`` records the commands the client sent.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio
from beanie import init_beanie
from pymongo import AsyncMongoClient

from tests.beanie.models import DOCUMENTS
from tests.mongo.conftest import CommandLog, mongo_commands, mongo_run_name

__all__ = ["mongo_commands", "mongo_run_name"]

_numbers = itertools.count()


@pytest_asyncio.fixture
async def beanie_client(mongo_uri: str, mongo_commands: CommandLog) -> AsyncIterator[Any]:
    client: Any = AsyncMongoClient(mongo_uri, event_listeners=[mongo_commands])
    yield client
    await client.close()


@pytest_asyncio.fixture
async def beanie_database(beanie_client: Any, mongo_run_name: str) -> AsyncIterator[Any]:
    """A fresh database with Beanie initialised on it for the test documents."""
    name = f"{mongo_run_name}_beanie_{next(_numbers)}"
    database = beanie_client[name]
    await init_beanie(database=database, document_models=DOCUMENTS)
    yield database
    await beanie_client.drop_database(name)
