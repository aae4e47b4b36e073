"""The seed command's writer for Tortoise ORM factories.

A Tortoise factory is seeded through the same ``--url`` as a SQLAlchemy one (a SQLAlchemy
async URL: ``sqlite+aiosqlite:///./seed.db``, ``postgresql+asyncpg://...``,
``mysql+asyncmy://...``), translated to Tortoise's form. Tortoise is initialised with the
modules of the factories' models as the app ``models`` (the label Tortoise's own docs use,
and the one ``ForeignKeyField("models.Company")`` strings name). Each batch is one
``create_batch_async`` inside ``in_transaction()``: the factory's own batch path (one
multi-row INSERT per model where that is equivalent), committed or rolled back as a whole,
with the batch's progress record written in that same transaction.
"""

from __future__ import annotations

import asyncio
import datetime
from collections import Counter
from typing import Any

from ..._factory import AsyncFactory
from ..._seeding import PROGRESS_TABLE as TABLE
from ..._seeding import BatchWrite, SeedError, one_line
from ..._seeding import SeedTarget as Target
from ..._types import Instance
from ._factory import AsyncTortoiseModelFactory

__all__ = ["TortoiseWriter", "tortoise_url"]

CONNECT_TIMEOUT = 10.0
#: The Tortoise app the factories' model modules are registered under.
APP = "models"

# SQLAlchemy dialect (the part before "+") -> Tortoise scheme, per async driver.
_SCHEMES = {
    ("sqlite", "aiosqlite"): "sqlite",
    ("sqlite", ""): "sqlite",
    ("postgresql", "asyncpg"): "asyncpg",
    ("postgresql", "psycopg"): "psycopg",
    ("postgresql", ""): "asyncpg",
    ("mysql", "asyncmy"): "mysql",
    ("mysql", ""): "mysql",
    ("mariadb", "asyncmy"): "mysql",
    ("mariadb", ""): "mysql",
}


def tortoise_url(url: str) -> str:
    """The Tortoise ``db_url`` for a SQLAlchemy async URL (``SeedError`` if it has none)."""
    scheme, sep, rest = url.partition("://")
    dialect, _, driver = scheme.partition("+")
    tortoise_scheme = _SCHEMES.get((dialect, driver))
    if not sep or tortoise_scheme is None:
        raise SeedError(
            f"Tortoise factories are seeded into SQLite, PostgreSQL or MySQL/MariaDB; the URL's "
            f"scheme {scheme!r} has no Tortoise counterpart (use sqlite+aiosqlite://, "
            "postgresql+asyncpg:// or mysql+asyncmy://)."
        )
    if tortoise_scheme == "sqlite":
        # sqlite+aiosqlite:///relative.db and :////absolute.db: Tortoise takes the path.
        path = rest[1:] if rest.startswith("/") else rest
        return f"sqlite://{path or ':memory:'}"
    return f"{tortoise_scheme}://{rest}"


def _graph_counts(objects: list[Instance]) -> Counter[str]:
    """Rows per table of ``objects`` and every model they reference (each counted once)."""
    from tortoise.models import Model

    seen: set[int] = set()
    counts: Counter[str] = Counter()
    pending = list(objects)
    while pending:
        obj = pending.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        meta = obj._meta
        counts[meta.db_table] += 1
        for name in (*meta.fk_fields, *meta.o2o_fields):
            related = obj.__dict__.get(f"_{name}")
            if isinstance(related, Model):
                pending.append(related)
    return counts


class TortoiseWriter:
    """Writes batches of Tortoise factory objects through ``Tortoise.init``."""

    def __init__(self, target: Target, copy: bool = True) -> None:
        del copy  # COPY is PostgreSQL's (the SQL writer's); nothing to choose here
        self._target = target
        self._modules: list[str] = []
        self._connected = False

    def check_factory(self, path: str, factory: type[AsyncFactory[Any]]) -> None:
        """Only Tortoise factories; remember their models' modules for ``Tortoise.init``."""
        if not issubclass(factory, AsyncTortoiseModelFactory):
            raise SeedError(
                f"{path} is not a Tortoise factory: one seed run writes either Tortoise or "
                "SQLAlchemy factories, not both. Nothing was written."
            )
        module = factory._meta.get_model_class().__module__  # type: ignore[no-untyped-call]  # factory_boy's method is unannotated
        if module not in self._modules:
            self._modules.append(module)

    async def connect(self) -> None:
        """Initialise Tortoise on the URL; bad URLs and dead servers fail here."""
        from tortoise import Tortoise

        db_url = tortoise_url(self._target.url)
        try:
            # Not under wait_for: that would run init in a task of its own, whose context
            # (where Tortoise keeps its state) this task never sees. The global fallback keeps
            # the state visible to every task of the run.
            await Tortoise.init(
                db_url=db_url, modules={APP: self._modules}, _enable_global_fallback=True
            )
            connection = Tortoise.get_connection("default")
            await asyncio.wait_for(connection.execute_query("SELECT 1"), CONNECT_TIMEOUT)
        except Exception as exc:
            await self.close()
            raise SeedError(
                f"cannot connect to {self._target.display}: {one_line(exc)}", cause=exc
            ) from None
        self._connected = True

    async def create_tables(self, factories: list[type[AsyncFactory[Any]]]) -> None:
        """Tortoise's ``generate_schemas`` (existing tables stay)."""
        from tortoise import Tortoise

        await Tortoise.generate_schemas(safe=True)

    async def prepare_progress(self) -> None:
        """Create the progress table if it is missing (plain SQL: no Tortoise model)."""
        from tortoise import Tortoise

        connection = Tortoise.get_connection("default")
        stamp = "DATETIME" if connection.capabilities.dialect == "mysql" else "TIMESTAMP"
        await connection.execute_script(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (run_id VARCHAR(200) NOT NULL, "
            "factory VARCHAR(300) NOT NULL, batch INTEGER NOT NULL, batches INTEGER NOT NULL, "
            f"row_count BIGINT NOT NULL, finished_at {stamp} NOT NULL, "
            "PRIMARY KEY (run_id, factory, batch))"
        )

    async def finished_batches(self, run_id: str) -> set[tuple[str, int]]:
        """(factory, batch) of the batches of ``run_id`` already committed."""
        rows = await self._query(
            f"SELECT factory, batch FROM {TABLE} WHERE run_id = {_literal(run_id)}"
        )
        return {(str(row[0]), int(row[1])) for row in rows}

    async def read_progress(self, run_id: str | None) -> list[tuple[str, str, int, int]] | None:
        """Every progress record (of ``run_id``) for ``seed status``."""
        where = "" if run_id is None else f" WHERE run_id = {_literal(run_id)}"
        rows = await self._query(f"SELECT run_id, factory, batches, row_count FROM {TABLE}{where}")
        return [(str(r[0]), str(r[1]), int(r[2]), int(r[3])) for r in rows]

    async def write_batch(self, batch: BatchWrite) -> Counter[str]:
        """Make the batch's objects and its record in one transaction; rows per table."""
        from tortoise.transactions import in_transaction

        record = batch.record
        async with in_transaction() as connection:
            objects = await batch.factory.create_batch_async(
                batch.size, tortoise_connection=connection
            )
            counts = _graph_counts(objects)
            batch.check()
            now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
            values = ", ".join(
                [
                    _literal(record.run_id),
                    _literal(record.factory),
                    str(record.batch),
                    str(record.batches),
                    str(sum(counts.values())),
                    _literal(now),
                ]
            )
            await connection.execute_script(
                f"INSERT INTO {TABLE} (run_id, factory, batch, batches, row_count, finished_at) "
                f"VALUES ({values})"
            )
        return counts

    async def _query(self, sql: str) -> list[Any]:
        from tortoise import Tortoise

        _, rows = await Tortoise.get_connection("default").execute_query(sql)
        return [tuple(row.values()) if isinstance(row, dict) else tuple(row) for row in rows]

    async def close(self) -> None:
        from tortoise import Tortoise

        await Tortoise.close_connections()
        self._connected = False


def _literal(text: str) -> str:
    """``text`` as a SQL string literal. Run ids and factory paths are checked to be plain
    names first; quotes are doubled all the same."""
    return "'" + text.replace("'", "''") + "'"
