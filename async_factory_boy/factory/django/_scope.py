"""The Django backend's share of one factory call (its :class:`CallScope`).

It remembers which build step is being instantiated, so the factory's create hooks know
the overrides of their own level (the get-or-create lookup values) and whether the object is
a top-level object of a batch; and each written object's field values, to tell afterwards
whether a post-generation hook changed it and it must be saved again.

Django writes each object as it is created (``acreate``) inside the caller's transaction;
a batch's top-level objects go through the core's
:class:`~async_factory_boy._factory.DeferredWrites` scope to one ``abulk_create``.
"""

from __future__ import annotations

from typing import Any

from ..._call import current_call
from ..._scope import CallScope

__all__ = ["DjangoScope", "current_step"]


class DjangoScope(CallScope):
    """Per-call state of the Django factories: the current build step and the snapshots."""

    __slots__ = ("snapshots", "step")

    def __init__(self, call: Any) -> None:
        super().__init__(call)
        # The greenlet is paused inside ``instantiate`` while ``_create_async`` runs on the
        # task, so both read the same step.
        self.step: Any = None
        #: Field values right after an object was written, by ``id`` of the object.
        self.snapshots: dict[int, dict[str, Any]] = {}


def current_step() -> Any:
    """The factory_boy ``BuildStep`` whose object is being created, if any."""
    call = current_call()
    scope = None if call is None else call.find_scope(DjangoScope)
    return None if scope is None else scope.step
