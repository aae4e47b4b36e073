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
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import greenlet

from .errors import AwaitOutsideFactoryError

__all__ = ["await_", "in_bridge", "run_in_bridge"]

_T = TypeVar("_T")


_POOL_SIZE = 64


class _Finished:
    """What a worker hands back when its function returned or raised (never an awaitable)."""

    __slots__ = ("error", "value")

    def __init__(self, value: Any, error: BaseException | None) -> None:
        self.value = value
        self.error = error


class _BridgeGreenlet(greenlet.greenlet):  # type: ignore[misc]
    """A long-lived worker greenlet that runs one factory call after another.

    Creating a greenlet costs several microseconds, a switch into an existing one about one:
    for a loop of ``create_async`` that difference is most of the bridge's overhead, so idle
    workers are kept in a small per-thread pool. ``driver`` is the greenlet of the coroutine
    that awaits on the worker's behalf during the current call.
    """

    __slots__ = ("driver",)

    # SQLAlchemy's asyncio extension lets sync ORM code (a lazy load, an autoflush) await by
    # switching to the *parent* of the current greenlet when the greenlet carries this marker.
    # Workers run with the driver as their parent, so such code works inside a factory call
    # as well, instead of raising MissingGreenlet. Nothing of SQLAlchemy is imported here.
    __sqlalchemy_greenlet_provider__ = True

    def __init__(self) -> None:
        super().__init__(self._serve)
        self.driver: greenlet.greenlet | None = None

    def _serve(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        while True:
            try:
                outcome = _Finished(fn(*args, **kwargs), None)
            except greenlet.GreenletExit:
                raise  # the worker itself is being discarded
            except BaseException as exc:  # handed to the driver, which re-raises it
                outcome = _Finished(None, exc)
            del fn, args, kwargs
            driver = self.driver
            assert driver is not None, "a worker only runs while a driver awaits for it"
            fn, args, kwargs = driver.switch(outcome)


class _Pool(threading.local):
    """Idle workers of this thread (greenlets cannot switch across threads)."""

    def __init__(self) -> None:
        self.idle: list[_BridgeGreenlet] = []


_pool = _Pool()


def in_bridge() -> bool:
    """Tell whether the caller runs inside a factory call's greenlet, where ``await_`` works."""
    current = greenlet.getcurrent()
    return isinstance(current, _BridgeGreenlet) and current.driver is not None


def await_(awaitable: Awaitable[_T]) -> _T:
    """Await ``awaitable`` from synchronous code running inside a factory call.

    Use it in a sync ``post_generation`` hook, a ``LazyAttribute`` or a custom ``_create`` that
    must wait for something asynchronous. Outside a factory call there is no driver coroutine
    to hand the awaitable to, so it raises :class:`AwaitOutsideFactoryError`.
    """
    current = greenlet.getcurrent()
    driver = current.driver if isinstance(current, _BridgeGreenlet) else None
    if driver is None:
        close = getattr(awaitable, "close", None)
        if close is not None:
            close()  # a coroutine that is never awaited would warn at garbage collection
        raise AwaitOutsideFactoryError(
            "await_() can only be used inside a factory call (create_async, build_async, ...); "
            "in async code use `await` instead."
        )
    result: _T = driver.switch(awaitable)
    return result


async def run_in_bridge(fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """Run ``fn(*args, **kwargs)`` in a worker greenlet and await every awaitable it hands out.

    The worker runs with a copy of the calling task's ``contextvars`` context, so values the
    caller set (and the per-call state of this library) are visible inside it. A failure of
    an awaited call, cancellation included, is thrown back into the worker at the point that
    awaited it, so the synchronous code unwinds (or handles it) exactly as with ``await``.
    """
    idle = _pool.idle
    worker = idle.pop() if idle else _BridgeGreenlet()
    driver = greenlet.getcurrent()
    worker.driver = driver
    if worker.parent is not driver:
        worker.parent = driver
    worker.gr_context = contextvars.copy_context()
    request = worker.switch(fn, args, kwargs)
    while not isinstance(request, _Finished):
        try:
            value = await request
        except BaseException as exc:  # incl. CancelledError: unwind the worker with it
            request = worker.throw(exc)
        else:
            request = worker.switch(value)
    worker.driver = None
    worker.gr_context = None
    if len(idle) < _POOL_SIZE:
        idle.append(worker)
    if request.error is not None:
        error, request.error = request.error, None
        raise error
    result: _T = request.value
    return result
