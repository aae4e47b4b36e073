"""The persistence protocols: what a factory needs from anything that stores objects.

Two methods are the whole contract. ``save`` stores one object, ``save_many`` stores a batch in
one go; both return the stored objects (the same ones updated in place, or new ones). A factory
calls ``save`` from ``create_async`` and ``save_many`` once per factory from
``create_batch_async``. The protocols are structural: any object with these methods fits,
without inheriting from anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar, runtime_checkable

__all__ = ["AnyPersistence", "AsyncPersistence", "SyncPersistence"]

T = TypeVar("T")


@runtime_checkable
class AsyncPersistence(Protocol[T]):
    """Stores objects by awaiting: a database driver, an HTTP API, a repository.

    ``save`` returns the stored object; returning ``None`` means "stored in place", and the
    factory hands back the object it built.
    """

    async def save(self, obj: T, /) -> T:
        """Store one object and return it (or the object that now stands for it)."""
        ...

    async def save_many(self, objs: Sequence[T], /) -> list[T]:
        """Store a batch in one go and return the stored objects, in the same order."""
        ...


@runtime_checkable
class SyncPersistence(Protocol[T]):
    """Stores objects with blocking calls: a file, a sync client, a sync ORM session.

    A factory runs these methods in a worker thread (``asyncio.to_thread``) so the event loop
    keeps running. Gathered calls may therefore run them in several threads at once: a sync
    handler shared by concurrent calls must be thread-safe (guard shared state with a
    ``threading.Lock``). Within one call the methods are called one after the other.
    """

    def save(self, obj: T, /) -> T:
        """Store one object and return it (or the object that now stands for it)."""
        ...

    def save_many(self, objs: Sequence[T], /) -> list[T]:
        """Store a batch in one go and return the stored objects, in the same order."""
        ...


#: Either kind of handler; what ``persistence=`` and ``Meta.persistence`` accept.
AnyPersistence = AsyncPersistence[T] | SyncPersistence[T]
