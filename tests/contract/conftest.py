"""The ``kit`` fixture: every contract test runs once per backend, database, driver and handler.

The main pytest run gets the SQLAlchemy factory on SQLite (aiosqlite), PostgreSQL (asyncpg,
psycopg) and MariaDB (asyncmy), the Mongo factory on PyMongo's AsyncMongoClient and Motor,
and the handlers ``MemoryPersistence``, ``SQLAlchemyPersistence`` (each SQL database) and
``MongoPersistence`` (each driver) through a plain ``AsyncFactory``, and the Tortoise factory
on SQLite, PostgreSQL (asyncpg) and MariaDB (asyncmy). The Django invocations
(``--ds=tests.django.settings``, see the Makefile) get the Django kit instead: Django
settings must never leak into the main run, and the main run's kits do not need Django.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest
import pytest_asyncio

import tests.backends
from tests.contract import _kits

DJANGO = _kits.DJANGO

_SQL_URLS = {
    "sqlite": ("sqlite_url", pytest.mark.sqlite),
    "postgres-asyncpg": ("postgres_asyncpg_url", pytest.mark.postgres),
    "postgres-psycopg": ("postgres_psycopg_url", pytest.mark.postgres),
    "mariadb": ("mariadb_url", pytest.mark.mariadb),
}


def _sql(
    handler: bool,
) -> Callable[[pytest.FixtureRequest, str], AbstractAsyncContextManager[_kits.Kit]]:
    def open_kit(
        request: pytest.FixtureRequest, name: str
    ) -> AbstractAsyncContextManager[_kits.Kit]:
        database = name.split(":", 1)[1]
        url: str = request.getfixturevalue(_SQL_URLS[database][0])
        return _kits.sql_kit(name, url, handler=handler)

    return open_kit


def _mongo(
    handler: bool,
) -> Callable[[pytest.FixtureRequest, str], AbstractAsyncContextManager[_kits.Kit]]:
    def open_kit(
        request: pytest.FixtureRequest, name: str
    ) -> AbstractAsyncContextManager[_kits.Kit]:
        uri: str = request.getfixturevalue("mongo_uri")
        return _kits.mongo_kit(name, uri, name.split(":", 1)[1], handler=handler)

    return open_kit


def _odm(request: pytest.FixtureRequest, name: str) -> AbstractAsyncContextManager[_kits.Kit]:
    from tests.contract import _odm_kits

    uri: str = request.getfixturevalue("mongo_uri")
    opener = _odm_kits.beanie_kit if name.startswith("beanie") else _odm_kits.odmantic_kit
    return opener(name, uri)


def _tortoise(request: pytest.FixtureRequest, name: str) -> AbstractAsyncContextManager[_kits.Kit]:
    from tests.contract import _tortoise_kit

    url = _tortoise_kit.tortoise_url(name.split(":", 1)[1], request)
    return _tortoise_kit.tortoise_kit(name, url)


def _memory(request: pytest.FixtureRequest, name: str) -> AbstractAsyncContextManager[_kits.Kit]:
    return _kits.memory_kit()


def _django(request: pytest.FixtureRequest, name: str) -> AbstractAsyncContextManager[_kits.Kit]:
    from tests.contract import _django_kit

    return _django_kit.django_kit(request.getfixturevalue("queries"))


_OPENERS: dict[str, Any] = {}
_PARAMS: list[Any] = []
if DJANGO:
    # ``async_db`` is the plugin's own (async_factory_boy/pytest/_django.py).
    from tests.django.conftest import (  # noqa: F401 - fixtures the Django kit uses
        _test_connections,
        django_db_modify_db_settings,
        queries,
    )

    _OPENERS["django"] = _django
    _PARAMS.append(pytest.param("django", id="django"))
else:
    for database, (_, mark) in _SQL_URLS.items():
        for kind, opener in (("sqlalchemy", _sql(False)), ("sqlalchemy-persistence", _sql(True))):
            name = f"{kind}:{database}"
            _OPENERS[name] = opener
            _PARAMS.append(pytest.param(name, id=name, marks=mark))
    for driver in ("pymongo", "motor"):
        for kind, opener in (("mongo", _mongo(False)), ("mongo-persistence", _mongo(True))):
            name = f"{kind}:{driver}"
            _OPENERS[name] = opener
            _PARAMS.append(pytest.param(name, id=name, marks=pytest.mark.mongo))
    for database, mark in (
        ("sqlite", pytest.mark.sqlite),
        ("postgres", pytest.mark.postgres),
        ("mariadb", pytest.mark.mariadb),
    ):
        _OPENERS[f"tortoise:{database}"] = _tortoise
        _PARAMS.append(pytest.param(f"tortoise:{database}", id=f"tortoise:{database}", marks=mark))
    _OPENERS["memory"] = _memory
    _PARAMS.append(pytest.param("memory", id="memory"))
    for name in ("beanie:pymongo", "odmantic:motor"):
        _OPENERS[name] = _odm
        _PARAMS.append(pytest.param(name, id=name, marks=pytest.mark.mongo))
    # Backends written in the test tree, one module each: every module of tests/backends
    # that names kits in ``KITS`` opens them with its ``open_kit(request, name)``.
    for info in pkgutil.iter_modules(tests.backends.__path__):
        module = importlib.import_module(f"tests.backends.{info.name}")
        for name in getattr(module, "KITS", ()):
            _OPENERS[name] = module.open_kit
            _PARAMS.append(pytest.param(name, id=name))


@pytest.fixture(params=_PARAMS)
def kit_opener(request: pytest.FixtureRequest) -> AbstractAsyncContextManager[_kits.Kit]:
    """The kit of one parameter, not yet opened.

    A sync fixture: the session-wide server fixtures it reaches (``postgres_database``, ...)
    run their own set-up loop, which cannot start inside the test's running loop.
    """
    name: str = request.param
    opener: AbstractAsyncContextManager[_kits.Kit] = _OPENERS[name](request, name)
    return opener


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "requires(*names): named requirements of a contract test (_requirements.py)"
    )


@pytest_asyncio.fixture
async def kit(
    kit_opener: AbstractAsyncContextManager[_kits.Kit], request: pytest.FixtureRequest
) -> AsyncIterator[_kits.Kit]:
    """One backend kit per parameter (see the module docstring), open for the test; the
    test is skipped (with the kit's reason) where the kit lacks one of its requirements."""
    async with kit_opener as opened:
        for marker in request.node.iter_markers("requires"):
            for name in marker.args:
                opened.require(request, name)
        yield opened
