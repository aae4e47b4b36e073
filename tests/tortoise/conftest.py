"""One Tortoise context per test on each database: SQLite, PostgreSQL (asyncpg), MariaDB (asyncmy).

``tortoise_db`` runs a test once per database. Each test gets a fresh ``TortoiseContext``
(its connections closed at the end) with the models' tables created in the run's private
database (``tests/conftest.py``) and dropped afterwards. Besides the ``default`` connection
there are ``racer1`` .. ``racer3``: separate clients on the same database, for races.
"""

from __future__ import annotations

import pathlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
import pytest_asyncio
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.context import TortoiseContext

from tests import _servers

from .models import TABLES

RACERS = ("racer1", "racer2", "racer3")
DATABASES = ["sqlite", "postgres", "mariadb"]
_MARKS = {
    "sqlite": pytest.mark.sqlite,
    "postgres": pytest.mark.postgres,
    "mariadb": pytest.mark.mariadb,
}


@dataclass
class TortoiseDatabase:
    """A test's Tortoise set-up: its context, dialect and connections."""

    name: str
    context: TortoiseContext

    @property
    def connection(self) -> BaseDBAsyncClient:
        """The ``default`` client."""
        return self.context.connections.get("default")

    def racer(self, alias: str) -> BaseDBAsyncClient:
        return self.context.connections.get(alias)

    async def count(self, table: str) -> int:
        _, rows = await self.connection.execute_query(f"SELECT COUNT(*) AS n FROM {table}")
        return int(dict(rows[0])["n"])


@pytest.fixture(params=[pytest.param(name, marks=_MARKS[name]) for name in DATABASES])
def tortoise_url(request: pytest.FixtureRequest) -> str:
    """Each database in turn, as a Tortoise URL (the servers' private databases of the run)."""
    name = request.param
    if name == "sqlite":
        tmp_path: pathlib.Path = request.getfixturevalue("tmp_path")
        return f"sqlite://{tmp_path / 'tortoise.db'}"
    if name == "postgres":
        database = request.getfixturevalue("postgres_database")
        return (
            f"postgres://{_servers.POSTGRES_USER}@{_servers.POSTGRES_HOST}:"
            f"{_servers.POSTGRES_PORT}/{database}?minsize=1&maxsize=5"
        )
    database = request.getfixturevalue("mariadb_database")
    return (
        f"mysql://{_servers.MARIADB_USER}:@{_servers.MARIADB_HOST}:{_servers.MARIADB_PORT}/"
        f"{database}?minsize=1&maxsize=5"
    )


async def _drop_tables(client: BaseDBAsyncClient, dialect: str) -> None:
    cascade = " CASCADE" if dialect == "postgres" else ""
    if dialect == "mysql":
        await client.execute_script("SET FOREIGN_KEY_CHECKS = 0")
    for table in TABLES:
        await client.execute_script(f"DROP TABLE IF EXISTS {table}{cascade}")
    if dialect == "mysql":
        await client.execute_script("SET FOREIGN_KEY_CHECKS = 1")


def config(url: str) -> dict[str, Any]:
    return {
        "connections": {"default": url, **dict.fromkeys(RACERS, url)},
        "apps": {"models": {"models": ["tests.tortoise.models"], "default_connection": "default"}},
    }


@pytest_asyncio.fixture
async def tortoise_db(tortoise_url: str) -> AsyncIterator[TortoiseDatabase]:
    """Each database in turn, with Tortoise initialised (the default connection is set)."""
    url = tortoise_url
    name = url.partition(":")[0]
    # Tortoise caches each model's INSERT SQL per (connection name, table) for the whole
    # process, whatever the dialect: a test on another database must not reuse it.
    EXECUTOR_CACHE.clear()
    async with TortoiseContext() as context:
        # The global fallback: pytest-asyncio < 0.25 runs the test in another task than
        # the fixture, which would not see a context set here.
        await context.init(config=config(url), _enable_global_fallback=True)
        client = context.connections.get("default")
        dialect = client.capabilities.dialect
        await _drop_tables(client, dialect)
        await context.generate_schemas(safe=False)
        try:
            yield TortoiseDatabase(name, context)
        finally:
            await _drop_tables(context.connections.get("default"), dialect)
