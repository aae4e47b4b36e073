"""Calling a handler's methods, whether they are ``async def`` or blocking.

The factories and the adapters go through these helpers so that every handler is treated the
same way: coroutine methods are awaited on the event loop, sync methods run in a worker thread
(``asyncio.to_thread``, which copies the caller's ``contextvars``), a ``None`` result means
"stored in place", and a handler without ``save_many`` gets its objects one ``save`` at a time.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterable, Sequence
from typing import Any

from ._types import Function, Instance

__all__ = ["call_method", "describe", "get_or_create_with", "save_many_with", "save_with"]


async def call_method(method: Function, *args: object) -> Any:
    """Await ``method(*args)`` if it is a coroutine function, else run it in a worker thread.

    A sync callable that hands back an awaitable (a lambda around a coroutine function, say)
    has that awaitable awaited too.
    """
    if inspect.iscoroutinefunction(method):
        return await method(*args)
    result = await asyncio.to_thread(method, *args)
    if inspect.isawaitable(result):
        result = await result
    return result


def describe(handler: object) -> str:
    """A short name for ``handler`` in error messages."""
    return type(handler).__name__


async def save_with(handler: Any, obj: Instance) -> Instance:
    """Store one object through ``handler.save`` and return the stored object."""
    result = await call_method(handler.save, obj)
    return obj if result is None else result


async def save_many_with(handler: Any, objs: Sequence[Instance]) -> list[Instance]:
    """Store a batch through ``handler.save_many`` (or one ``save`` each, in order)."""
    bulk = getattr(handler, "save_many", None)
    if bulk is None:
        return [await save_with(handler, obj) for obj in objs]
    result = await call_method(bulk, list(objs))
    if result is None:
        return list(objs)
    saved = list(result)
    if len(saved) != len(objs):
        raise TypeError(
            f"{describe(handler)}.save_many returned {len(saved)} objects for {len(objs)}; "
            "return one stored object per object given, in order (or None to keep them)."
        )
    return saved


async def get_or_create_with(handler: Any, obj: Instance, fields: Iterable[str]) -> Instance:
    """Return the stored object matching ``obj`` on ``fields``, storing ``obj`` if none does."""
    result = await call_method(handler.get_or_create, obj, tuple(fields))
    return obj if result is None else result
