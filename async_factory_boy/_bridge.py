"""The greenlet bridge: run factory_boy's synchronous resolution, await from inside it.

factory_boy resolves declarations synchronously and lazily. Rather than fork that code into
an async copy, a factory call runs it unchanged inside a greenlet. Wherever the synchronous
code needs a value that has to be awaited (a flush, an insert, an ``async def`` declaration,
an async post-generation hook) it calls :func:`await_`, which switches back to the driver
coroutine; the driver awaits the awaitable on the event loop and switches back in with the
result, or throws the exception (cancellation included) back into the greenlet.

This is the technique of SQLAlchemy's asyncio extension, written here on the ``greenlet``
package alone so that users of other backends never need SQLAlchemy.
"""

from __future__ import annotations

import contextvars
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import greenlet

from .errors import AwaitOutsideFactoryError

__all__ = ["await_", "in_bridge", "run_in_bridge"]

_T = TypeVar("_T")


class _BridgeGreenlet(greenlet.greenlet):  # type: ignore[misc]
    """A greenlet that knows the driver greenlet to switch to when it needs an await."""

    __slots__ = ("driver",)

    def __init__(self, fn: Callable[..., Any], driver: greenlet.greenlet) -> None:
        super().__init__(fn, driver)
        self.driver = driver


def in_bridge() -> bool:
    """Tell whether the caller runs inside a factory call's greenlet, where ``await_`` works."""
    return isinstance(greenlet.getcurrent(), _BridgeGreenlet)


def await_(awaitable: Awaitable[_T]) -> _T:
    """Await ``awaitable`` from synchronous code running inside a factory call.

    Use it in a sync ``post_generation`` hook, a ``LazyAttribute`` or a custom ``_create`` that
    must wait for something asynchronous. Outside a factory call there is no driver coroutine
    to hand the awaitable to, so it raises :class:`AwaitOutsideFactoryError`.
    """
    current = greenlet.getcurrent()
    if not isinstance(current, _BridgeGreenlet):
        close = getattr(awaitable, "close", None)
        if close is not None:
            close()  # a coroutine that is never awaited would warn at garbage collection
        raise AwaitOutsideFactoryError(
            "await_() can only be used inside a factory call (create_async, build_async, ...); "
            "in async code use `await` instead."
        )
    result: _T = current.driver.switch(awaitable)
    return result


async def run_in_bridge(fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """Run ``fn(*args, **kwargs)`` in a new greenlet and await every awaitable it hands out.

    The greenlet starts with a copy of the calling task's ``contextvars`` context, so values
    the caller set (and the per-call state of this library) are visible inside it.
    """
    child = _BridgeGreenlet(fn, greenlet.getcurrent())
    child.gr_context = contextvars.copy_context()
    request = child.switch(*args, **kwargs)
    while not child.dead:
        try:
            value = await request
        except BaseException as exc:  # incl. CancelledError: unwind the greenlet with it
            request = child.throw(exc)
        else:
            request = child.switch(value)
    result: _T = request
    return result
