"""Run each model fixture on the event loop of the test that asked for it.

A model fixture awaits ``create_async`` with a session that is bound to one event loop, so
it must run on the loop the test and its session fixture run on. Which loop that is depends
on the test, not on the fixture, so the choice is made per request, just before pytest-asyncio
or anyio sets the fixture up, by handing them a copy of the fixture function:

* a test marked ``asyncio`` (strict or auto mode): pytest-asyncio, with the test's
  ``loop_scope`` (``@pytest.mark.asyncio(loop_scope="session")``) or the ini default;
* a test using anyio's ``anyio_backend`` fixture: anyio, which runs unmarked async fixtures;
* a sync test: pytest-asyncio's default loop, if pytest-asyncio is installed; else a loop
  of its own for the fixture (no async plugin means no async session fixture either, so
  nothing the object is made with belongs to another loop).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import sys
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from typing import NoReturn

import pytest

from .._types import Function

__all__ = ["route"]

_ASYNCIO_MARKS = ("_force_asyncio_fixture", "_loop_scope")


def route(
    function: Function,
    create: Function,
    request: pytest.FixtureRequest,
) -> Function:
    """What to hand to the async plugin that runs this request's test in place of ``function``.

    The result looks like the model fixture ``function`` (name, signature) and awaits
    ``create`` (the creation prepared for this request) on that plugin's loop. ``create``
    may be an async generator function (a fixture with a teardown, as the Mongo isolation
    fixtures are): its setup and teardown then run on that loop.
    """
    config = request.config
    marker = request.node.get_closest_marker("asyncio")
    if marker is None and "anyio_backend" in request.fixturenames:
        return _copy(function, create, asyncio_loop_scope=None)
    if marker is None and not config.pluginmanager.hasplugin("asyncio"):
        if not inspect.iscoroutinefunction(getattr(request.node, "obj", None)):
            return _on_own_loop(function, create)
        fixture = request.fixturename
        pytest.fail(
            f"async_factory_boy: fixture {fixture!r} is requested by an async test that no "
            "async test plugin runs: install pytest-asyncio (and mark the test with "
            "@pytest.mark.asyncio), or use anyio's pytest plugin (@pytest.mark.anyio).",
            pytrace=False,
        )
    loop_scope = None
    if marker is not None:
        loop_scope = marker.kwargs.get("loop_scope") or marker.kwargs.get("scope")
    if loop_scope is None:
        loop_scope = _ini(config, "asyncio_default_test_loop_scope") or "function"
    return _copy(function, create, asyncio_loop_scope=loop_scope)


def _on_own_loop(
    function: Function,
    create: Function,
) -> Function:
    """A sync fixture function running ``create`` on an event loop of its own."""

    if inspect.isasyncgenfunction(create):
        return _generator_on_own_loop(function, create)

    @functools.wraps(function)
    def run(**kwargs: object) -> object:
        return asyncio.run(create(**kwargs))

    for attr in _ASYNCIO_MARKS:
        run.__dict__.pop(attr, None)
    return run


def _generator_on_own_loop(
    function: Function, create: Callable[..., AsyncGenerator[object, None]]
) -> Function:
    """A sync generator fixture running async generator ``create`` on a loop of its own,
    the same loop for its setup and its teardown."""

    @functools.wraps(function)
    def run(**kwargs: object) -> Iterator[object]:
        loop = asyncio.new_event_loop()
        try:
            generator = create(**kwargs)
            yield loop.run_until_complete(generator.__anext__())
            with contextlib.suppress(StopAsyncIteration):
                loop.run_until_complete(generator.__anext__())
        finally:
            loop.close()

    for attr in _ASYNCIO_MARKS:
        run.__dict__.pop(attr, None)
    return run


def _copy(
    function: Function,
    create: Function,
    asyncio_loop_scope: str | None,
) -> Function:
    @functools.wraps(function)
    async def routed_generator(**kwargs: object) -> AsyncIterator[object]:
        async for value in create(**kwargs):
            yield value

    @functools.wraps(function)
    async def routed_coroutine(**kwargs: object) -> object:
        return await create(**kwargs)

    # A yield fixture (setup, then teardown) stays one.
    routed: Function = routed_generator if inspect.isasyncgenfunction(create) else routed_coroutine

    for attr in _ASYNCIO_MARKS:
        routed.__dict__.pop(attr, None)
    if asyncio_loop_scope is not None:
        # pytest-asyncio's marks: run on the runner of this loop scope.
        routed._force_asyncio_fixture = True  # type: ignore[attr-defined]  # a marker attribute set on a function object
        routed._loop_scope = asyncio_loop_scope  # type: ignore[attr-defined]  # a marker attribute set on a function object
    return routed


def _ini(config: pytest.Config, name: str) -> str | None:
    """A string option of pytest-asyncio's (all those read here are strings)."""
    try:
        value = config.getini(name)
        return value if isinstance(value, str) else None
    except ValueError:  # pytest-asyncio is not installed
        return None


# -- loop scope checks: the fast set-up (engine and loop per session) or one clear message ----

_SCOPE_ORDER = {"function": 0, "class": 1, "module": 2, "package": 3, "session": 4}

_SETTINGS = (
    "Run the suite on one event loop: with pytest-asyncio set `asyncio_default_fixture_loop_scope "
    "= session` and `asyncio_default_test_loop_scope = session` in your pytest configuration "
    '(or `loop_scope="session"` on the fixtures and `@pytest.mark.asyncio(loop_scope="session")`'
    " on the tests); with anyio, define `anyio_backend` as a session-scoped fixture."
)


def asyncio_fixture_loop_scope(function: object, scope: str, config: pytest.Config) -> str | None:
    """The loop scope pytest-asyncio runs fixture ``function`` on; ``None``: not its fixture.

    As pytest-asyncio decides it: marked fixtures (``@pytest_asyncio.fixture``, or any
    async fixture in auto mode) on their ``loop_scope``, else the ini default, else their
    own scope.
    """
    if not config.pluginmanager.hasplugin("asyncio"):
        return None
    marked = getattr(function, "_force_asyncio_fixture", False)
    if not marked:
        if _ini(config, "asyncio_mode") != "auto":
            return None
        if not (inspect.iscoroutinefunction(function) or inspect.isasyncgenfunction(function)):
            return None
    default = _ini(config, "asyncio_default_fixture_loop_scope") or None
    if default == "fixture-scope":  # pytest-asyncio's "the fixture's own scope"
        default = None
    loop_scope: str | None = getattr(function, "_loop_scope", None) or default
    return loop_scope or scope


def test_loop_scope(item: pytest.Item) -> str | None:
    """The loop scope pytest-asyncio runs test ``item`` on; ``None``: not an asyncio test."""
    marker = item.get_closest_marker("asyncio")
    if marker is None or not item.config.pluginmanager.hasplugin("asyncio"):
        return None
    scope = marker.kwargs.get("loop_scope") or marker.kwargs.get("scope")
    return str(scope or _ini(item.config, "asyncio_default_test_loop_scope") or "function")


def check_fixture_loop(
    fixturedef: pytest.FixtureDef[object], function: object, request: pytest.FixtureRequest
) -> None:
    """Fail, naming the setting, when fixture ``function`` would outlive its event loop.

    A fixture wider than a test (the engine of a session) run on a loop narrower than
    itself: pytest-asyncio would ask for a runner of the narrower scope (a ``ScopeMismatch``
    error), anyio for a narrower ``anyio_backend``; both say nothing of the setting to change.
    """
    scope = fixturedef.scope
    if scope == "function":
        return
    name = fixturedef.argname
    loop_scope = asyncio_fixture_loop_scope(function, scope, request.config)
    if loop_scope is not None:
        if _SCOPE_ORDER.get(loop_scope, 0) < _SCOPE_ORDER[scope]:
            _fail(
                f"the {scope}-scoped async fixture {name!r} would run on a {loop_scope}-scoped "
                f"event loop, which ends before it does. Give it a loop that lives as long: "
                f'`@pytest_asyncio.fixture(scope="{scope}", loop_scope="session")`, or set '
                "`asyncio_default_fixture_loop_scope = session` (and "
                "`asyncio_default_test_loop_scope = session`) in your pytest configuration."
            )
        return
    if not (inspect.iscoroutinefunction(function) or inspect.isasyncgenfunction(function)):
        return
    if "anyio_backend" not in request.fixturenames:
        return
    backend = request._arg2fixturedefs.get("anyio_backend")  # as the test sees it
    backend_scope = backend[-1].scope if backend else "function"
    if _SCOPE_ORDER.get(backend_scope, 0) < _SCOPE_ORDER[scope]:
        _fail(
            f"the {scope}-scoped async fixture {name!r} runs on anyio, whose `anyio_backend` "
            f"fixture is {backend_scope}-scoped: its event loop would end before the fixture "
            "does. Define `anyio_backend` with at least that scope in your conftest.py: "
            '`@pytest.fixture(scope="session")\\ndef anyio_backend(): return "asyncio"`.'
        )


def check_arguments(
    consumer: str,
    loop_scope: str | None,
    argnames: Iterable[str],
    definitions: Mapping[str, Sequence[pytest.FixtureDef[object]]],
    config: pytest.Config,
) -> None:
    """Fail, naming the setting, when ``consumer`` (on ``loop_scope``) gets an engine,
    connection or session made by an async fixture on another event loop.

    Pooled connections belong to the loop they were opened on: used from another loop they
    fail with "attached to a different loop" or "another operation is in progress", test
    after test. Only drivers bound to a loop count (asyncpg, psycopg, asyncmy, ...; not
    aiosqlite, whose connections work from any loop), and a ``NullPool`` engine keeps none.
    """
    if loop_scope is None:
        return
    for argname in argnames:
        defs = definitions.get(argname)
        if not defs:
            continue
        fixturedef = defs[-1]
        cached = getattr(fixturedef, "cached_result", None)
        if cached is None or cached[2] is not None:
            continue
        producer_loop = asyncio_fixture_loop_scope(fixturedef.func, fixturedef.scope, config)
        if producer_loop is None or producer_loop == loop_scope:
            continue
        kind = _loop_bound(cached[0])
        if kind is None:
            continue
        _fail(
            f"{consumer} runs on the {loop_scope}-scoped event loop but uses {argname!r}, "
            f"{kind} made by a {fixturedef.scope}-scoped fixture on the {producer_loop}-scoped "
            "loop: its database connections belong to that loop and fail on another one "
            '("attached to a different loop"). ' + _SETTINGS
        )


def _loop_bound(value: object) -> str | None:
    """``"an AsyncEngine"`` (...) when ``value`` holds connections bound to an event loop."""
    if "sqlalchemy.ext.asyncio" not in sys.modules:
        return None  # nothing made by SQLAlchemy's asyncio extension: not imported
    from sqlalchemy.ext.asyncio import (
        AsyncConnection,
        AsyncEngine,
        AsyncSession,
        async_sessionmaker,
    )

    engine: object = None
    kind = ""
    if isinstance(value, AsyncEngine):
        engine, kind = value, "an AsyncEngine"
    elif isinstance(value, AsyncConnection):
        engine, kind = value.engine, "an AsyncConnection"
    elif isinstance(value, AsyncSession):
        engine, kind = value.bind, "an AsyncSession"
    elif isinstance(value, async_sessionmaker):
        engine, kind = value.kw.get("bind"), "an async_sessionmaker"
    if isinstance(engine, AsyncConnection):
        engine = engine.engine
    if not isinstance(engine, AsyncEngine):
        return None
    from sqlalchemy.pool import NullPool

    if engine.dialect.driver == "aiosqlite" or isinstance(engine.pool, NullPool):
        return None
    return kind


def _fail(message: str) -> NoReturn:
    pytest.fail(f"async_factory_boy: {message}", pytrace=False)
