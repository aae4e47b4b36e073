"""``SQLAlchemyPersistence``: an ``AsyncSession`` seen through the persistence protocol.

``save`` adds and flushes, ``save_many`` adds all and flushes once inside a SAVEPOINT (a
failure leaves none of the batch and the session usable); nothing is committed, so the
caller's transaction stays the caller's. The SAVEPOINT and the race-safe get_or_create are
the SQLAlchemy backend's own (:mod:`async_factory_boy.factory.sqlalchemy._api`), so rows are
written by one code path whether a factory or this adapter writes them. SQLAlchemy is
imported only when an adapter is created, so the persistence package does not need it.

What the protocol cannot express, and the dedicated SQLAlchemy factories do: flushing on
demand when a declaration reads a generated key of an object not yet flushed inside a batch,
and one SAVEPOINT around a whole call (the adapter has one per ``save_many``, that is per
model of a batch).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .._dependencies import require
from ..errors import SessionTypeError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_scoped_session

__all__ = ["SQLAlchemyPersistence"]

T = TypeVar("T")


class SQLAlchemyPersistence(Generic[T]):
    """Persists through an ``AsyncSession``: ``add`` + one ``flush`` per save or batch.

    The flush sends the INSERTs (SQLAlchemy batches a batch's rows into few statements) and
    fills generated keys on the objects; committing or rolling back is left to the caller.
    """

    def __init__(self, session: AsyncSession | async_scoped_session[Any]) -> None:
        require("sqlalchemy", extra="sqlalchemy", needed_by="SQLAlchemyPersistence")
        from sqlalchemy.ext.asyncio import AsyncSession, async_scoped_session
        from sqlalchemy.orm import Session

        if not isinstance(session, (AsyncSession, async_scoped_session)):
            hint = (
                "a sync Session cannot be awaited; open an AsyncSession instead "
                "(async_sessionmaker(create_async_engine(url)))"
                if isinstance(session, Session)
                else "pass an AsyncSession"
            )
            raise SessionTypeError(
                f"SQLAlchemyPersistence needs an AsyncSession, got {type(session).__name__}: "
                f"{hint}."
            )
        self.session = session

    @property
    def exclusive_resource(self) -> object:
        """The session a factory call holds while it saves through this handler.

        An ``AsyncSession`` runs one operation at a time, so gathered calls through one
        handler run one after another (see "One session, many tasks" in docs/core.md).
        """
        from sqlalchemy.ext.asyncio import async_scoped_session

        session = self.session
        return session() if isinstance(session, async_scoped_session) else session

    async def save(self, obj: T) -> T:
        """Add ``obj`` and flush, so its generated keys are set."""
        self.session.add(obj)
        await self.session.flush()
        return obj

    async def save_many(self, objs: Sequence[T]) -> list[T]:
        """Add every object and flush once, all or nothing (an empty batch writes nothing).

        The flush runs in a SAVEPOINT: if it fails (a unique violation, say), none of the
        batch is stored, the objects leave the session, and the session stays usable.
        """
        from ..factory.sqlalchemy._api import all_or_nothing

        batch = list(objs)
        if not batch:
            return batch
        session = self._session()
        await session.flush()  # earlier pending objects: their errors are not this batch's
        async with all_or_nothing(session):
            session.add_all(batch)
            await session.flush()
        return batch

    async def get_or_create(self, obj: T, fields: Iterable[str]) -> T:
        """The row equal to ``obj`` on ``fields``, else ``obj`` inserted and flushed.

        Race-safe, as the SQLAlchemy factories' ``Meta.sqlalchemy_get_or_create``: the
        INSERT runs in a SAVEPOINT, and when another session inserted the same key first
        (with a unique constraint on ``fields``), its row is returned instead of an error.
        """
        from ..factory.sqlalchemy._api import get_or_create_row

        found: T = await get_or_create_row(self._session(), obj, fields)
        return found

    def _session(self) -> AsyncSession:
        """The ``AsyncSession`` (an ``async_scoped_session`` gives its current one)."""
        from sqlalchemy.ext.asyncio import async_scoped_session

        if isinstance(self.session, async_scoped_session):
            current: AsyncSession = self.session()
            return current
        return self.session

    def __repr__(self) -> str:
        return f"SQLAlchemyPersistence({self.session!r})"
