"""Fixtures of the ODMantic tests: an ``AIOEngine`` on a fresh database per test.

ODMantic 1 runs on Motor only (its AIOEngine requires it, and awaits Motor's session and
cursor APIs), so these tests use Motor. ``mongo_commands`` records the commands sent.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio
from motor.motor_asyncio import AsyncIOMotorClient
from odmantic import AIOEngine

from tests.mongo.conftest import CommandLog, mongo_commands, mongo_run_name
from tests.odmantic.models import MODELS

__all__ = ["mongo_commands", "mongo_run_name"]

_numbers = itertools.count()


@pytest_asyncio.fixture
async def motor_client(mongo_uri: str, mongo_commands: CommandLog) -> AsyncIterator[Any]:
    client = AsyncIOMotorClient(mongo_uri, event_listeners=[mongo_commands])
    yield client
    client.close()


@pytest_asyncio.fixture
async def odmantic_engine(motor_client: Any, mongo_run_name: str) -> AsyncIterator[AIOEngine]:
    """An engine on a fresh database, with the test models' indexes."""
    name = f"{mongo_run_name}_odmantic_{next(_numbers)}"
    engine = AIOEngine(client=motor_client, database=name)
    await engine.configure_database(MODELS)
    yield engine
    await motor_client.drop_database(name)
