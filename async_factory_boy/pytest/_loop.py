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
import functools
import inspect
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from .._types import Function

__all__ = ["route"]

_ASYNCIO_MARKS = ("_force_asyncio_fixture", "_loop_scope")


def route(
    function: Callable[..., Coroutine[object, object, Any]],
    create: Callable[..., Coroutine[object, object, Any]],
    request: pytest.FixtureRequest,
) -> Function:
    """What to hand to the async plugin that runs this request's test in place of ``function``.

    The result looks like the model fixture ``function`` (name, signature) and awaits
    ``create`` (the creation prepared for this request) on that plugin's loop.
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
    function: Callable[..., Coroutine[object, object, Any]],
    create: Callable[..., Coroutine[object, object, Any]],
) -> Function:
    """A sync fixture function running ``create`` on an event loop of its own."""

    @functools.wraps(function)
    def run(**kwargs: object) -> Any:
        return asyncio.run(create(**kwargs))

    for attr in _ASYNCIO_MARKS:
        run.__dict__.pop(attr, None)
    return run


def _copy(
    function: Callable[..., Coroutine[object, object, Any]],
    create: Callable[..., Coroutine[object, object, Any]],
    asyncio_loop_scope: str | None,
) -> Callable[..., Coroutine[object, object, Any]]:
    @functools.wraps(function)
    async def routed(**kwargs: object) -> Any:
        return await create(**kwargs)

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
