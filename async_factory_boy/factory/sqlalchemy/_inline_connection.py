"""The bulk writer's statements run on the sync connection, in the greenlet already running.

A single ``create_async`` writes its objects inside ``AsyncSession.run_sync`` (as the flush
runs its unit of work), which already runs in a greenlet of SQLAlchemy's where a sync
``Connection.execute`` may wait for the async driver. Going through ``AsyncConnection``
there would spawn one more greenlet per statement (``greenlet_spawn`` inside
``AsyncConnection.execute``): two greenlets and their switches per user-with-company, which
the hand-written ``add`` + ``flush`` does not pay. :class:`InlineConnection` offers the
part of ``AsyncConnection`` the writer uses (``dialect``, ``execute``, ``scalar``) as
coroutines that never suspend: each calls the sync connection directly, and
:func:`run_inline` runs the writer's coroutine to its end without an event loop.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, TypeVar, cast

from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

__all__ = ["InlineConnection", "inline_connection", "run_inline"]

_T = TypeVar("_T")


class InlineConnection:
    """What the bulk writer calls on an ``AsyncConnection``, done by a sync ``Connection``.

    Only valid inside a greenlet spawned by SQLAlchemy's asyncio layer (``run_sync``),
    where the sync connection's driver calls may wait.
    """

    __slots__ = ("connection", "dialect")

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.dialect = connection.dialect

    async def execute(self, statement: Any, parameters: Any = None) -> Any:
        return self.connection.execute(statement, parameters)

    async def scalar(self, statement: Any, parameters: Any = None) -> Any:
        return self.connection.scalar(statement, parameters)


def inline_connection(connection: Connection) -> AsyncConnection:
    """``connection`` as the writer's ``AsyncConnection`` argument (see the module doc)."""
    return cast(AsyncConnection, InlineConnection(connection))


def run_inline(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """Run a coroutine that awaits only :class:`InlineConnection` to its end, here.

    Raises ``RuntimeError`` (after closing it) if it suspends: it awaited something else,
    which only an event loop can resume.
    """
    try:
        coroutine.send(None)
    except StopIteration as done:
        return cast(_T, done.value)
    coroutine.close()
    raise RuntimeError("run_inline: the coroutine awaited something other than the connection")
