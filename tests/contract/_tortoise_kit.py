"""The Tortoise kit: ``TortoiseParent`` (unique name) and ``TortoiseChild`` (a ForeignKey).

Each kit opens a ``TortoiseContext`` of its own on the run's database (SQLite file,
PostgreSQL through asyncpg, MariaDB through asyncmy), with the two tables created and
dropped again. The call's connection is the ``default`` client; ``connect()`` opens a
separate client on the same database. Writes are read from Tortoise's own SQL log
(``tortoise.db_client`` at DEBUG): one INSERT statement is one write.
"""

from __future__ import annotations

import logging
import pathlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import factory
import pytest
from tortoise import fields
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.context import TortoiseContext
from tortoise.models import Model

from async_factory_boy.factory.tortoise import AsyncTortoiseModelFactory
from tests import _servers
from tests.contract._kits import Kit

_TABLES = {"contract_t_parent": "parent", "contract_t_child": "child"}


class TortoiseParent(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50, unique=True)

    class Meta:
        table = "contract_t_parent"


class TortoiseChild(Model):
    id = fields.IntField(primary_key=True)
    label = fields.CharField(max_length=50)
    parent: fields.ForeignKeyRelation[TortoiseParent] = fields.ForeignKeyField(
        "models.TortoiseParent", related_name="children"
    )

    class Meta:
        table = "contract_t_child"


class TortoiseParentFactory(AsyncTortoiseModelFactory[TortoiseParent]):
    class Meta:
        model = TortoiseParent

    name = factory.Sequence(lambda n: f"parent {n}")


class TortoiseChildFactory(AsyncTortoiseModelFactory[TortoiseChild]):
    class Meta:
        model = TortoiseChild

    label = factory.Sequence(lambda n: f"child {n}")
    parent = factory.SubFactory(TortoiseParentFactory)


class TortoiseParentByNameFactory(TortoiseParentFactory):
    class Meta:
        tortoise_get_or_create = ("name",)


def tortoise_url(database: str, request: pytest.FixtureRequest) -> str:
    """The run's database ``database`` ("sqlite", "postgres", "mariadb") as a Tortoise URL."""
    if database == "sqlite":
        tmp_path: pathlib.Path = request.getfixturevalue("tmp_path")
        return f"sqlite://{tmp_path / 'contract.db'}"
    if database == "postgres":
        name = request.getfixturevalue("postgres_database")
        host = f"{_servers.POSTGRES_HOST}:{_servers.POSTGRES_PORT}"
        return f"postgres://{_servers.POSTGRES_USER}@{host}/{name}"
    name = request.getfixturevalue("mariadb_database")
    host = f"{_servers.MARIADB_HOST}:{_servers.MARIADB_PORT}"
    return f"mysql://{_servers.MARIADB_USER}:@{host}/{name}"


class _InsertLog(logging.Handler):
    """The model ("parent" / "child") of every INSERT statement Tortoise sends."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.writes: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        query = record.args[0] if isinstance(record.args, tuple) and record.args else None
        if not isinstance(query, str) or not query.lstrip().upper().startswith("INSERT"):
            return
        for table, model in _TABLES.items():
            if f"{table}`" in query or f'{table}"' in query:
                self.writes.append(model)


async def _drop(client: Any) -> None:
    for table in ("contract_t_child", "contract_t_parent"):
        await client.execute_script(f"DROP TABLE IF EXISTS {table}")


@asynccontextmanager
async def tortoise_kit(name: str, url: str) -> AsyncIterator[Kit]:
    """The Tortoise factory backend on ``url``."""
    EXECUTOR_CACHE.clear()  # Tortoise caches INSERT SQL per (connection name, table)
    logger = logging.getLogger("tortoise.db_client")
    log = _InsertLog()
    async with TortoiseContext() as context:
        # The global fallback: pytest-asyncio < 0.25 runs the test in another task than the
        # fixture, which would not see a context set here.
        await context.init(db_url=url, modules={"models": [__name__]}, _enable_global_fallback=True)
        default = context.connections.get("default")
        await _drop(default)
        await context.generate_schemas(safe=False)
        level = logger.level
        logger.setLevel(logging.DEBUG)
        logger.addHandler(log)

        @asynccontextmanager
        async def connect() -> AsyncIterator[dict[str, Any]]:
            # A client of its own (its own connection, or pool), as another process would.
            other = context.connections._create_connection("default")
            try:
                yield {"tortoise_connection": other}
            finally:
                await other.close()

        async def count(model: str, conn: dict[str, Any] | None = None) -> int:
            client = default if conn is None else conn["tortoise_connection"]
            table = {"parent": TortoiseParent, "child": TortoiseChild}[model]
            return int(await table.all().using_db(client).count())

        try:
            yield Kit(
                name=name,
                parent=TortoiseParentFactory,
                child=TortoiseChildFactory,
                parent_by_name=TortoiseParentByNameFactory,
                conn={"tortoise_connection": default},
                connect=connect,
                count=count,
                wrong_connection=lambda: {"tortoise_connection": object()},
                log=log.writes,
                unsupported={
                    "missing_connection": (
                        "tortoise_connection= is optional: without it the model's default "
                        "connection is used once Tortoise is initialised (before that, "
                        "TortoiseNotInitialisedError, a MissingSessionError: "
                        "tests/tortoise/test_errors.py)"
                    ),
                    "batch_one_write": (
                        "Tortoise refuses an unsaved object as a ForeignKey value, and has "
                        "no hook to write on demand when a declaration reads a key: a "
                        "batch's SubFactory objects are saved one by one, its top-level "
                        "objects go in one INSERT per model (tests/tortoise/test_batch.py)"
                    ),
                },
            )
        finally:
            logger.removeHandler(log)
            logger.setLevel(level)
            await _drop(context.connections.get("default"))
