"""One SQL batch: objects taken over for the bulk writer, the ORM session where it is needed.

The seed command must store the rows ``create_batch_async(sqlalchemy_session=...)`` would.
Each batch is one call of the core's :func:`~async_factory_boy._capture.create_batch_captured`
with a real ``AsyncSession`` on the seed's connection as ``sqlalchemy_session``:

- Objects of plain SQLAlchemy factories (no ``_create_async`` override, no get_or_create)
  are taken over, whether their post-generation hooks are sync or ``async def`` (both run
  inside the call's greenlet, so a key read in either flushes on demand): built without a
  session and written at the end of the batch with Core ``insert()`` executemany (the
  SQLAlchemy backend's bulk writer, ``write_rows``, the one ``create_batch_async`` uses),
  the fast path.
- Everything else is declined and persisted by the backend through the session, exactly as
  in a test; nested factory calls made from hooks get that session too.
- Flush on demand: when a declaration or hook reads a generated key (``o.parent.id``) of a
  taken-over object, the batch switches to the session: the objects taken so far are added
  to it and flushed, the read gets the real key, and the rest of the batch goes through the
  backend. A batch in which the session was used in any way is written by the session's
  flush, so objects are never written twice and every relationship is honoured.

So factories that never read keys keep the bulk speed, and the others get test semantics.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Awaitable, Callable
from typing import Any

import greenlet
from sqlalchemy import Column, event, inspect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.util import await_only

from ..._bridge import await_, in_bridge
from ..._capture import DECLINED, create_batch_captured
from ..._factory import AsyncFactory
from ..._types import Args, Instance, Kwargs, ModelClass
from ._bulk import write_rows
from ._bulk_plan import BulkUnsupported, is_generated
from ._insert_rows import InsertRows, core_insert_rows
from ._seed_rows import PATHS, RowsBatch, rows_capable
from ._seed_takeover import bulk_capable
from ._session import SessionScope

__all__ = ["AllocateKey", "build_records", "write_batch"]

#: ``allocate_key(conn, obj, attribute)``: a generated key for an object not written yet, as
#: the database would give it (drawn from its sequence), or None when it cannot.
AllocateKey = Callable[[AsyncConnection, Any, str], Awaitable[Any]]

_SESSION_ARGUMENT = "sqlalchemy_session"
_active: contextvars.ContextVar[_Batch | None] = contextvars.ContextVar(
    "async_factory_boy_seed_batch", default=None
)


_watched: set[type] = set()


def _watch(model_class: type) -> None:
    """Learn about reads of ``model_class``'s generated columns (flush on demand)."""
    if model_class in _watched:
        return
    _watched.add(model_class)
    mapper: Mapper[object] = inspect(model_class)
    for prop in mapper.column_attrs:
        if any(is_generated(c) for c in prop.columns if isinstance(c, Column)):
            listener = functools.partial(_on_read, prop.key)
            event.listen(prop.class_attribute, "init_scalar", listener, retval=True, propagate=True)


def _on_read(key: str, target: Any, value: object, dict_: Kwargs) -> Any:
    if key in dict_:  # another listener flushed already
        return dict_[key]
    batch = _active.get()
    return value if batch is None else batch.key_read(target, key, value, dict_)


def _waiter() -> Callable[[Awaitable[Any]], Any] | None:
    """How the code reading a key may wait here: through the call's bridge (a declaration,
    a hook of either kind), through SQLAlchemy's greenlet (``await obj.awaitable_attrs.id``
    in an ``async def`` hook), or not at all (plain code on the event loop)."""
    if in_bridge():
        return await_
    if getattr(greenlet.getcurrent(), "__sqlalchemy_greenlet_provider__", False):
        return await_only
    return None


class _Batch:
    """The objects of one batch, and whether its session took over."""

    def __init__(
        self,
        session: AsyncSession,
        insert_rows: InsertRows = core_insert_rows,
        allocate_key: AllocateKey | None = None,
        rows: RowsBatch | None = None,
    ) -> None:
        self.session = session
        #: The rows path's records, when the batch's factories may make them (``_seed_rows``).
        self.rows = rows
        self._insert_rows = insert_rows
        self._allocate_key = allocate_key
        self.captured: list[Instance] = []
        self._captured_ids: set[int] = set()
        self._switched = False

    def capture(
        self,
        factory: type[AsyncFactory[Any]],
        model_class: ModelClass,
        args: Args,
        kwargs: Kwargs,
    ) -> Any:
        if self._switched or not bulk_capable(factory):
            return DECLINED
        instance = SessionScope.make(factory, model_class, args, kwargs)  # as the backend
        _watch(type(instance))
        self.captured.append(instance)
        self._captured_ids.add(id(instance))
        return instance

    def key_read(self, target: Any, key: str, value: object, dict_: Kwargs) -> Any:
        """A generated key of an object taken over is read: flush for it, if we can.

        Objects in the session are the backend's: its own listener decides for them.
        """
        if id(target) not in self._captured_ids:
            return value  # not ours
        wait = _waiter()
        if wait is None:
            return value  # on the event loop, where the backend gives None too
        if self._allocate_key is not None and not self._switched:
            # A key drawn from the sequence now is the key the flush would have given:
            # the batch stays on the bulk path (COPY), written with explicit keys.
            allocated = wait(self._allocate_key(self._connection(), target, key))
            if allocated is not None:
                dict_[key] = allocated
                return allocated
        state = inspect(target)
        self.switch_to_session()
        wait(self.session.flush())
        if key not in dict_ and state.persistent and key in state.unloaded:
            wait(self.session.refresh(target, attribute_names=[key]))
        return dict_.get(key, value)

    def _connection(self) -> AsyncConnection:
        bind = self.session.bind
        assert isinstance(bind, AsyncConnection)
        return bind

    def switch_to_session(self) -> None:
        """From now on the batch is written by the session's flush, as in a test."""
        self._switched = True
        self.session.add_all(self.captured)

    def before_flush(self, session: Session, context: Any, objects: Any) -> None:
        """The session flushes (a declined object's flush, a hook's): the batch is the
        session's from now on (it would be at its end anyway, ``session_used``), and the
        objects taken so far join this flush. A captured object may hang in a relationship
        of an object in the session (``back_populates``): flushed without it, SQLAlchemy
        warns "not in session, add operation along ... will not proceed" although the
        batch's end writes its row."""
        if not self._switched:
            self.switch_to_session()

    def session_used(self) -> bool:
        sync = self.session.sync_session
        return self._switched or bool(sync.new) or bool(sync.identity_map) or bool(sync.dirty)

    async def write(self, conn: AsyncConnection) -> None:
        """The end of the batch: the records' rows, one bulk write, or the session's flush."""
        if self.rows is not None:
            await self.rows.write(conn, self._insert_rows)
            return
        PATHS["objects"] += 1
        if not self.session_used():
            try:
                await write_rows(conn, self.captured, insert_rows=self._insert_rows)
                return
            except BulkUnsupported:  # raised before anything is written
                pass
        self.switch_to_session()
        await self.session.flush()


async def write_batch(
    conn: AsyncConnection,
    factory: type[AsyncFactory[Any]],
    size: int,
    *,
    insert_rows: InsertRows = core_insert_rows,
    allocate_key: AllocateKey | None = None,
    rows: bool = False,
) -> None:
    """Create ``size`` objects of ``factory`` on ``conn`` (inside its open transaction).

    ``insert_rows`` writes each table of the bulk path (default: Core ``insert()``
    executemany; the seed passes COPY on PostgreSQL); ``allocate_key`` gives a key read
    before the write without flushing (default: flush). ``rows``: the factory may take the
    rows path (``_seed_rows``), for a caller that rebuilds the batch on
    :class:`~async_factory_boy._seeding.RebuildBatch` (the seed's run).
    """
    session = AsyncSession(bind=conn)
    factories = rows_capable(factory) if rows else None
    records = RowsBatch(factories) if factories is not None else None
    batch = _Batch(session, insert_rows, allocate_key, records)
    event.listen(session.sync_session, "before_flush", batch.before_flush)

    async def finish() -> None:
        await batch.write(conn)

    token = _active.set(batch)
    try:
        await create_batch_captured(
            factory,
            size,
            connection={_SESSION_ARGUMENT: session},
            capture=batch.capture if records is None else records.capture,
            before_finish=finish,
        )
        await session.flush()  # whatever a hook added after the batch's write
    finally:
        _active.reset(token)
        await session.close()


async def build_records(
    conn: AsyncConnection, factory: type[AsyncFactory[Any]], size: int, records: RowsBatch
) -> None:
    """Build ``size`` objects of ``factory`` as row records into ``records``, writing
    nothing: the rows path's build, apart from its write (:meth:`RowsBatch.write`), so that
    the seed builds a batch while the one before it is written on ``conn``. The session
    the call gets is never used (every object is captured as a record)."""
    session = AsyncSession(bind=conn)
    try:
        await create_batch_captured(
            factory, size, connection={_SESSION_ARGUMENT: session}, capture=records.capture
        )
        records.prepare()
    finally:
        await session.close()
