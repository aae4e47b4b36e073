"""``Meta.tortoise_get_or_create``: look the row up, insert it if missing, race-safe.

Tortoise's own ``Model.get_or_create`` opens its transaction by connection *name* (the
task's current client), not on the client it is given, and re-reads with a plain SELECT.
Here the INSERT runs in a SAVEPOINT (or transaction) of the call's own client, so a lost race
costs only that SAVEPOINT, and the winner's row is read back with a locking read on MySQL /
MariaDB: under their REPEATABLE READ a plain re-read would still see the transaction's old
snapshot, without the winner's row. PostgreSQL (READ COMMITTED) and SQLite (one writer) see
it with a plain read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.models import Model

from ..._types import Kwargs, ReadKwargs

if TYPE_CHECKING:
    from ._scope import TortoiseScope

__all__ = ["get_or_create"]


async def _find(
    client: BaseDBAsyncClient, model: type[Model], lookup: ReadKwargs, *, lock: bool
) -> Model | None:
    query = model.filter(**lookup).using_db(client)
    if lock and client.capabilities.dialect == "mysql":
        query = query.select_for_update()
    found: Model | None = await query.get_or_none()
    return found


async def get_or_create(
    scope: TortoiseScope,
    model: type[Model],
    lookup: Kwargs,
    defaults: Kwargs,
) -> Model:
    """The row matching ``lookup``, or a new one made of ``lookup`` and ``defaults``.

    The first lookup runs before the call opens its transaction, if it has not yet: on
    SQLite a transaction that read before another connection committed cannot write
    afterwards ("database is locked"), so the lookup must not start one.
    """
    reader = scope.writer or scope.client
    existing = await _find(reader, model, lookup, lock=False)
    if existing is not None:
        return existing
    writer = await scope.begin()
    try:
        async with writer._in_transaction() as savepoint:
            return await model.create(using_db=savepoint, **lookup, **defaults)
    except IntegrityError:
        winner = await _find(writer, model, lookup, lock=True)
        if winner is None:
            raise
        return winner
