"""What both resolvers do with a resolved value: await it, or name an exhausted declaration.

factory_boy's generic resolver (:mod:`._builder`) and the fast one (:mod:`._plan`) share
these rules, so a value behaves the same whichever path resolved it.
"""

from __future__ import annotations

import types
from typing import Any, NoReturn

from ._bridge import await_, in_bridge, run_coroutine
from ._compat import BuildStepLike
from .errors import DeclarationExhaustedError, SyncCallError

__all__ = ["awaitable_types", "exhausted", "is_awaitable", "resolve_awaitable", "treat_as_value"]

# ``inspect.isawaitable`` costs an ABC check on every resolved attribute; a per-type cache
# keeps the async layer's overhead on plain values (ints, strings, models) to a dict lookup.
awaitable_types: dict[type, bool] = {}
# Classes whose instances are awaitable but stand for themselves (see ``treat_as_value``).
_value_bases: tuple[type, ...] = ()


def treat_as_value(base: type) -> None:
    """Take instances of ``base`` (and its subclasses) as plain values, never awaiting them.

    For classes that define ``__await__`` only so that ``await obj`` gives ``obj`` back (an
    ORM model such as Tortoise's): awaiting them would cost a loop round trip per object,
    and a sync ``build()`` would refuse them. Backends call it once for their model base.
    """
    global _value_bases
    if base not in _value_bases:
        _value_bases = (*_value_bases, base)
        awaitable_types.clear()


def is_awaitable(value: object) -> bool:
    """Whether ``value`` is awaitable (a coroutine, a Task, a Future, any ``__await__``)."""
    kind = type(value)
    known = awaitable_types.get(kind)
    if known is None:
        known = awaitable_types[kind] = hasattr(kind, "__await__") and not issubclass(
            kind, _value_bases
        )
    return known


def resolve_awaitable(value: Any, what: str, step: BuildStepLike) -> Any:
    """Await ``value`` through the bridge, or explain why a sync step cannot."""
    if not in_bridge():
        close = getattr(value, "close", None)
        if close is not None:
            close()
        factory_name = step.builder.factory_meta.factory.__name__
        raise SyncCallError(
            f"{factory_name}: {what} is awaitable, which a sync build() cannot wait for; "
            f"use `await {factory_name}.build_async()` (or create_async) instead."
        )
    if isinstance(value, types.CoroutineType):
        # Run the coroutine's frames inside the call's greenlet, so that sync code it
        # reaches (a SQLAlchemy lazy load in an ``async def`` hook) can await too.
        return run_coroutine(value)
    return await_(value)


def exhausted(exc: StopIteration, what: str, field: str, step: BuildStepLike) -> NoReturn:
    """Raise a named error for a declaration's StopIteration in an async step.

    Inside a factory call the StopIteration would leave the driver coroutine, which Python
    turns into a bare ``RuntimeError('coroutine raised StopIteration')``. A sync
    ``build()`` (outside the bridge) keeps factory_boy's behaviour: the StopIteration.
    """
    if not in_bridge():
        raise exc
    factory_name = step.builder.factory_meta.factory.__name__
    raise DeclarationExhaustedError(
        f"{factory_name}.{field}: {what} ran out of values (StopIteration), e.g. a "
        f"factory.Iterator(..., cycle=False) used more times than it has items; pass "
        f"{field}=... to the call, give the declaration more values or let it cycle.",
        factory_name=factory_name,
        field=field,
    ) from exc
