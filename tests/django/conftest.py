"""Fixtures of the Django backend's tests, and what keeps them out of the main test run.

These tests need Django settings, which the rest of the suite must never see, so they run
in pytest invocations of their own::

    AFB_DJANGO_DB=sqlite   pytest tests/django --ds=tests.django.settings
    AFB_DJANGO_DB=postgres pytest tests/django --ds=tests.django.settings

Any other run ignores this directory.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio

SETTINGS = "tests.django.settings"

if os.environ.get("DJANGO_SETTINGS_MODULE") != SETTINGS:
    collect_ignore_glob = ["*"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """Check the database server before pytest-django creates the test databases.

    PostgreSQL unreachable: skip on a laptop, fail under ``CI=true``.
    """
    from django.conf import settings

    from tests import _servers

    if settings.DATABASE != "postgres":
        return
    import psycopg

    try:
        psycopg.connect(
            host=_servers.POSTGRES_HOST,
            port=_servers.POSTGRES_PORT,
            user=_servers.POSTGRES_USER,
            dbname="postgres",
            connect_timeout=5,
        ).close()
    except Exception as exc:
        _servers.unavailable("PostgreSQL", exc)


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> Any:
    """Uploaded files of each test go to a private directory."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def _test_connections(db: None) -> dict[str, Any]:
    """The connections holding the test's transaction (those of the main thread, sync side).

    ``async_db`` (the plugin's, see ``async_factory_boy/pytest/_django.py``) lends them to
    the async ORM's threads.
    """
    from django.db import connections

    return {alias: connections[alias] for alias in connections}


@pytest_asyncio.fixture
async def async_transactional_db(transactional_db: None) -> AsyncIterator[None]:
    """``transactional_db`` for async tests: rows are really committed, then flushed.

    Closes the async ORM worker's connections at the end so that the test databases can be
    dropped when the run ends.
    """
    from asgiref.sync import sync_to_async
    from django.db import connections

    try:
        yield
    finally:
        await sync_to_async(connections.close_all)()


@pytest.fixture
def queries(_test_connections: dict[str, Any]) -> Iterator[Any]:
    """The SQL the test runs on the ``default`` database (``async_db`` tests only)."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(_test_connections["default"]) as captured:
        yield captured
