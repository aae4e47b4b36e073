"""``SQLAlchemyPersistence``: an ``AsyncSession`` seen through the persistence protocol.

``save`` adds and flushes, ``save_many`` adds all and flushes once; nothing is committed, so
the caller's transaction stays the caller's. SQLAlchemy is imported only when an adapter is
created, so the persistence package does not need it installed.

What the protocol cannot express, and the dedicated SQLAlchemy factories do: flushing on
demand when a declaration reads a generated key of an object not yet flushed inside a batch,
and one SAVEPOINT around a whole call so that a failure leaves nothing behind.
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

    async def save(self, obj: T) -> T:
        """Add ``obj`` and flush, so its generated keys are set."""
        self.session.add(obj)
        await self.session.flush()
        return obj

    async def save_many(self, objs: Sequence[T]) -> list[T]:
        """Add every object and flush once."""
        batch = list(objs)
        self.session.add_all(batch)
        await self.session.flush()
        return batch

    async def get_or_create(self, obj: T, fields: Iterable[str]) -> T:
        """The row equal to ``obj`` on ``fields`` if the session finds one, else ``obj`` saved.

        Within one session only: two sessions racing may both insert (or hit the unique
        constraint); the dedicated SQLAlchemy factories handle that race.
        """
        from sqlalchemy import select

        criteria = {name: getattr(obj, name) for name in fields}
        statement = select(type(obj)).filter_by(**criteria).limit(1)
        existing: T | None = (await self.session.execute(statement)).scalars().first()
        if existing is not None:
            return existing
        return await self.save(obj)

    def __repr__(self) -> str:
        return f"SQLAlchemyPersistence({self.session!r})"
