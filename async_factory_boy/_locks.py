"""One connection, one call at a time: calls on a shared session run one after another.

An ``AsyncSession`` (like a MongoDB client session) runs one operation at a time: two
``create_async`` calls gathered on one session would flush concurrently and fail with
"Session is already flushing" (on MariaDB, asyncmy's connection is left mid-packet and
hangs). Each call therefore holds its exclusive connection objects (the backend says
which, ``AsyncFactory._exclusive_resources``) for its whole run, so gathered calls on one
session are serialised, while calls on different sessions still run concurrently.

Calls made *inside* a call (from an ``async def`` hook or declaration, in the same task or
in tasks the hook starts with ``gather``, ``TaskGroup`` or ``create_task``) must neither
wait for the call they run inside (it waits for them: a deadlock) nor skip the lock (tasks
started inside the call would then share the session with each other). So a hold is a
level of a tree, not a flag: every hold (a :class:`_Hold`, which records its task) carries
an *inner* lock, and a call made inside a holding call takes that inner lock instead of the
session's. Inner calls, of whichever task, run one after another; the outer call, suspended
in the hook that waits for them, keeps its own hold. The hold travels in a ``ContextVar``
(tasks copy it, which is how a task started inside a call finds its parent's hold), but it is
an object with a lifetime, not a marker: once the call ends its hold is closed, and a task
still carrying it (one that outlived the call) walks up to the first open hold, or to the
session's own lock. The locks live beside the objects in a weak map, so they go away with
the session.
"""

from __future__ import annotations

import asyncio
import contextvars
import weakref
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from types import MappingProxyType

__all__ = ["hold_exclusively"]

_locks: weakref.WeakKeyDictionary[object, asyncio.Lock] = weakref.WeakKeyDictionary()


class _Hold:
    """One call's hold on one resource: the lock it took, its task, and its inner lock.

    ``task`` is the task that took the hold (for a reader of a hung test's locals, and the
    ``repr``); ``outer`` is the hold this one was taken inside (``None`` for a hold of the
    session's own lock); ``inner`` is the lock calls made inside this one share.
    """

    __slots__ = ("inner", "lock", "open", "outer", "task")

    def __init__(self, lock: asyncio.Lock | None, outer: _Hold | None) -> None:
        self.lock = lock
        self.outer = outer
        self.task = asyncio.current_task()
        self.inner = asyncio.Lock()
        self.open = True

    def __repr__(self) -> str:
        task = self.task.get_name() if self.task is not None else None
        depth, outer = 0, self.outer
        while outer is not None:
            depth, outer = depth + 1, outer.outer
        return f"<hold by task {task!r} at depth {depth}, {'open' if self.open else 'closed'}>"


# The holds of the current call chain, by the identity of the resource held. Tasks started
# inside a call copy the context and so find the hold they must queue under.
_NO_HOLDS: Mapping[int, _Hold] = MappingProxyType({})
_holds: contextvars.ContextVar[Mapping[int, _Hold]] = contextvars.ContextVar(
    "async_factory_boy_holds", default=_NO_HOLDS
)


def _lock_for(resource: object) -> asyncio.Lock | None:
    try:
        lock = _locks.get(resource)
        if lock is None:
            lock = _locks[resource] = asyncio.Lock()
    except TypeError:  # not weak-referenceable: nothing to key a lock on
        return None
    return lock


def _open_hold(hold: _Hold | None) -> _Hold | None:
    """The innermost hold of the chain that is still open (``None``: the session's lock)."""
    while hold is not None and not hold.open:
        hold = hold.outer
    return hold


async def _take(resource: object, outer: _Hold | None) -> _Hold | None:
    """Take ``resource`` at the level of ``outer`` (its inner lock) or at the top."""
    while True:
        outer = _open_hold(outer)
        lock = _lock_for(resource) if outer is None else outer.inner
        if lock is None:
            return None
        await lock.acquire()
        if outer is None or outer.open:
            return _Hold(lock, outer)
        lock.release()  # the call we queued inside ended meanwhile: queue one level up


async def _give_back(hold: _Hold) -> None:
    """End ``hold``: let inner calls still running finish first, then release its lock.

    A task started inside the call and left running (``create_task`` not awaited) may be
    mid-call on the session: the session is handed on only after it is done.
    """
    hold.open = False  # queued inner calls now move up a level, behind this hold's lock
    try:
        if hold.inner.locked():
            async with hold.inner:
                pass
    finally:
        if hold.lock is not None:
            hold.lock.release()


@asynccontextmanager
async def hold_exclusively(resources: Iterable[object]) -> AsyncIterator[None]:
    """Hold ``resources`` for the block: after other tasks' calls, inside the caller's."""
    holds = _holds.get()
    # A stable order (by identity) so that two calls holding the same pair never deadlock.
    wanted = sorted({id(resource): resource for resource in resources}.items())
    if not wanted:
        yield
        return
    taken: list[_Hold] = []
    inside = dict(holds)
    try:
        for key, resource in wanted:
            hold = await _take(resource, holds.get(key))
            if hold is not None:
                taken.append(hold)
                inside[key] = hold
        token = _holds.set(inside)
        try:
            yield
        finally:
            _holds.reset(token)
    finally:
        for hold in reversed(taken):
            await _give_back(hold)
