"""One connection, one call at a time: calls on a shared session run one after another.

An ``AsyncSession`` (like a MongoDB client session) runs one operation at a time: two
``create_async`` calls gathered on one session would flush concurrently and fail with
"Session is already flushing". Each call therefore holds its exclusive connection objects
(the backend says which, ``AsyncFactory._exclusive_resources``) for its whole run, so gathered
calls on one session are serialised, while calls on different sessions still run
concurrently.

The lock is re-entrant for the call chain that holds it: a call made from an ``async def``
hook of a call that holds the session (same task, same context) uses the session without
waiting for itself. The locks live beside the objects in a weak map, so they go away with
the session.
"""

from __future__ import annotations

import asyncio
import contextvars
import weakref
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

__all__ = ["hold_exclusively"]

_locks: weakref.WeakKeyDictionary[object, asyncio.Lock] = weakref.WeakKeyDictionary()

# Identities of the objects the current call chain holds. Tasks started from inside a call
# copy the context and so count as part of the chain (as a nested call from a hook does).
_held: contextvars.ContextVar[frozenset[int]] = contextvars.ContextVar(
    "async_factory_boy_held_connections", default=frozenset()
)


def _lock_for(resource: object) -> asyncio.Lock | None:
    try:
        lock = _locks.get(resource)
        if lock is None:
            lock = _locks[resource] = asyncio.Lock()
    except TypeError:  # not weak-referenceable: nothing to key a lock on
        return None
    return lock


@asynccontextmanager
async def hold_exclusively(resources: Iterable[object]) -> AsyncIterator[None]:
    """Hold ``resources`` for the block, waiting for other call chains that hold them."""
    held = _held.get()
    # A stable order (by identity) so that two calls holding the same pair never deadlock.
    wanted = sorted(
        {id(resource): resource for resource in resources if id(resource) not in held}.items()
    )
    if not wanted:
        yield
        return
    acquired: list[asyncio.Lock] = []
    try:
        for _, resource in wanted:
            lock = _lock_for(resource)
            if lock is not None:
                await lock.acquire()
                acquired.append(lock)
        token = _held.set(held | {key for key, _ in wanted})
        try:
            yield
        finally:
            _held.reset(token)
    finally:
        for lock in reversed(acquired):
            lock.release()
