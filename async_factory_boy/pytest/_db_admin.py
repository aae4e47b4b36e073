"""Creating and dropping whole test databases, one small function set per kind of server.

The per-worker database machinery (``_worker_db``) decides *which* database a worker uses;
this module only knows *how* to make one exist, copy one, or make one disappear:

* PostgreSQL: ``CREATE DATABASE`` (``TEMPLATE`` to copy a filled database, the fastest clone
  PostgreSQL has) and ``DROP DATABASE ... WITH (FORCE)``, from the maintenance database
  ``postgres`` in autocommit mode (neither statement runs inside a transaction);
* MariaDB / MySQL: ``CREATE DATABASE`` / ``DROP DATABASE`` from a connection with no default
  database (MariaDB has no template databases);
* SQLite: files;
* MongoDB: ``drop_database`` (a database exists once something is written to it).

Everything goes through the driver the user's URL names (SQLAlchemy's async engines, or
PyMongo), so no extra client is needed; each call opens and disposes its own engine on the
caller's loop, so nothing here is tied to the loop the tests run on.
"""

from __future__ import annotations

import pathlib
from typing import TYPE_CHECKING

from ..errors import WorkerDatabaseError

if TYPE_CHECKING:
    from sqlalchemy.engine import URL
    from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = [
    "TemplateUnavailable",
    "create_database",
    "database_exists",
    "drop_database",
    "get_comment",
    "kind_of",
    "set_comment",
    "sqlite_files",
]

#: The maintenance database PostgreSQL admin statements run from.
POSTGRES_MAINTENANCE_DB = "postgres"


class TemplateUnavailable(WorkerDatabaseError):
    """``CREATE DATABASE ... TEMPLATE`` was refused (the template had other connections).

    Caught by the per-worker set-up, which then creates the database and its schema itself.
    """


def kind_of(url: URL) -> str:
    """``"postgresql"``, ``"mysql"`` (MariaDB too), ``"sqlite"`` or another dialect name."""
    name = url.get_backend_name()
    return "mysql" if name == "mariadb" else name


def _quote(kind: str, name: str) -> str:
    if kind == "mysql":
        return "`" + name.replace("`", "``") + "`"
    return '"' + name.replace('"', '""') + '"'


def _admin_engine(url: URL) -> AsyncEngine:
    """An autocommit engine on the server of ``url``, outside the database it names."""
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    kind = kind_of(url)
    # URL.set() ignores None: _replace is how a URL loses its database.
    server = (
        url.set(database=POSTGRES_MAINTENANCE_DB)
        if kind == "postgresql"
        else url._replace(database=None)
    )
    return create_async_engine(server, poolclass=NullPool, isolation_level="AUTOCOMMIT")


async def _execute(url: URL, *statements: str) -> None:
    from sqlalchemy import text

    engine = _admin_engine(url)
    try:
        async with engine.connect() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def database_exists(url: URL) -> bool:
    """Whether the database ``url`` names exists (for SQLite: whether its file does)."""
    from sqlalchemy import text

    kind = kind_of(url)
    if kind == "sqlite":
        return _sqlite_exists(str(url.database or ""))
    if kind == "postgresql":
        query = "SELECT 1 FROM pg_database WHERE datname = :name"
    else:
        query = "SELECT 1 FROM information_schema.schemata WHERE schema_name = :name"
    engine = _admin_engine(url)
    try:
        async with engine.connect() as connection:
            found = await connection.execute(text(query), {"name": url.database})
            return found.first() is not None
    finally:
        await engine.dispose()


async def create_database(url: URL, template: str | None = None) -> None:
    """Create the (empty, or copied from ``template`` on PostgreSQL) database ``url`` names.

    Raises:
        TemplateUnavailable: PostgreSQL refused to copy ``template`` (it is in use).
    """
    kind = kind_of(url)
    name = str(url.database)
    if kind == "sqlite":
        pathlib.Path(name).parent.mkdir(parents=True, exist_ok=True)
        return
    statement = f"CREATE DATABASE {_quote(kind, name)}"
    if template is not None:
        statement += f" TEMPLATE {_quote(kind, template)}"
    try:
        await _execute(url, statement)
    except Exception as exc:
        if template is not None and "being accessed by other users" in str(exc):
            raise TemplateUnavailable(str(exc)) from exc
        raise


async def drop_database(url: URL) -> None:
    """Drop the database ``url`` names if it exists; connections still open are cut."""
    kind = kind_of(url)
    name = str(url.database)
    if kind == "sqlite":
        for path in sqlite_files(name):
            path.unlink(missing_ok=True)
        return
    statement = f"DROP DATABASE IF EXISTS {_quote(kind, name)}"
    if kind == "postgresql":
        statement += " WITH (FORCE)"
    await _execute(url, statement)


def _sqlite_exists(database: str) -> bool:
    return bool(database) and pathlib.Path(database).exists()


def sqlite_files(database: str) -> list[pathlib.Path]:
    """The file of a SQLite database and the journal files SQLite may leave next to it."""
    path = pathlib.Path(database)
    return [path, *(path.with_name(path.name + suffix) for suffix in ("-journal", "-wal", "-shm"))]


async def get_comment(url: URL) -> str | None:
    """The comment on a PostgreSQL database (which run made it), ``None`` if none."""
    from sqlalchemy import text

    engine = _admin_engine(url)
    try:
        async with engine.connect() as connection:
            found = await connection.execute(
                text(
                    "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                    "WHERE datname = :name"
                ),
                {"name": url.database},
            )
            value = found.scalar()
            return None if value is None else str(value)
    finally:
        await engine.dispose()


async def set_comment(url: URL, comment: str) -> None:
    """Write ``comment`` on the PostgreSQL database ``url`` names."""
    literal = "'" + comment.replace("'", "''") + "'"
    await _execute(
        url, f"COMMENT ON DATABASE {_quote('postgresql', str(url.database))} IS {literal}"
    )
