"""``request.getfixturevalue("user")`` from inside an async test: the test's "portal".

pytest sets fixtures up synchronously. A model fixture is created by awaiting
``create_async``, which pytest-asyncio and anyio run with their runner; inside an async test
that runner's event loop is already running, so a ``getfixturevalue()`` call there fails
("Runner.run() cannot be called from a running event loop").

So the plugin runs such a test's coroutine inside a greenlet of its own, the portal: each
step of the coroutine (``send``/``throw``) runs in the portal, and what the coroutine
yields travels, unchanged, to the task that runs the test. When synchronous code in the
test (``getfixturevalue``) needs a model fixture, the creation is handed out of the portal
to that task (:func:`await_in_portal`), which awaits it on the running loop, the test's
own, and switches back with the object. Nothing else changes for the test: it runs in its
own task, on its loop, in its ``contextvars`` context, and the library's factory calls do
not see the portal (:func:`async_factory_boy.in_bridge` stays false in it).

Only async tests that take ``request`` run in a portal, and only in a session where
``register()`` made model fixtures (:func:`wants_portal`).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Coroutine, Generator
from typing import Any, TypeVar

import greenlet
import pytest

__all__ = ["await_in_portal", "in_portal", "run_in_portal", "through_portal", "wants_portal"]

T = TypeVar("T")


class _Portal(greenlet.greenlet):  # type: ignore[misc]
    """The greenlet an async test's coroutine steps run in; its parent is the test's task."""


class _Await:
    """A request from the portal: await ``awaitable`` on the test's task."""

    __slots__ = ("awaitable",)

    def __init__(self, awaitable: Awaitable[Any]) -> None:
        self.awaitable = awaitable


class _Yield:
    """One suspension of the test's coroutine, passed to its task as it is."""

    __slots__ = ("item",)

    def __init__(self, item: Any) -> None:
        self.item = item

    def __await__(self) -> Generator[Any, Any, Any]:
        return (yield self.item)


class _Done:
    """The test coroutine's return value or exception."""

    __slots__ = ("error", "value")

    def __init__(self, value: Any, error: BaseException | None) -> None:
        self.value = value
        self.error = error


def in_portal() -> bool:
    """Whether the caller runs in a test's portal (synchronous code of an async test)."""
    return isinstance(greenlet.getcurrent(), _Portal)


def await_in_portal(awaitable: Awaitable[T]) -> T:
    """Await ``awaitable`` on the test's task, from synchronous code in the portal."""
    current = greenlet.getcurrent()
    assert isinstance(current, _Portal), "await_in_portal() runs in a portal only"
    result: T = current.parent.switch(_Await(awaitable))
    return result


def _step(coroutine: Coroutine[Any, Any, Any]) -> _Done:
    """The portal's body: drive ``coroutine``, handing each suspension to the task."""
    driver = greenlet.getcurrent().parent
    send: Any = None
    error: BaseException | None = None
    while True:
        try:
            if error is None:
                yielded = coroutine.send(send)
            else:
                thrown, error = error, None
                yielded = coroutine.throw(thrown)
        except StopIteration as stop:
            return _Done(stop.value, None)
        except BaseException as exc:  # the test's failure, handed to the driver
            return _Done(None, exc)
        try:
            send = driver.switch(_Yield(yielded))
        except BaseException as exc:  # incl. CancelledError: thrown into the coroutine
            send, error = None, exc


async def run_in_portal(coroutine: Coroutine[Any, Any, T]) -> T:
    """Await ``coroutine`` with its steps run in a portal (see the module docstring)."""
    __tracebackhide__ = True
    driver = greenlet.getcurrent()
    portal = _Portal(_step)
    # The task's own context, as SQLAlchemy's bridge does: what the test sets is the task's.
    portal.gr_context = driver.gr_context
    message = portal.switch(coroutine)
    while not isinstance(message, _Done):
        try:
            if isinstance(message, _Await):
                value = await message.awaitable
            else:
                value = await message
        except BaseException as exc:
            message = portal.throw(exc)
        else:
            message = portal.switch(value)
    if message.error is not None:
        error, message.error = message.error, None
        raise error
    result: T = message.value
    return result


def through_portal(function: Callable[..., Coroutine[Any, Any, T]]) -> Callable[..., Any]:
    """An ``async def`` like test function ``function`` whose coroutine runs in a portal."""

    @functools.wraps(function)
    async def portal_test(*args: Any, **kwargs: Any) -> T:
        __tracebackhide__ = True
        return await run_in_portal(function(*args, **kwargs))

    return portal_test


def wants_portal(item: pytest.Item, has_model_fixtures: Callable[[], bool]) -> bool:
    """Whether ``item`` is an async test that may call ``request.getfixturevalue()``."""
    if not isinstance(item, pytest.Function) or not inspect.iscoroutinefunction(item.obj):
        return False
    if "request" not in item._fixtureinfo.argnames:
        return False
    return has_model_fixtures()


def made_in_portal(create: Callable[..., Coroutine[Any, Any, T]]) -> Callable[..., T]:
    """A synchronous fixture function awaiting ``create`` on the test's task."""

    def made(**kwargs: Any) -> T:
        return await_in_portal(create(**kwargs))

    return made


def check_not_async(function: object, request: pytest.FixtureRequest) -> None:
    """Fail clearly if the portal would have to set up an async fixture of another plugin.

    In the portal only model fixtures can be set up: pytest-asyncio and anyio set other
    async fixtures up with their runner, which cannot start while the test runs.
    """
    if not _is_async(function):
        return
    # The async fixture nearest the test: asking for it sets up the ones it needs too.
    nearest = request.fixturename
    current: Any = request
    while getattr(current, "fixturename", None):
        fixture = getattr(getattr(current, "_fixturedef", None), "func", None)
        if _is_async(fixture) and not hasattr(fixture, "_async_factory_boy_spec"):
            nearest = current.fixturename
        current = getattr(current, "_parent_request", None)
    test = request._pyfuncitem.name
    pytest.fail(
        f"async_factory_boy: request.getfixturevalue() in async test {test!r} reaches the "
        f"async fixture {_chain(request)}, which is not set up yet and cannot be while the "
        f"test's event loop runs. Ask for {nearest!r} in the test's arguments "
        f"(async def {test}(request, {nearest}, ...)).",
        pytrace=False,
    )


def _is_async(function: object) -> bool:
    return (
        inspect.iscoroutinefunction(function)
        or inspect.isasyncgenfunction(function)
        or bool(getattr(function, "_force_asyncio_fixture", False))
    )


def _chain(request: pytest.FixtureRequest) -> str:
    """``'organization' <- 'member' <- 'indirect'``: who asked for the fixture."""
    chain = []
    current: Any = request
    while getattr(current, "fixturename", None):
        chain.append(repr(current.fixturename))
        current = getattr(current, "_parent_request", None)
    return " <- ".join(chain)


def check_no_running_loop(request: pytest.FixtureRequest) -> None:
    """Fail clearly when a model fixture is asked for where no event loop can run it.

    That is ``getfixturevalue()`` in an async fixture (or in an async test that does not
    take ``request`` itself): the loop that would create the object is running already.
    """
    import asyncio

    if asyncio._get_running_loop() is None:
        return
    pytest.fail(
        f"async_factory_boy: fixture {_chain(request)} was asked for with "
        "request.getfixturevalue() while an event loop runs (in an async fixture?), where "
        "pytest cannot set up an async fixture. Name it in the arguments of that fixture "
        "instead, or call request.getfixturevalue() from the test function, with `request` "
        "among the test's arguments.",
        pytrace=False,
    )
