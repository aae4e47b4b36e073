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
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator
from typing import Any

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
    def run(**kwargs: object) -> Any:
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
    async def routed_coroutine(**kwargs: object) -> Any:
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


def _ini(config: pytest.Config, name: str) -> Any:
    try:
        return config.getini(name)
    except ValueError:  # pytest-asyncio is not installed
        return None
