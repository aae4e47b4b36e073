"""Fixtures of the Mongo backend tests: one server per run, both drivers, a database per test.

``mongo_database`` is parametrized over PyMongo's ``AsyncMongoClient`` and Motor's
``AsyncIOMotorClient``, so every behaviour test runs once per driver. Each test gets a
database of its own, dropped afterwards, and ``mongo_commands`` records the commands the
test's client sent (to check that a batch is one ``insert_many``).
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from pymongo import AsyncMongoClient, monitoring

from tests import _mongo_server

DRIVERS = ["pymongo", "motor"]

_database_numbers = itertools.count()


class CommandLog(monitoring.CommandListener):
    """The write commands a client sent: ``(command name, collection, document count)``."""

    WRITES = frozenset({"insert", "update", "delete", "findAndModify"})

    def __init__(self) -> None:
        self.writes: list[tuple[str, str, int]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name in self.WRITES:
            command = event.command
            documents = command.get("documents") or command.get("updates") or ()
            self.writes.append((event.command_name, command[event.command_name], len(documents)))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    def inserts(self, collection: str | None = None) -> list[int]:
        """Document counts of the ``insert`` commands (to ``collection``, if given)."""
        return [
            count
            for name, target, count in self.writes
            if name == "insert" and (collection is None or target == collection)
        ]


@pytest.fixture(scope="session")
def mongo_run_name() -> str:
    """The prefix of this run's database names."""
    return _mongo_server.unique_database_name()


@pytest.fixture
def mongo_commands() -> CommandLog:
    """The write commands the test's client sends."""
    return CommandLog()


@pytest.fixture(params=DRIVERS)
def mongo_driver(request: pytest.FixtureRequest) -> str:
    """``"pymongo"`` or ``"motor"``: the test runs once per driver."""
    driver: str = request.param
    return driver


@pytest_asyncio.fixture
async def mongo_client(
    mongo_uri: str, mongo_driver: str, mongo_commands: CommandLog
) -> AsyncIterator[Any]:
    """A client of the driver under test, bound to the test's event loop."""
    if mongo_driver == "pymongo":
        client: Any = AsyncMongoClient(mongo_uri, event_listeners=[mongo_commands])
        yield client
        await client.close()
    else:
        from motor.motor_asyncio import AsyncIOMotorClient

        client = AsyncIOMotorClient(mongo_uri, event_listeners=[mongo_commands])
        yield client
        client.close()


@pytest_asyncio.fixture
async def mongo_database(mongo_client: Any, mongo_run_name: str) -> AsyncIterator[Any]:
    """A fresh database of the driver under test, dropped after the test."""
    name = f"{mongo_run_name}_{next(_database_numbers)}"
    yield mongo_client[name]
    await mongo_client.drop_database(name)


@contextlib.asynccontextmanager
async def transaction(client: Any) -> AsyncIterator[Any]:
    """A client session with a transaction started, for either driver.

    The test commits or aborts it; leaving the block ends the session (aborting a
    transaction still open).
    """
    if isinstance(client, AsyncMongoClient):
        async with client.start_session() as session:
            await session.start_transaction()
            yield session
    else:
        async with await client.start_session() as session:
            session.start_transaction()
            yield session
