"""pytest-django support: rolled-back async tests (``async_db``) and a check for leaks.

Django runs the async ORM's queries in worker threads (``sync_to_async``), and each thread
has database connections of its own. pytest-django's ``db`` opens the test's transaction on
the main thread's connection only, so whatever an async test (or a model fixture, whose
``create_async`` goes through the same worker thread) writes is committed on another
connection and outlives the test. ``async_db`` makes every thread use the test's connections
for the duration of the test, as Django's ``LiveServerTestCase`` lends them to its server
thread: the factory data, the async ORM calls of the test and of the views it calls through
``async_client`` all join the test's transaction and are rolled back with it, without
``transaction=True`` (which truncates every table after each test).

This module is registered as a plugin only when pytest-django is active (it imports Django
lazily, inside the fixtures and hooks).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import pytest

__all__ = ["async_db", "django_database", "pytest_runtest_setup", "shared_connections"]

#: The fixture a Django factory's model fixture takes its database alias from.
DATABASE_FIXTURE = "django_database"
ROLLED_BACK_FIXTURE = "async_db"


@contextmanager
def shared_connections(handler: Any) -> Iterator[None]:
    """Let every thread use the connections the current thread holds in ``handler``.

    Django keeps a connection per thread in ``handler._connections`` (an asgiref ``Local``);
    for the block, that is replaced by one namespace holding the current thread's
    connections, marked shareable across threads. The async ORM's worker thread and the
    per-request threads of Django's ASGI handler then run their queries inside the test's
    transaction. Only one of them runs at a time in a test that awaits what it starts.
    """
    own = {alias: handler[alias] for alias in handler}
    for connection in own.values():
        connection.inc_thread_sharing()
    original = handler._connections
    handler._connections = SimpleNamespace(**own)
    try:
        yield
    finally:
        handler._connections = original
        for connection in own.values():
            connection.dec_thread_sharing()


@pytest.fixture
def async_db(db: None) -> Iterator[None]:
    """pytest-django's ``db`` for async tests and model fixtures: everything rolls back.

    The async ORM (``acreate``, ``aget``..., the factories' ``create_async``, async views
    called through ``async_client``) joins the test's transaction instead of committing on
    a worker thread's connection. Works for pytest-asyncio and anyio tests alike (it is a
    plain fixture) and for sync tests using model fixtures. Under ``transaction=True`` it
    changes nothing but the connections used, which pytest-django then flushes as usual.
    """
    from django.db import connections  # type: ignore[import-untyped]  # Django ships no type hints (django-stubs is not a dependency)

    with shared_connections(connections):
        yield


@pytest.fixture
def django_database(async_db: None) -> str:
    """The database alias Django model fixtures write to: ``'default'``, rolled back.

    Define a fixture of this name in a conftest to pick another alias (a fixture returning
    ``'replica'``); keep ``async_db`` among its arguments so the rows are rolled back.
    """
    return "default"


def _transactional(item: pytest.Item, names: list[str]) -> bool:
    if "transactional_db" in names or "live_server" in names:
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    transaction = marker.kwargs.get("transaction", marker.args[0] if marker.args else False)
    return bool(transaction)


def _django_fixtures(item: pytest.Item, names: list[str]) -> tuple[list[str], list[str]]:
    """The test's model fixtures and factory fixtures of Django factories (``register()``)."""
    info = getattr(item, "_fixtureinfo", None)
    definitions = {} if info is None else info.name2fixturedefs
    models: list[str] = []
    factories: list[str] = []
    for name in names:
        defs = definitions.get(name)
        function = defs[-1].func if defs else None
        registration = getattr(function, "_async_factory_boy_registration", None)
        if registration is not None:
            backend = getattr(registration.factory_class, "_backend", None)
            if getattr(backend, "name", None) == "django":
                models.append(name)
            continue
        registration = getattr(function, "_async_factory_boy_factory_of", None)
        backend = getattr(registration, "_backend", None)
        if getattr(backend, "name", None) == "django":
            factories.append(name)
    return models, factories


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Refuse a test whose Django factory fixtures would commit outside its transaction.

    That is a test on pytest-django's plain ``db`` (fixture or ``django_db`` mark) without
    ``async_db``, using a Django model fixture (created through the async ORM's worker
    thread), or, if the test is async, a Django factory fixture.
    """
    names: list[str] = list(getattr(item, "fixturenames", ()))
    if ROLLED_BACK_FIXTURE in names or _transactional(item, names):
        return
    if "db" not in names and item.get_closest_marker("django_db") is None:
        return
    models, factories = _django_fixtures(item, names)
    is_async = inspect.iscoroutinefunction(getattr(item, "obj", None))
    # A model fixture needs its factory fixture: name what the test asked for.
    used = models or (factories if is_async else [])
    if not used:
        return
    pytest.fail(
        f"async_factory_boy: {item.name} uses the Django factory fixture(s) "
        f"{', '.join(repr(name) for name in used)} on pytest-django's plain `db`: their rows "
        "would be written by the async ORM's worker thread on a connection of its own, "
        "committed outside the test's transaction, and would outlive the test. Use the "
        f"`{ROLLED_BACK_FIXTURE}` fixture (rolled back like `db`): make your "
        f"`{DATABASE_FIXTURE}` fixture take it as an argument, or mark the test "
        f"`@pytest.mark.usefixtures({ROLLED_BACK_FIXTURE!r})`; or use "
        "`@pytest.mark.django_db(transaction=True)`.",
        pytrace=False,
    )
