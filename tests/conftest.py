"""Fixtures shared by every test package: one private database per server and test run."""

from __future__ import annotations

import contextlib
import pathlib
from collections.abc import Iterator

import pytest

from tests import _servers

# pytester drives the plugin's tests (real pytest subprocess runs of small test modules).
pytest_plugins = ["pytester"]


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """Name of a fresh PostgreSQL database for this run (dropped at the end)."""
    name = _servers.unique_database_name()
    try:
        _servers.create_postgres_database(name)
    except Exception as exc:  # unreachable server, refused login, ...
        _servers.unavailable("PostgreSQL", exc)
    yield name
    _servers.drop_postgres_database(name)


@pytest.fixture(scope="session")
def mongo_uri() -> Iterator[str]:
    """The URI of this run's MongoDB server (``MONGO_URI``, or a SecantusDB started here).

    One server for the whole run, shared by the Mongo, persistence and seed tests.
    """
    from tests import _mongo_server

    with contextlib.ExitStack() as stack:
        try:
            uri = stack.enter_context(_mongo_server.mongo_server())
        except Exception as exc:
            _servers.unavailable("MongoDB (SecantusDB or MONGO_URI)", exc)
        yield uri


@pytest.fixture(scope="session")
def mariadb_database() -> Iterator[str]:
    """Name of a fresh MariaDB database for this run (dropped at the end)."""
    name = _servers.unique_database_name()
    try:
        _servers.create_mariadb_database(name)
    except Exception as exc:
        _servers.unavailable("MariaDB", exc)
    yield name
    _servers.drop_mariadb_database(name)


# SQLAlchemy async URLs, one per real database the SQL backends are tested on. A test that
# takes ``sql_url`` runs once per database; the single-database fixtures serve tests that are
# about one database only.
SQL_DATABASES = ["sqlite", "postgres-asyncpg", "postgres-psycopg", "mariadb"]


@pytest.fixture
def sqlite_url(tmp_path: pathlib.Path) -> str:
    """A SQLite file database through aiosqlite, private to the test."""
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def postgres_asyncpg_url(postgres_database: str) -> str:
    """This run's PostgreSQL database through asyncpg."""
    return _servers.postgres_url("asyncpg", postgres_database)


@pytest.fixture
def postgres_psycopg_url(postgres_database: str) -> str:
    """This run's PostgreSQL database through psycopg 3 (async)."""
    return _servers.postgres_url("psycopg", postgres_database)


@pytest.fixture
def mariadb_url(mariadb_database: str) -> str:
    """This run's MariaDB database through asyncmy."""
    return _servers.mariadb_url(mariadb_database)


@pytest.fixture(params=SQL_DATABASES)
def sql_url(request: pytest.FixtureRequest) -> str:
    """Each SQL database in turn: the test runs once per database."""
    fixture = {
        "sqlite": "sqlite_url",
        "postgres-asyncpg": "postgres_asyncpg_url",
        "postgres-psycopg": "postgres_psycopg_url",
        "mariadb": "mariadb_url",
    }[request.param]
    url: str = request.getfixturevalue(fixture)
    return url
