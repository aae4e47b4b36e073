"""A batch call whose objects a tool may take over instead of the backend persisting them.

The seed command writes whole batches with its own bulk statements, yet it must store what
``create_batch_async`` would: the same declarations, the same post-generation hooks (they
see ``create=True``), RelatedFactory objects, nested factory calls from hooks. This is not a
second call lifecycle: :func:`create_batch_captured` is ``create_batch_async`` with the
core call's capture option (:meth:`AsyncFactory._call_async
<async_factory_boy.AsyncFactory._call_async>`). Every object the create strategy reaches is
first offered to a ``capture`` function, which either takes it (builds it without persisting
it, to write it later itself) or declines it; a declined object is persisted exactly as in
``create_batch_async``, through the backend's scope and the call's connection arguments.

Everything else is the ordinary call: the same per-call state (nested calls made from hooks
inherit its connection arguments), the same checks and lock, the same builder and greenlet
bridge (whose ``cooperate()`` yields to the event loop every ~10 ms of building, so a signal
handler or a cancellation gets in during a large batch), the same end-of-call steps.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ._compat import enums
from ._factory import DECLINED, AsyncFactory, Capture
from ._types import Instance, ReadKwargs

__all__ = ["DECLINED", "Capture", "create_batch_captured"]


async def create_batch_captured(
    factory: type[AsyncFactory[Any]],
    size: int,
    *,
    connection: ReadKwargs,
    capture: Capture,
    before_finish: Callable[[], Awaitable[None]] | None = None,
) -> list[Instance]:
    """Create ``size`` objects of ``factory`` as one batch call, offering each to ``capture``.

    ``connection`` holds the call's connection arguments (``{"sqlalchemy_session": s}``),
    given to declined objects and to nested calls made from hooks, as with
    ``create_batch_async(size, **connection)``. ``before_finish`` is awaited once every
    object is built, before the backends' end-of-call writes (their flush, their
    ``insert_many``); a failure anywhere unwinds the call as in ``create_batch_async``.
    Returns the top-level objects, captured or persisted.
    """
    result: list[Instance] = await factory._call_async(
        enums.CREATE_STRATEGY,
        dict(connection),
        factory._check_size(size),
        capture=capture,
        before_finish=before_finish,
    )
    return result
