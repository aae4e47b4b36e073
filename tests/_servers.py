"""Reaching the test database servers, with one private database per test run.

Each pytest run creates its own database on PostgreSQL and MariaDB (``afb_<pid>_<random>``)
and drops it at the end, so parallel runs on one machine never see each other's tables.
A server that cannot be reached skips its tests on a developer laptop, but under CI
(``CI=true``) a missing server is a failure: a green run must mean every backend was tested.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Awaitable, Callable

import pytest

POSTGRES_HOST = os.environ.get("POSTGRES_HOST", "127.0.0.1")
POSTGRES_PORT = int(os.environ.get("POSTGRES_PORT", "5432"))
POSTGRES_USER = os.environ.get("POSTGRES_USER", "postgres")
MARIADB_HOST = os.environ.get("MARIADB_HOST", "127.0.0.1")
MARIADB_PORT = int(os.environ.get("MARIADB_PORT", "3306"))
MARIADB_USER = os.environ.get("MARIADB_USER", "root")


def in_ci() -> bool:
    """Whether the suite runs under CI, where every server must be there."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(server: str, reason: BaseException | str) -> None:
    """Skip (laptop) or fail (CI) because ``server`` cannot be reached."""
    message = f"{server} is not reachable: {reason}"
    if in_ci():
        pytest.fail(f"{message} (CI=true: a missing server is a failure, not a skip)")
    pytest.skip(message)


def unique_database_name() -> str:
    """A database name no other concurrent test run uses."""
    return f"afb_{os.getpid()}_{secrets.token_hex(3)}"


def run(coro_factory: Callable[[], Awaitable[None]]) -> None:
    """Run a setup coroutine on a private loop (session setup is outside any test loop)."""

    async def main() -> None:
        await asyncio.wait_for(coro_factory(), timeout=30)

    asyncio.run(main())


async def _postgres_admin(statement: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(
        host=POSTGRES_HOST, port=POSTGRES_PORT, user=POSTGRES_USER, database="test"
    )
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


async def _mariadb_admin(statement: str) -> None:
    import asyncmy

    conn = await asyncmy.connect(
        host=MARIADB_HOST, port=MARIADB_PORT, user=MARIADB_USER, password="", database="test"
    )
    try:
        async with conn.cursor() as cursor:
            await cursor.execute(statement)
        await conn.commit()
    finally:
        conn.close()


def create_postgres_database(name: str) -> None:
    run(lambda: _postgres_admin(f'CREATE DATABASE "{name}"'))


def drop_postgres_database(name: str) -> None:
    run(lambda: _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def create_mariadb_database(name: str) -> None:
    run(lambda: _mariadb_admin(f"CREATE DATABASE `{name}`"))


def drop_mariadb_database(name: str) -> None:
    run(lambda: _mariadb_admin(f"DROP DATABASE IF EXISTS `{name}`"))


def postgres_url(driver: str, database: str) -> str:
    """A SQLAlchemy URL for ``database``; ``driver`` is ``asyncpg`` or ``psycopg``."""
    return f"postgresql+{driver}://{POSTGRES_USER}@{POSTGRES_HOST}:{POSTGRES_PORT}/{database}"


def mariadb_url(database: str) -> str:
    """A SQLAlchemy URL for ``database`` on MariaDB through asyncmy."""
    return f"mysql+asyncmy://{MARIADB_USER}:@{MARIADB_HOST}:{MARIADB_PORT}/{database}"
