"""Fixtures of the adversarial suite: a session on each SQL database, and a Mongo session.

The suite tries what a tester would: gather inside hooks, cancellation at every statement
boundary, seed URLs that point elsewhere from outside the URL, bad inputs. Every loop is
bounded by a constant and every wait by ``asyncio.timeout``, so a regression fails instead
of hanging CI.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from pymongo import AsyncMongoClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests import _mongo_server
from tests.conftest import SQL_DATABASES
from tests.sqlalchemy.conftest import open_session

# The SQL databases of the suite (one driver per server is enough here: the lock and the
# cancellation paths are the library's, the drivers differ in how they break).
DATABASES = [name for name in SQL_DATABASES if name != "postgres-psycopg"]

_URL_FIXTURES = {
    "sqlite": "sqlite_url",
    "postgres-asyncpg": "postgres_asyncpg_url",
    "mariadb": "mariadb_url",
}


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest) -> str:
    """Each SQL database of the suite in turn."""
    url: str = request.getfixturevalue(_URL_FIXTURES[request.param])
    return url


@pytest_asyncio.fixture
async def session(database_url: str) -> AsyncIterator[AsyncSession]:
    """An ``AsyncSession`` on each SQL database in turn, with the test models' tables."""
    async with open_session(database_url) as opened:
        yield opened


@pytest_asyncio.fixture
async def mongo_session(mongo_uri: str) -> AsyncIterator[tuple[Any, Any]]:
    """``(database, client session)`` on this run's MongoDB server, dropped afterwards."""
    client: Any = AsyncMongoClient(mongo_uri)
    name = f"{_mongo_server.unique_database_name()}_adv"
    try:
        async with client.start_session() as mongo_session:
            yield client[name], mongo_session
        await client.drop_database(name)
    finally:
        await client.close()
