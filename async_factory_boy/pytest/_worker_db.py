"""A test database per pytest-xdist worker, named once, with its schema, dropped at the end.

Two workers sharing one database see each other's committed rows and collide on unique
values (each worker's sequences restart at 0), so each worker gets a database of its own.
The user names the test database once (the ini option ``factory_db_url``, the environment
variable ``FACTORY_DB_URL``, which wins, or an override of the ``factory_db_url`` fixture)
and how its schema is made (the ini option ``factory_db_metadata`` naming a ``MetaData``,
or an override of the ``factory_db_schema`` fixture: a ``MetaData`` or an async function of
an engine, e.g. an Alembic upgrade); the plugin does the rest, with no per-worker code:

=============  ==========================================================================
run            database used (``myapp_test`` is the name the URL gives)
=============  ==========================================================================
no xdist       ``myapp_test`` itself (worker "master")
``-n 2``       ``myapp_test_gw0``, ``myapp_test_gw1``; on PostgreSQL copied with
               ``CREATE DATABASE ... TEMPLATE myapp_test``, the template being made once
               per run, with its schema, by the first worker (an advisory lock orders
               them); elsewhere, or when the template is in use, created and given the
               schema per worker. SQLite: ``myapp_test_gw0.db`` next to ``myapp_test.db``;
               MongoDB: the database ``myapp_test_gw0``.
=============  ==========================================================================

Every database the run made is dropped at its end (the template by the xdist controller,
once the workers are done), unless ``--reuse-test-db`` keeps them for the next run, which
then uses them as they are; ``--create-test-db`` makes them afresh even so. A leftover
database of the same name is dropped before the run makes its own, so the URL must name a
database meant for tests: its name must contain ``test``.

The fixtures are session-scoped and sync, so they run under pytest-asyncio and anyio
alike: ``worker_database`` (a :class:`WorkerDatabase`), ``db_engine`` (an ``AsyncEngine``
on it, one per session: the fast set-up). Nothing is imported and nothing is connected
unless a test asks for them.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib
import inspect
import logging
import os
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from urllib.parse import urlsplit, urlunsplit

import pytest

if TYPE_CHECKING:
    from sqlalchemy.engine import URL
    from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = [
    "ENV_URL",
    "INI_METADATA",
    "INI_URL",
    "SchemaHook",
    "WorkerDatabase",
    "add_options",
    "db_engine",
    "factory_db_schema",
    "factory_db_url",
    "worker_database",
    "worker_id",
    "worker_url",
]

logger = logging.getLogger("async_factory_boy")

INI_URL = "factory_db_url"
INI_METADATA = "factory_db_metadata"
ENV_URL = "FACTORY_DB_URL"
REUSE_OPTION = "--reuse-test-db"
CREATE_OPTION = "--create-test-db"

#: What a worker tells the xdist controller: the template databases it may have to drop.
_WORKER_OUTPUT_KEY = "async_factory_boy_templates"
_TEMPLATES = pytest.StashKey[set[str]]()
#: The comment marking a PostgreSQL template as made by this plugin, for one run.
_MARK = "async_factory_boy template"

#: The schema step: given an engine on the new, empty database, create the tables.
SchemaHook = Callable[["AsyncEngine"], Awaitable[None]]

T = TypeVar("T")


@dataclass(frozen=True)
class WorkerDatabase:
    """The database this pytest process (xdist worker, or the only process) tests on.

    Attributes:
        url: its URL, password included (what ``create_async_engine`` or PyMongo takes).
        name: the database name (for SQLite: the file path).
        worker: the xdist worker id (``"gw0"``...) or ``"master"`` without xdist.
        template: the PostgreSQL database it was copied from, or ``None``.
        created: whether this run made it (``False``: reused with ``--reuse-test-db``).
        keep: whether it is kept at the end (``--reuse-test-db``).
    """

    url: str
    name: str
    worker: str
    template: str | None
    created: bool
    keep: bool


# -- options ---------------------------------------------------------------------------------


def add_options(parser: pytest.Parser) -> None:
    """The ini options and command-line flags of the per-worker databases."""
    parser.addini(
        INI_URL,
        "URL of the test database (SQLAlchemy async URL, or mongodb://.../name); each "
        f"xdist worker tests on a copy named <name>_<worker>. {ENV_URL} overrides it.",
        default="",
    )
    parser.addini(
        INI_METADATA,
        "the SQLAlchemy MetaData whose create_all makes the test database's schema, as "
        "'package.module:attribute' (e.g. myapp.models:Base.metadata).",
        default="",
    )
    group = parser.getgroup("async_factory_boy")
    group.addoption(
        REUSE_OPTION,
        action="store_true",
        default=False,
        help="keep the test databases at the end and use them as they are in the next run.",
    )
    group.addoption(
        CREATE_OPTION,
        action="store_true",
        default=False,
        help="make the test databases afresh, even with --reuse-test-db.",
    )


def worker_id(config: pytest.Config) -> str:
    """The xdist worker id of this process (``"gw0"``...), or ``"master"`` without xdist.

    Read from the config xdist gives its workers, never from ``PYTEST_XDIST_WORKER``: a pytest
    run started inside a worker (pytester, a subprocess) inherits that variable but is not
    the worker, and must test on its own database.
    """
    workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
    if workerinput is not None:
        return str(workerinput["workerid"])
    return "master"


def _run_id(config: pytest.Config) -> str:
    workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
    if workerinput is not None:
        return str(workerinput.get("testrunuid", ""))
    return ""


def configured_url(config: pytest.Config) -> str | None:
    """The test database URL of the environment variable, else of the ini option."""
    value = os.environ.get(ENV_URL) or str(config.getini(INI_URL) or "").strip()
    return value or None


def worker_url(base_url: str, worker: str) -> str:
    """The URL of ``worker``'s database: ``base_url`` itself for ``"master"``.

    ``<name>_<worker>`` on database servers, ``<stem>_<worker><suffix>`` for a SQLite file.
    """
    if worker == "master":
        return base_url
    if _is_mongo(base_url):
        parts = urlsplit(base_url)
        return urlunsplit(parts._replace(path=f"/{_mongo_name(base_url)}_{worker}"))
    from sqlalchemy.engine import make_url

    url = make_url(base_url)
    name = str(url.database or "")
    if url.get_backend_name() == "sqlite":
        stem, dot, suffix = name.rpartition(".")
        name = f"{stem}_{worker}.{suffix}" if dot and "/" not in suffix else f"{name}_{worker}"
    else:
        name = f"{name}_{worker}"
    return url.set(database=name).render_as_string(hide_password=False)


# -- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def factory_db_url(pytestconfig: pytest.Config) -> str:
    """The test database URL: ``FACTORY_DB_URL``, else the ini option ``factory_db_url``.

    Override it in a conftest to compute the URL; each xdist worker then tests on a copy
    named after it (see ``worker_database``).
    """
    url = configured_url(pytestconfig)
    if url is None:
        from ..errors import WorkerDatabaseError

        raise WorkerDatabaseError(
            "db_engine / worker_database: no test database is configured; set the ini "
            f"option {INI_URL} (e.g. {INI_URL} = postgresql+asyncpg://localhost/myapp_test), "
            f"the environment variable {ENV_URL}, or override the factory_db_url fixture."
        )
    return url


@pytest.fixture(scope="session")
def factory_db_schema(pytestconfig: pytest.Config) -> object:
    """How a new test database gets its schema: a ``MetaData``, an async hook, or ``None``.

    Default: the ``MetaData`` the ini option ``factory_db_metadata`` names (its
    ``create_all``), else nothing. Override it to return ``Base.metadata`` or an
    ``async def`` taking the new database's ``AsyncEngine`` (an Alembic upgrade).
    """
    spec = str(pytestconfig.getini(INI_METADATA) or "").strip()
    return _import_object(spec) if spec else None


@pytest.fixture(scope="session")
def worker_database(
    pytestconfig: pytest.Config, factory_db_url: str, factory_db_schema: object
) -> Iterator[WorkerDatabase]:
    """This worker's test database, made with its schema, dropped at the end of the session."""
    config = pytestconfig
    worker = worker_id(config)
    keep = bool(config.getoption(REUSE_OPTION))
    fresh = bool(config.getoption(CREATE_OPTION))
    hook = _schema_hook(factory_db_schema)
    _check_name(factory_db_url)
    url = worker_url(factory_db_url, worker)
    if _is_mongo(url):
        made = _run(lambda: _set_up_mongo(url, worker, keep and not fresh))
    else:
        made = _run(
            lambda: _set_up_sql(config, factory_db_url, url, worker, hook, reuse=keep and not fresh)
        )
    database = WorkerDatabase(
        url=made.url,
        name=made.name,
        worker=worker,
        template=made.template,
        created=made.created,
        keep=keep,
    )
    logger.debug(
        "test database %s (worker %s, created %s)", database.name, worker, database.created
    )
    yield database
    if keep:
        return
    if _is_mongo(url):
        _run(lambda: _drop_mongo(url))
    else:
        from sqlalchemy.engine import make_url

        from ._db_admin import drop_database

        _run(lambda: drop_database(make_url(url)))


@pytest.fixture(scope="session")
def db_engine(worker_database: WorkerDatabase) -> Iterator[AsyncEngine]:
    """An ``AsyncEngine`` on this worker's test database, one for the whole session.

    The engine's connections belong to the event loop of the tests that use them, so the
    tests run on a session-wide loop (pytest-asyncio ``loop_scope="session"``, or anyio
    with a session-scoped ``anyio_backend``). They are closed on that loop: at the end of
    the session if it is still open, else when it shuts down (``_close_with_loop``).
    """
    from sqlalchemy import event
    from sqlalchemy.ext.asyncio import create_async_engine

    if _is_mongo(worker_database.url):
        from ..errors import WorkerDatabaseError

        raise WorkerDatabaseError(
            f"db_engine: the test database {worker_database.name!r} is a MongoDB database; "
            "db_engine is a SQLAlchemy engine. Use worker_database.url and "
            "worker_database.name with your Mongo client instead."
        )
    engine = create_async_engine(worker_database.url)
    guards: dict[asyncio.AbstractEventLoop, AsyncIterator[None]] = {}

    @event.listens_for(engine.sync_engine, "connect")
    def remember_loop(dbapi_connection: object, record: object) -> None:
        with contextlib.suppress(RuntimeError):
            loop = asyncio.get_running_loop()
            if loop not in guards:
                guards[loop] = _close_with_loop(engine, loop)

    yield engine
    for loop in guards:
        if not loop.is_closed() and not loop.is_running():
            loop.run_until_complete(engine.dispose())
    if not guards:
        engine.sync_engine.dispose()


def _close_with_loop(engine: AsyncEngine, loop: asyncio.AbstractEventLoop) -> AsyncIterator[None]:
    """An async generator on ``loop`` that disposes ``engine`` when the loop shuts down.

    The runners of pytest-asyncio and anyio (``asyncio.Runner``, ``asyncio.run``) close
    every async generator still open on their loop before closing it, so the engine's
    connections are closed on their own loop even when that loop ends before this fixture
    is torn down (pytest tears session fixtures down in an order it chooses).
    """

    async def guard() -> AsyncIterator[None]:
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                await engine.dispose()

    generator = guard()
    # Its first step, started here while ``loop`` runs, registers it with that loop.
    loop.create_task(_start(generator))
    return generator


async def _start(generator: AsyncIterator[None]) -> None:
    await generator.__anext__()


# -- set-up ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Made:
    url: str
    name: str
    template: str | None
    created: bool


async def _set_up_sql(
    config: pytest.Config,
    base_url: str,
    url_text: str,
    worker: str,
    hook: SchemaHook | None,
    *,
    reuse: bool,
) -> _Made:
    from sqlalchemy.engine import make_url

    from ._db_admin import (
        TemplateUnavailable,
        create_database,
        database_exists,
        drop_database,
        kind_of,
    )

    url = make_url(url_text)
    base = make_url(base_url)
    name = str(url.database)
    try:
        if reuse and await database_exists(url):
            return _Made(url_text, name, None, created=False)
        await drop_database(url)
        template = None
        if worker != "master" and kind_of(url) == "postgresql":
            template = str(base.database)
            await _ensure_template(config, base, hook, reuse=reuse)
            try:
                await create_database(url, template=template)
            except TemplateUnavailable as exc:
                logger.debug("template %s unavailable (%s): schema per worker", template, exc)
                template = None
        if template is None:
            await create_database(url)
            await _make_schema(url, hook)
    except Exception as exc:
        from ..errors import WorkerDatabaseError

        if isinstance(exc, WorkerDatabaseError):
            raise
        raise WorkerDatabaseError(
            f"worker_database: could not create the test database {name!r} for worker "
            f"{worker!r} from {url.render_as_string(hide_password=True)} "
            f"({type(exc).__name__}: {exc}); check that the server is up and the URL's user "
            "may create databases."
        ) from exc
    return _Made(url_text, name, template, created=True)


async def _ensure_template(
    config: pytest.Config, base: URL, hook: SchemaHook | None, *, reuse: bool
) -> None:
    """Make the PostgreSQL template ``base`` names, once per run, under an advisory lock.

    The first worker to take the lock drops any older copy, creates the database, makes its
    schema and marks it with this run's id; the others find the mark and copy it. With
    ``--reuse-test-db`` a template left marked by an earlier run is used as it is.
    """
    from sqlalchemy import text

    from ._db_admin import (
        _admin_engine,
        create_database,
        database_exists,
        drop_database,
        get_comment,
        set_comment,
    )

    mark = f"{_MARK} {_run_id(config)}"
    engine = _admin_engine(base)
    try:
        async with engine.connect() as lock:
            key = {"key": f"async_factory_boy:{base.database}"}
            await lock.execute(text("SELECT pg_advisory_lock(hashtext(:key))"), key)
            try:
                ready = await database_exists(base) and (
                    (comment := await get_comment(base)) == mark
                    or (reuse and (comment or "").startswith(_MARK))
                )
                if not ready:
                    await drop_database(base)
                    await create_database(base)
                    await _make_schema(base, hook)
                    await set_comment(base, mark)
            finally:
                await lock.execute(text("SELECT pg_advisory_unlock(hashtext(:key))"), key)
    finally:
        await engine.dispose()
    _report_template(config, base.render_as_string(hide_password=False))


async def _make_schema(url: URL, hook: SchemaHook | None) -> None:
    """Run the schema step on the new database, on an engine closed right after."""
    if hook is None:
        return
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    engine = create_async_engine(url, poolclass=NullPool)
    try:
        await hook(engine)
    finally:
        await engine.dispose()


def _schema_hook(schema: object) -> SchemaHook | None:
    """The schema step of the ``factory_db_schema`` fixture's value."""
    if schema is None:
        return None
    create_all = getattr(schema, "create_all", None)
    if create_all is not None:

        async def create_tables(engine: AsyncEngine) -> None:
            async with engine.begin() as connection:
                await connection.run_sync(create_all)

        return create_tables
    if callable(schema):
        function = schema

        async def run_hook(engine: AsyncEngine) -> None:
            result = function(engine)
            if inspect.isawaitable(result):  # an async hook; a sync one is done already
                await result

        return run_hook
    from ..errors import WorkerDatabaseError

    raise WorkerDatabaseError(
        f"factory_db_schema: got {schema!r}; return a SQLAlchemy MetaData (Base.metadata), "
        "an async function taking the new database's AsyncEngine, or None."
    )


def _import_object(spec: str) -> object:
    """``package.module:attr.path`` (the ini option ``factory_db_metadata``) imported."""
    module_name, _, attributes = spec.partition(":")
    try:
        value: object = importlib.import_module(module_name)
        for attribute in filter(None, attributes.split(".")):
            value = getattr(value, attribute)
    except (ImportError, AttributeError) as exc:
        from ..errors import WorkerDatabaseError

        raise WorkerDatabaseError(
            f"{INI_METADATA} = {spec}: cannot import it ({exc}); write it as "
            "'package.module:attribute', e.g. myapp.models:Base.metadata."
        ) from exc
    return value


def _check_name(base_url: str) -> None:
    """Refuse a database not named for tests: the plugin drops and re-creates it."""
    name = _mongo_name(base_url) if _is_mongo(base_url) else _sql_name(base_url)
    if "test" not in name.lower():
        from ..errors import WorkerDatabaseError

        raise WorkerDatabaseError(
            f"worker_database: the test database {name!r} (from {INI_URL} / {ENV_URL} / the "
            "factory_db_url fixture) is dropped and re-created by the plugin, so its name must "
            f"contain 'test'; name a database of its own, e.g. {name or 'myapp'}_test."
        )


def _sql_name(url: str) -> str:
    from sqlalchemy.engine import make_url

    return str(make_url(url).database or "")


# -- MongoDB ---------------------------------------------------------------------------------


def _is_mongo(url: str) -> bool:
    return url.startswith(("mongodb://", "mongodb+srv://"))


def _mongo_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


async def _set_up_mongo(url: str, worker: str, reuse: bool) -> _Made:
    """A MongoDB database exists once written to: make sure no older one is in the way."""
    name = _mongo_name(url)
    if not reuse:
        await _drop_mongo(url)
    return _Made(url, name, None, created=True)


async def _drop_mongo(url: str) -> None:
    from pymongo import AsyncMongoClient

    client: AsyncMongoClient[Any] = AsyncMongoClient(url)
    try:
        await client.drop_database(_mongo_name(url))
    finally:
        await client.close()


# -- the xdist controller --------------------------------------------------------------------


def _report_template(config: pytest.Config, url: str) -> None:
    """Tell the controller (through xdist's ``workeroutput``) which template to drop."""
    output: dict[str, Any] | None = getattr(config, "workeroutput", None)
    if output is not None:
        output.setdefault(_WORKER_OUTPUT_KEY, [])
        if url not in output[_WORKER_OUTPUT_KEY]:
            output[_WORKER_OUTPUT_KEY].append(url)


class WorkerNode(Protocol):
    """What the controller's ``pytest_testnodedown`` gets: xdist's ``WorkerController``."""

    config: pytest.Config


def collect_templates(node: WorkerNode) -> None:
    """``pytest_testnodedown`` on the controller: remember the templates a worker made.

    A worker that crashed reported nothing (no ``workeroutput``).
    """
    output: dict[str, Any] = getattr(node, "workeroutput", {})
    reported = output.get(_WORKER_OUTPUT_KEY, ())
    if reported:
        node.config.stash.setdefault(_TEMPLATES, set()).update(reported)


def drop_templates(config: pytest.Config) -> None:
    """``pytest_sessionfinish`` on the controller: drop the templates, unless kept."""
    templates = config.stash.get(_TEMPLATES, set())
    if not templates or config.getoption(REUSE_OPTION):
        return
    from sqlalchemy.engine import make_url

    from ._db_admin import drop_database

    for url in sorted(templates):
        _run(functools.partial(drop_database, make_url(url)))


# -- running set-up coroutines ---------------------------------------------------------------


def _run(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a set-up coroutine on a private loop (a thread's, if a loop already runs here)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    results: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            results.append(asyncio.run(make()))
        except BaseException as exc:  # handed to the caller's thread
            errors.append(exc)

    thread = threading.Thread(target=target, name="async_factory_boy-db")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return results[0]
