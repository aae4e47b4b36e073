"""Fixtures shared by every test package: one private database per server and test run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests import _servers


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
def mariadb_database() -> Iterator[str]:
    """Name of a fresh MariaDB database for this run (dropped at the end)."""
    name = _servers.unique_database_name()
    try:
        _servers.create_mariadb_database(name)
    except Exception as exc:
        _servers.unavailable("MariaDB", exc)
    yield name
    _servers.drop_mariadb_database(name)
