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
own, and switches back with the object; so is a function-scoped async fixture it needs
(:func:`async_fixture`), whose teardown runs when the test's coroutine ends. Nothing else
changes for the test: it runs in its own task, on its loop, in its ``contextvars``
context, and the library's factory calls do not see the portal
(:func:`async_factory_boy.in_bridge` stays false in it).

Only async tests that take ``request`` run in a portal, and only in a session where
``register()`` made model fixtures (:func:`wants_portal`).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncGenerator, Awaitable, Callable, Coroutine, Generator
from typing import Any, TypeVar

import greenlet
import pytest

from .._types import Function

__all__ = [
    "async_fixture",
    "await_in_portal",
    "in_portal",
    "is_async",
    "loop_running",
    "run_in_portal",
    "through_portal",
    "wants_portal",
]

T = TypeVar("T")


class _Portal(greenlet.greenlet):  # type: ignore[misc]  # greenlet's class is Any to mypy (untyped C type)
    """The greenlet an async test's coroutine steps run in; its parent is the test's task."""

    def __init__(self, run: Function, driver: greenlet.greenlet) -> None:
        super().__init__(run, driver)
        #: The greenlet of the test's task, which awaits on the portal's behalf.
        self.driver = driver
        #: Async generator fixtures set up from the portal, finished when the test ends.
        self.to_finish: list[tuple[str, AsyncGenerator[Any, None]]] = []


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
    result: T = current.driver.switch(_Await(awaitable))
    return result


def _step(coroutine: Coroutine[object, object, Any]) -> _Done:
    """The portal's body: drive ``coroutine``, handing each suspension to the task."""
    portal = greenlet.getcurrent()
    assert isinstance(portal, _Portal)
    driver = portal.driver
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


async def run_in_portal(coroutine: Coroutine[object, object, T]) -> T:
    """Await ``coroutine`` with its steps run in a portal (see the module docstring)."""
    __tracebackhide__ = True
    driver = greenlet.getcurrent()
    portal = _Portal(_step, driver)
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
    teardown_error = await _finish(portal.to_finish)
    if message.error is not None:
        error, message.error = message.error, None
        raise error
    if teardown_error is not None:
        raise teardown_error
    result: T = message.value
    return result


async def _finish(generators: list[tuple[str, AsyncGenerator[Any, None]]]) -> BaseException | None:
    """Run the teardown of the async generator fixtures set up from the portal, newest first.

    On the test's task, while its loop still runs: after the test pytest-asyncio and anyio
    may have closed it. The first failure is returned, to be raised if the test passed.
    """
    error: BaseException | None = None
    for name, generator in reversed(generators):
        try:
            await generator.__anext__()
        except StopAsyncIteration:
            continue
        except BaseException as exc:
            error = error or exc
            continue
        error = error or RuntimeError(f"fixture {name!r} yielded more than once")
    generators.clear()
    return error


def through_portal(function: Callable[..., Coroutine[object, object, T]]) -> Function:
    """An ``async def`` like test function ``function`` whose coroutine runs in a portal."""

    @functools.wraps(function)
    async def portal_test(*args: object, **kwargs: object) -> T:
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


def made_in_portal(create: Callable[..., Coroutine[object, object, T]]) -> Callable[..., T]:
    """A synchronous fixture function awaiting ``create`` on the test's task."""

    def made(**kwargs: object) -> T:
        return await_in_portal(create(**kwargs))

    return made


def async_fixture(function: Any, request: pytest.FixtureRequest) -> Function:
    """What pytest calls for async fixture ``function`` when the portal sets it up.

    pytest-asyncio and anyio set async fixtures up with their runner, which cannot start
    while the test runs; a function-scoped one is awaited on the test's task instead (an
    async generator's teardown runs when the test's coroutine ends). A fixture of a wider
    scope must live on a loop that outlives the test: that fails with what to do.
    """
    if request.scope != "function":
        _fail_wider_scope(request)
    if inspect.isasyncgenfunction(function):

        def set_up_generator(**kwargs: object) -> Any:
            generator = function(**kwargs)
            value = await_in_portal(generator.__anext__())
            portal = greenlet.getcurrent()
            assert isinstance(portal, _Portal)
            portal.to_finish.append((request.fixturename or "", generator))
            return value

        return set_up_generator

    def set_up(**kwargs: object) -> Any:
        return await_in_portal(function(**kwargs))

    return set_up


def _fail_wider_scope(request: pytest.FixtureRequest) -> None:
    # The async fixture nearest the test: asking for it sets up the ones it needs too.
    nearest = request.fixturename
    current: Any = request
    while getattr(current, "fixturename", None):
        fixture = getattr(getattr(current, "_fixturedef", None), "func", None)
        if is_async(fixture) and not hasattr(fixture, "_async_factory_boy_spec"):
            nearest = current.fixturename
        current = getattr(current, "_parent_request", None)
    test = request._pyfuncitem.name
    pytest.fail(
        f"async_factory_boy: request.getfixturevalue() in async test {test!r} reaches the "
        f"{request.scope}-scoped async fixture {_chain(request)}, which is not set up yet and "
        "cannot be from inside the test (it must live on a loop that outlives the test). Ask "
        f"for {nearest!r} in the test's arguments (async def {test}(request, {nearest}, ...)).",
        pytrace=False,
    )


def is_async(function: object) -> bool:
    """Whether fixture function ``function`` is async (or marked for pytest-asyncio)."""
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


def loop_running() -> bool:
    """Whether an asyncio event loop runs in this thread (a fixture set up from inside it)."""
    import asyncio

    return asyncio._get_running_loop() is not None


def check_no_running_loop(request: pytest.FixtureRequest) -> None:
    """Fail clearly when a fixture is set up where no event loop can run it.

    That is ``getfixturevalue()`` in an async fixture (or in an async test that does not
    take ``request`` itself): the loop that would set the fixture up is running already.
    """
    if not loop_running():
        return
    asked, asker = _asked(request)
    where = f"fixture {asker!r}" if asker else "a fixture or test without `request`"
    pytest.fail(
        f"async_factory_boy: fixture {asked!r} was asked for with request.getfixturevalue() "
        f"in {where} while the event loop runs ({_chain(request)}), where pytest cannot set "
        f"up an async fixture. Name {asked!r} in the arguments of {where} instead, or ask "
        "for it from the test function, with `request` among the test's arguments.",
        pytrace=False,
    )


def _asked(request: pytest.FixtureRequest) -> tuple[str, str | None]:
    """The fixture asked for with ``getfixturevalue()`` on the way to ``request``, and by whom.

    Walking up from ``request``: the first fixture its parent does not take as an argument.
    """
    current: Any = request
    while True:
        parent = getattr(current, "_parent_request", None)
        name = current.fixturename
        parent_name = getattr(parent, "fixturename", None)
        parent_def = getattr(parent, "_fixturedef", None)
        if parent_name is None or name not in getattr(parent_def, "argnames", (name,)):
            return name, parent_name
        current = parent
