"""The Django backend's share of one factory call (its :class:`CallScope`).

It remembers which build step is being instantiated, so the factory's create hooks know
the overrides of their own level (the get-or-create lookup values) and whether the object is
a top-level object of a batch; and each written object's field values, to tell afterwards
whether a post-generation hook changed it and it must be saved again.

Django writes each object as it is created (``acreate``) inside the caller's transaction;
a batch's top-level objects go through the core's
:class:`~async_factory_boy._factory.DeferredWrites` scope to one ``abulk_create``. A batch
runs inside ``transaction.atomic`` (a SAVEPOINT when the caller is in a transaction already),
entered before its first write and left after its bulk write, so a failing batch leaves none
of its rows and the caller's transaction usable.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from ..._bridge import await_
from ..._call import current_call
from ..._scope import CallScope

__all__ = ["DjangoScope", "current_step"]


@asynccontextmanager
async def _atomic(alias: str) -> AsyncIterator[None]:
    """``transaction.atomic(using=alias)`` around async ORM calls.

    Django's async ORM runs its queries in the thread-sensitive worker thread; entering and
    leaving the atomic block there puts those queries inside it (Django has no async atomic).
    """
    from asgiref.sync import sync_to_async
    from django.db import transaction  # type: ignore[import-untyped]

    block = transaction.atomic(using=alias)
    await sync_to_async(block.__enter__, thread_sensitive=True)()
    try:
        yield
    except BaseException as exc:
        await sync_to_async(block.__exit__, thread_sensitive=True)(
            type(exc), exc, exc.__traceback__
        )
        raise
    await sync_to_async(block.__exit__, thread_sensitive=True)(None, None, None)


class DjangoScope(CallScope):
    """Per-call state of the Django factories: the current build step and the snapshots."""

    __slots__ = ("atomic_aliases", "snapshots", "step")

    def __init__(self, call: Any) -> None:
        super().__init__(call)
        #: Database aliases whose atomic block the batch entered.
        self.atomic_aliases: set[str] = set()
        # The greenlet is paused inside ``instantiate`` while ``_create_async`` runs on the
        # task, so both read the same step.
        self.step: Any = None
        #: Field values right after an object was written, by ``id`` of the object.
        self.snapshots: dict[int, dict[str, Any]] = {}

    def atomic_batch(self, alias: str) -> None:
        """Enter the batch's atomic block on ``alias`` before its first write there.

        Runs inside the call's bridge; the block is left when the call ends (after the bulk
        write), rolled back if it failed.
        """
        if self.call.is_batch and alias not in self.atomic_aliases:
            self.atomic_aliases.add(alias)
            await_(self.call.enter_async_context(_atomic(alias)))


def current_step() -> Any:
    """The factory_boy ``BuildStep`` whose object is being created, if any."""
    call = current_call()
    scope = None if call is None else call.find_scope(DjangoScope)
    return None if scope is None else scope.step
