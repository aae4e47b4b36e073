"""The bulk write with ORM semantics: a session's pending objects written by Core inserts,
then made persistent as if a flush had written them.

:func:`write_pending` replaces ``await session.flush()`` when that flush would only INSERT
new objects. It writes their rows with :mod:`._bulk` on the session's own connection (so in
its transaction and SAVEPOINT), puts the values the database generated into the objects
with ``set_committed_value``, and then registers the objects as persistent the way the flush
itself finishes: ``Session._register_persistent``, the one step the unit of work ends with
(for objects just inserted, :func:`~._register.register_new` leaves them the same in one pass).
That step is why this is exact where ``make_transient_to_detached`` + ``add`` is not: it
records the objects as new in the session's transaction, so ``rollback()`` (of the
transaction or of a SAVEPOINT) expunges them as it expunges flushed objects, and it expires
nothing (``make_transient_to_detached`` expires every unset attribute, which async code
cannot load back).

Stored objects whose one-to-many collections gained new objects (a firm whose ``staff``
got a new worker through a backref) are dirty, but the flush would only set the children's
foreign keys and commit the collections; the bulk write does the same. Anything else the
flush would do falls back to the flush itself: other changes to stored objects, deletions,
flush, insert and ``refresh_flush`` event listeners (they expect to see the flush), mappings
:mod:`._bulk_plan` refuses, and dialects that cannot return generated values in
parameter order for an executemany.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import instance_state, set_committed_value
from sqlalchemy.util import safe_reraise

from ..._types import Instance, Kwargs
from ._bulk import Fetch, ParentLink, prepare
from ._bulk_plan import ONETOMANY, BulkUnsupported, TablePlan, plan_for
from ._inline_connection import inline_connection, run_inline
from ._register import register_new

__all__ = ["write_pending"]

_MISSING = object()


def _has_flush_listeners(session: Session) -> bool:
    dispatch = session.dispatch
    return bool(dispatch.before_flush or dispatch.after_flush or dispatch.after_flush_postexec)


def _has_insert_listeners(plans: Any) -> bool:
    """Mapper ``before_insert`` / ``after_insert`` or instance ``refresh_flush`` listeners:
    the flush calls them, the bulk write would not."""
    return any(
        plan.mapper.dispatch.before_insert
        or plan.mapper.dispatch.after_insert
        or plan.mapper.class_manager.dispatch.refresh_flush
        for plan in plans
    )


async def write_pending(session: AsyncSession, *, as_flush: bool = False) -> bool:
    """Write ``session``'s pending objects in bulk; ``False`` if the flush must do it.

    Returns ``False`` before writing anything whenever the result could differ from a
    flush's; on ``True`` the session is as after a flush of those objects. ``as_flush``
    (a single call, which has no SAVEPOINT of its own): the write runs in a subtransaction
    of the session's, as ``Session.flush`` runs its unit of work, so a failed INSERT leaves
    the session exactly as a failed flush does (its transaction rolled back, the new
    objects expunged, "rolled back due to a previous exception during flush" until
    ``rollback()``).
    """
    sync = session.sync_session
    if sync.deleted or _has_flush_listeners(sync):
        return False
    pending = sync.new
    if not pending:
        return not sync.dirty
    states = sorted((instance_state(obj) for obj in pending), key=attrgetter("insert_order"))
    objects = [state.obj() for state in states]
    parents = _grown_parents(sync.dirty, {id(obj) for obj in objects})
    if parents is None:
        return False

    def is_known(obj: Instance) -> bool:
        state = instance_state(obj)
        return state.key is not None and state.session is sync and not state.expired

    try:
        write = prepare(objects, fetch=Fetch.GENERATED, is_known=is_known, parents=parents)
    except BulkUnsupported:
        return False
    plans = {id(plan): plan for plan in write.plans.values()}.values()
    if _has_insert_listeners(plans):
        return False

    def writes_exactly(conn: AsyncConnection) -> bool:
        return not write.needs_returning() or bool(
            conn.dialect.insert_executemany_returning_sort_by_parameter_order
        )

    def finish() -> None:
        for obj in objects:
            _take_values(obj, write.plans[id(obj)], write.rows[id(obj)])
        grown = {instance_state(link[0]) for link in parents}
        if not register_new(sync, set(states)):
            sync._register_persistent({*states, *grown})
        elif grown:
            sync._register_persistent(grown)

    if not as_flush:
        conn = await session.connection()
        if not writes_exactly(conn):
            return False
        await write.execute(conn)
        finish()
        return True

    def flush_like(sync: Session) -> bool:
        # The session's connection taken here, in the one greenlet this write runs in, as
        # ``AsyncSession.connection()`` takes it (which would spawn a greenlet of its own:
        # a single create pays that per call), and the statements run on it directly
        # (``_inline_connection``), not through ``AsyncConnection``.
        conn = inline_connection(sync.connection())
        if not writes_exactly(conn):
            return False
        # Session._flush's frame around its unit of work (private, as _register_persistent).
        transaction = sync._autobegin_t()._begin()
        try:
            run_inline(write.execute(conn))
            finish()
            transaction.commit()
        except BaseException:
            with safe_reraise():
                transaction.rollback(_capture_exception=True)
        return True

    return await session.run_sync(flush_like)


def _grown_parents(dirty: Any, new: set[int]) -> list[ParentLink] | None:
    """The dirty objects' changes, if each is only new objects of this write added to a
    one-to-many collection; ``None`` if any change needs the flush (an UPDATE, a removal)."""
    links: list[ParentLink] = []
    for obj in dirty:
        state = instance_state(obj)
        try:
            relations = {relation.key: relation for relation in plan_for(type(obj)).relations}
        except BulkUnsupported:
            return None
        for key in state.committed_state:
            relation = relations.get(key)
            if relation is None or relation.direction is not ONETOMANY:
                return None
            history = state.attrs[key].history
            if history.deleted or not all(id(child) in new for child in history.added):
                return None
            links.append((obj, relation, list(history.added)))
    return links


def _take_values(obj: Instance, plan: TablePlan, row: Kwargs) -> None:
    """Put what the INSERT generated (keys, defaults, copied foreign keys) into ``obj``.

    The values go straight into the object's dict: ``_register_persistent``, which follows
    for every written object, commits all of its attributes (``_commit_all_states``), which
    is what ``set_committed_value`` does per attribute, one ``InstanceState._commit`` each.
    The per-attribute commit also drops the attribute's own load callable; an object that
    has any (none made by a factory has) gets ``set_committed_value`` as before.
    """
    state = obj.__dict__
    inline = not instance_state(obj).callables
    for attribute, column, _keep_none in plan.columns:
        if column in row:
            value = row[column]
            if state.get(attribute, _MISSING) is not value:
                if inline:
                    state[attribute] = value
                else:
                    set_committed_value(obj, attribute, value)
