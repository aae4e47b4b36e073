"""The seed command's writer for ODMantic factories: the Mongo writer, through an engine.

ODMantic's ``AIOEngine`` runs on Motor, so this writer connects with Motor's
``AsyncIOMotorClient`` (on the command's ``--url``) and hands each batch's
``create_batch_async`` an engine on the ``--database`` database (``odmantic_engine=``) and,
where the server has transactions, the Motor session of the batch's transaction
(``mongo_session=``). Each collection gets one ``insert_many``, as for any ODMantic batch.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from odmantic import AIOEngine

from ..._types import Kwargs
from ..mongo._seed_writer import CONNECT_TIMEOUT_MS, MongoWriter
from ._scope import ENGINE_ARGUMENT

__all__ = ["ODManticWriter"]


class ODManticWriter(MongoWriter):
    """Writes batches of ``AsyncODManticFactory`` factories through an ``AIOEngine``."""

    backend_name = "odmantic"

    def __init__(self, target: Any, copy: bool = True) -> None:
        super().__init__(target, copy)
        self._engine: AIOEngine | None = None

    def _make_client(self, listener: Any) -> Any:
        from motor.motor_asyncio import AsyncIOMotorClient

        return AsyncIOMotorClient(
            self._target.url,
            serverSelectionTimeoutMS=CONNECT_TIMEOUT_MS,
            event_listeners=[listener],
        )

    async def _connected(self) -> None:
        self._engine = AIOEngine(client=self._client, database=self._database.name)

    def connection(self, session: Any) -> Kwargs:
        return {ENGINE_ARGUMENT: self._engine, "mongo_session": session}

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[Any]:
        async with await self._client.start_session() as session:  # noqa: SIM117
            async with session.start_transaction():
                yield session
