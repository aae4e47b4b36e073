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

import contextlib
import contextvars
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Generator, Iterator
from typing import Any, TypeVar

import greenlet

from .errors import AwaitOutsideFactoryError, DeclarationExhaustedError

__all__ = ["await_", "cooperate", "in_bridge", "run_coroutine", "run_in_bridge", "time_slice"]

_T = TypeVar("_T")


_POOL_SIZE = 64

# How long a worker may run without handing the event loop a turn, when the code it runs
# calls :func:`cooperate` (a batch does, once per object): other tasks, timeouts and
# cancellation then get through every ~10 ms even during a 20,000-object batch.
_TIME_SLICE = 0.01


class _Finished:
    """What a worker hands back when its function returned or raised (never an awaitable)."""

    __slots__ = ("error", "value")

    def __init__(self, value: Any, error: BaseException | None) -> None:
        self.value = value
        self.error = error


class _Suspend:
    """A request from a worker to pass one ``yield`` of a coroutine up to the event loop.

    A coroutine run *inside* a worker (:func:`run_coroutine`) suspends by yielding what the
    event loop understands (an asyncio Future, or ``None`` for a bare turn). The worker
    hands that object to the driver, whose ``await`` on this request yields it, unchanged,
    to the task running the driver, and hands back what the task sends or throws in.
    """

    __slots__ = ("item",)

    def __init__(self, item: Any) -> None:
        self.item = item

    def __await__(self) -> Generator[Any, Any, Any]:
        return (yield self.item)


_TURN = _Suspend(None)  # a bare yield: let the event loop run its other callbacks once


class _BridgeGreenlet(greenlet.greenlet):  # type: ignore[misc]  # greenlet's class is Any to mypy (untyped C type)
    """A long-lived worker greenlet that runs one factory call after another.

    Creating a greenlet costs several microseconds, a switch into an existing one about one:
    for a loop of ``create_async`` that difference is most of the bridge's overhead, so idle
    workers are kept in a small per-thread pool. ``driver`` is the greenlet of the coroutine
    that awaits on the worker's behalf during the current call.
    """

    __slots__ = ("driver", "resumed_at")

    # SQLAlchemy's asyncio extension lets sync ORM code (a lazy load, an autoflush) await by
    # switching to the *parent* of the current greenlet when the greenlet carries this marker.
    # Workers run with the driver as their parent, so such code works inside a factory call
    # as well, instead of raising MissingGreenlet. Nothing of SQLAlchemy is imported here.
    __sqlalchemy_greenlet_provider__ = True

    def __init__(self) -> None:
        super().__init__(self._serve)
        self.driver: greenlet.greenlet | None = None
        self.resumed_at = 0.0  # when the event loop last handed control to this worker

    def _serve(self, job: list[Any]) -> None:
        # Each job comes as a list that is emptied at once: greenlet keeps the arguments of
        # the first switch (the ``run`` call's) for the worker's whole life, and they must
        # not keep the first call's factory class and overrides alive.
        while True:
            fn, args, kwargs = job
            job.clear()
            try:
                outcome = _Finished(fn(*args, **kwargs), None)
            except greenlet.GreenletExit:
                raise  # the worker itself is being discarded
            except BaseException as exc:  # handed to the driver, which re-raises it
                outcome = _Finished(None, exc)
            del fn, args, kwargs
            driver = self.driver
            assert driver is not None, "a worker only runs while a driver awaits for it"
            job = driver.switch(outcome)
            del outcome


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
    current.resumed_at = time.perf_counter()
    return result


def run_coroutine(coroutine: Coroutine[object, object, _T]) -> _T:
    """Run ``coroutine`` to its end *inside* the current worker greenlet.

    :func:`await_` hands an awaitable to the driver, so the awaitable runs on the event
    loop's task, outside any greenlet: synchronous code it calls cannot await. Here the
    coroutine's own frames run in the worker instead, and only its suspensions (the futures
    it yields) travel to the driver and on to the task. Code inside the coroutine is then
    inside the factory call, like a sync hook: an ``async def`` post-generation hook that
    touches an unloaded relationship (``self.tags.extend(...)``) gets SQLAlchemy's lazy
    load awaited through the bridge instead of ``MissingGreenlet``, and :func:`await_`
    works in it. Outside a worker, it raises :class:`AwaitOutsideFactoryError`.
    """
    current = greenlet.getcurrent()
    driver = current.driver if isinstance(current, _BridgeGreenlet) else None
    if driver is None:
        coroutine.close()
        raise AwaitOutsideFactoryError(
            "run_coroutine() can only be used inside a factory call (create_async, "
            "build_async, ...); in async code use `await` instead."
        )
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
            result: _T = stop.value
            return result
        try:
            send = driver.switch(_Suspend(yielded))
        except BaseException as exc:  # incl. CancelledError: thrown into the coroutine
            send, error = None, exc
        current.resumed_at = time.perf_counter()


@contextlib.contextmanager
def time_slice(seconds: float) -> Iterator[None]:
    """Within the block, workers hand the event loop a turn every ``seconds`` instead of
    every ~10 ms: for a caller that keeps I/O of its own in flight while a batch is built
    (the seed command writes one batch while it builds the next), whose every round trip
    would otherwise wait for the end of a slice."""
    global _TIME_SLICE
    previous, _TIME_SLICE = _TIME_SLICE, seconds
    try:
        yield
    finally:
        _TIME_SLICE = previous


def cooperate() -> None:
    """Give the event loop a turn if this worker has held it for a time slice (~10 ms).

    Long synchronous stretches inside a call (building a batch object after object) call
    it regularly, so that other tasks keep running and a timeout or a cancellation of the
    call gets through promptly: it is raised here, in the worker. Cheap when not due (one
    clock read); a no-op outside a factory call.
    """
    current = greenlet.getcurrent()
    if not isinstance(current, _BridgeGreenlet) or current.driver is None:
        return
    if time.perf_counter() - current.resumed_at < _TIME_SLICE:
        return
    current.driver.switch(_TURN)
    current.resumed_at = time.perf_counter()


async def run_in_bridge(fn: Callable[..., _T], *args: object, **kwargs: object) -> _T:
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
    worker.resumed_at = time.perf_counter()
    request = worker.switch([fn, args, kwargs])
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
    else:
        # Beyond the pool (many calls suspended at once under ``gather``), end the worker
        # now: a suspended greenlet that is merely dropped is never collected (its frame
        # holds it), so each burst of concurrent calls would leave its workers behind.
        worker.throw(greenlet.GreenletExit)
    if request.error is not None:
        error, request.error = request.error, None
        if isinstance(error, StopIteration):
            # Python turns a StopIteration that leaves a coroutine into a bare
            # ``RuntimeError('coroutine raised StopIteration')``: name it instead. The
            # builder already names the factory and field of a declaration's StopIteration.
            raise DeclarationExhaustedError(
                f"{getattr(fn, '__qualname__', fn)!s} raised StopIteration inside a factory "
                "call (an exhausted iterator?)."
            ) from error
        raise error
    result: _T = request.value
    request.value = None
    return result
