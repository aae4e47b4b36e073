"""Which factories' objects the seed may take over from the backend (one test, cached).

Shared by the object path (``_seed_batch``: objects collected for the bulk writer) and the
rows path (``_seed_rows``, which asks it first of every factory a batch reaches).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Mapper

from ..._backends import HANDLER_ARGUMENT, backend_of
from ..._factory import AsyncFactory
from ._factory import AsyncSQLAlchemyModelFactory

__all__ = ["bulk_capable"]

_bulk_capable: dict[type, bool] = {}


def bulk_capable(factory: type) -> bool:
    """Whether objects of ``factory`` can be taken over for the bulk writer.

    Only when the backend would do nothing but ``session.add(Model(**values))`` and flush
    for a key read (a plain ``AsyncFactory`` of a mapped model: nothing at all). Any override
    of a persistence step, a get_or_create or ``sqlalchemy_session_persistence = None`` (no
    flush on demand), or an insert listener on the model, leaves the object to the backend.
    An ``async def`` hook does not: the core runs its frames inside the call's greenlet
    (``run_coroutine``), so a generated key it reads is flushed for on demand as in a sync
    hook, where the backend, flushing each such object before its hooks, would make the
    seed a flush per object.
    """
    known = _bulk_capable.get(factory)
    if known is None:
        known = _bulk_capable[factory] = _is_plain(factory)
    return known


def _is_plain(factory: type) -> bool:
    if not issubclass(factory, AsyncFactory):
        return False
    if any(
        factory._overrides(step)
        for step in ("_create_async", "_create_many_async", "_after_postgeneration_async")
    ):
        return False  # a user's persistence step, or a bulk write of the factory's own
    options: Any = factory._meta
    if issubclass(factory, AsyncSQLAlchemyModelFactory):
        if options.sqlalchemy_get_or_create:
            return False
        if options.sqlalchemy_session_persistence is None:
            return False  # added, never flushed for: a key read gives None, as in a test
    elif backend_of(factory).name == HANDLER_ARGUMENT:
        # A plain AsyncFactory of a mapped model persists nothing by itself; the seed
        # writes its objects (unless it saves through a persistence handler).
        if options.persistence is not None or options.persistence_required:
            return False
    else:
        return False  # another backend's factory
    mapper = inspect(options.get_model_class(), raiseerr=False)
    if not isinstance(mapper, Mapper):
        return False
    # ``before_insert`` / ``after_insert`` / ``refresh_flush`` listeners run in a flush, not
    # in the bulk writer's Core INSERTs: the backend's flush writes such objects, as
    # ``create_batch_async`` leaves them to the flush (``_bulk_session``).
    return not (
        mapper.dispatch.before_insert
        or mapper.dispatch.after_insert
        or mapper.class_manager.dispatch.refresh_flush
    )
