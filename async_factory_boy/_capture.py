"""A batch call whose objects a tool may take over instead of the backend persisting them.

The seed command writes whole batches with its own bulk statements, yet it must store what
``create_batch_async`` would: the same declarations, the same post-generation hooks (they
see ``create=True``), RelatedFactory objects, nested factory calls from hooks. This module
is the one entry point the core offers for that: :func:`create_batch_captured` runs a
``create_batch_async``-like call in which every object the create strategy reaches is first
offered to a ``capture`` function. It either takes the object (builds it without persisting
it, to write it later itself) or declines it, and the factory then persists it exactly as in
``create_batch_async``, through the call's connection arguments.

Everything else is the ordinary call: the same per-call state (nested calls made from hooks
inherit its connection arguments), the same builder and greenlet bridge, the same deferred
batch writes and end-of-call steps. The build yields to the event loop every few
milliseconds, so a signal handler or a cancellation gets in during a large batch.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final

from ._bridge import await_, run_in_bridge
from ._builder import AsyncStepBuilder
from ._call import FactoryCall, activate
from ._compat import enums
from ._factory import AsyncFactory, DeferredWrites
from ._locks import hold_exclusively
from ._scope import CallScope

__all__ = ["DECLINED", "Capture", "create_batch_captured"]


class _Declined:
    """The type of :data:`DECLINED`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "DECLINED"


#: What a :data:`Capture` function returns to let the factory persist the object itself.
DECLINED: Final = _Declined()

#: ``capture(factory, model_class, args, kwargs)``: the object, built and taken over (not
#: persisted), or :data:`DECLINED`. Runs inside the call's greenlet (``await_`` works).
Capture = Callable[[type[AsyncFactory[Any]], type[Any], tuple[Any, ...], dict[str, Any]], Any]

#: Longest stretch of building between two yields to the event loop, in seconds.
_YIELD_INTERVAL = 0.02


class _CapturingOptions:
    """A factory's ``_meta`` whose create step is first offered to a capture function."""

    __slots__ = ("_capture", "_options")

    def __init__(self, options: Any, capture: Capture) -> None:
        self._options = options
        self._capture = capture

    def __getattr__(self, name: str) -> Any:
        return getattr(self._options, name)

    def instantiate(self, step: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        factory = self._options.factory
        if issubclass(factory, AsyncFactory):  # factory.List, factory.Dict: plain values
            model_class = self._options.get_model_class()
            instance = self._capture(factory, model_class, args, dict(kwargs))
            if instance is not DECLINED:
                return instance
        return self._options.instantiate(step=step, args=args, kwargs=kwargs)


class _CapturingStepBuilder(AsyncStepBuilder):
    """The core's builder over capturing options; sub-factories inherit both."""

    def __init__(self, factory_meta: Any, extras: dict[str, Any], strategy: str) -> None:
        super().__init__(factory_meta, extras, strategy)
        self._capture: Capture = factory_meta._capture

    def recurse(self, factory_meta: Any, extras: dict[str, Any]) -> AsyncStepBuilder:
        return self.__class__(
            _CapturingOptions(factory_meta, self._capture), extras, strategy=self.strategy
        )


def _build_all(factory: type[AsyncFactory[Any]], size: int, capture: Capture) -> list[Any]:
    options = _CapturingOptions(factory._meta, capture)
    made = []
    last_yield = time.monotonic()
    for _ in range(size):
        made.append(_CapturingStepBuilder(options, {}, enums.CREATE_STRATEGY).build())
        now = time.monotonic()
        if now - last_yield >= _YIELD_INTERVAL:
            await_(asyncio.sleep(0))  # let signal handlers and cancellation in
            last_yield = time.monotonic()
    return made


class _BeforeFinish(CallScope):
    """The caller's end-of-batch step: opened first, so it finishes before the backends'."""

    __slots__ = ("callback",)

    def __init__(self, call: FactoryCall) -> None:
        super().__init__(call)
        self.callback: Callable[[], Awaitable[None]] | None = None

    async def finish(self) -> None:
        if self.callback is not None:
            await self.callback()


async def create_batch_captured(
    factory: type[AsyncFactory[Any]],
    size: int,
    *,
    connection: Mapping[str, Any],
    capture: Capture,
    before_finish: Callable[[], Awaitable[None]] | None = None,
) -> list[Any]:
    """Create ``size`` objects of ``factory`` as one batch call, offering each to ``capture``.

    ``connection`` holds the call's connection arguments (``{"sqlalchemy_session": s}``),
    given to declined objects and to nested calls made from hooks, as with
    ``create_batch_async(size, **connection)``. ``before_finish`` is awaited once every
    object is built, before the backends' end-of-call writes (their flush, their
    ``insert_many``); a failure anywhere unwinds the call as in ``create_batch_async``.
    Returns the top-level objects, captured or persisted.
    """
    size = factory._check_size(size)
    call = FactoryCall(
        factory=factory, strategy=enums.CREATE_STRATEGY, connection=dict(connection), size=size
    )
    factory._check_persistence_argument(call)
    factory._prepare_call(call)
    if before_finish is not None:
        call.scope(_BeforeFinish, factory).callback = before_finish
    async with hold_exclusively(factory._exclusive_resources(call)):
        with activate(call):
            try:
                made = await run_in_bridge(_build_all, factory, size, capture)
            except BaseException as exc:
                await call.finish(exc)
                raise
            await call.finish(None)
    deferred = call.find_scope(DeferredWrites)
    result: list[Any] = made if deferred is None else deferred.replace_in(made)
    return result
