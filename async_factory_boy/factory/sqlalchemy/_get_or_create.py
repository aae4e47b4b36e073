"""``Meta.sqlalchemy_get_or_create``: look the row up, insert it if missing, race-safe.

factory_boy rolls the whole session back when the INSERT hits an IntegrityError, losing the
caller's transaction. Here the INSERT runs in its own SAVEPOINT, so a lost race costs only
that SAVEPOINT; the row the winner inserted is then read back with a locking read
(``SELECT ... FOR SHARE`` / ``LOCK IN SHARE MODE``): under MariaDB's REPEATABLE READ a plain
re-read would still see the transaction's old snapshot, without the winner's row. A shared
lock, not an exclusive one, so that several losers reading the same row do not deadlock.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ..._compat import FactoryError
from ._savepoint import savepoint

__all__ = ["find", "insert_or_find", "take_lookup"]


def take_lookup(factory: type, fields: tuple[str, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """Pop the get_or_create fields' values out of the model's keyword arguments."""
    lookup: dict[str, Any] = {}
    for name in fields:
        if name not in kwargs:
            raise FactoryError(
                f"{factory.__name__}: Meta.sqlalchemy_get_or_create names {name!r}, but the "
                f"factory gives no value for it; declare {name!r} on the factory or pass "
                f"{name}=... to the call."
            )
        lookup[name] = kwargs.pop(name)
    return lookup


async def find(
    session: AsyncSession, model_class: type, lookup: Mapping[str, Any], *, lock: bool = False
) -> Any:
    """The one row of ``model_class`` matching ``lookup``, or ``None``.

    Several matches raise ``MultipleResultsFound``: the get_or_create fields do not
    identify a row, which is a mistake in the factory to fix, not a row to pick.
    """
    statement: Select[Any] = select(model_class).filter_by(**lookup)
    if lock:
        statement = statement.with_for_update(read=True)
    result = await session.scalars(statement)
    return result.one_or_none()


async def insert_or_find(
    session: AsyncSession,
    model_class: type,
    obj: Any,
    lookups: tuple[Mapping[str, Any], ...],
) -> Any:
    """Insert ``obj`` in a SAVEPOINT; if that violates a constraint, return the winner.

    Another transaction may have inserted the same key since our lookup. The row is then
    read back by each of ``lookups`` in turn (the values used for the lookup, then the
    get_or_create values the caller passed explicitly, as factory_boy does); if none finds
    it, the IntegrityError is raised.
    """
    await session.flush()  # earlier pending objects: their errors are not ours to catch
    try:
        async with savepoint(session):
            session.add(obj)
            await session.flush()
    except IntegrityError:
        for lookup in lookups:
            if lookup:
                winner = await find(session, model_class, lookup, lock=True)
                if winner is not None:
                    return winner
        raise
    return obj
