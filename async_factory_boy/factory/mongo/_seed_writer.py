"""The Mongo writer: ``insert_many`` per collection per batch, in a transaction when it can.

Each batch's progress record goes to the collection ``async_factory_boy_seed_progress`` in
the same transaction. A server without transactions (a standalone server, SecantusDB) cannot
commit the two together: the record is written right after the batch, so a run killed
between the two writes the batch again when resumed (at least once, not exactly once, for
that one batch); a batch that failed or was interrupted by Ctrl-C is never recorded.

The Mongo backend already writes a ``create_batch_async`` call with one ``insert_many`` per
collection, so a batch is exactly that call. Where the server supports transactions (a
replica set or sharded cluster) each batch runs in one, so a failing batch leaves nothing
behind. Rows per collection are counted from the server's replies to ``insert`` commands
(PyMongo command monitoring), so documents written by sub-factories are counted too.
"""

from __future__ import annotations

import asyncio
import datetime
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from ..._backends import backend_named, backend_of
from ..._capture import DECLINED, create_batch_captured
from ..._factory import AsyncFactory
from ..._seeding import PROGRESS_TABLE as TABLE
from ..._seeding import BatchRecord, BatchWrite, SeedError, one_line
from ..._seeding import SeedTarget as Target
from ..._types import Kwargs

__all__ = ["MongoWriter"]

CONNECT_TIMEOUT_MS = 10_000


def _listener_class() -> type:
    from pymongo import monitoring

    class InsertCounter(monitoring.CommandListener):
        """Counts the documents each ``insert`` command stored, per collection."""

        def __init__(self) -> None:
            self.pending: dict[int, str] = {}
            self.counts: Counter[str] = Counter()

        def started(self, event: monitoring.CommandStartedEvent) -> None:
            if event.command_name == "insert":
                self.pending[event.request_id] = str(event.command["insert"])

        def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
            collection = self.pending.pop(event.request_id, None)
            if collection is not None:
                self.counts[collection] += int(event.reply.get("n", 0))

        def failed(self, event: monitoring.CommandFailedEvent) -> None:
            self.pending.pop(event.request_id, None)

    return InsertCounter


def _decline(*_: Any) -> Any:
    return DECLINED


async def _create_batch(factory: type[AsyncFactory[Any]], size: int, **connection: Any) -> None:
    """``factory.create_batch_async(size, **connection)``: the backend's own naming, encoding
    and ``insert_many``, through the core's entry point, whose build yields to the event
    loop (a second Ctrl-C stops a large batch promptly)."""
    await create_batch_captured(factory, size, connection=connection, capture=_decline)


def _article(name: str) -> str:
    """``"an AsyncMongoFactory"``, ``"a Beanie factory"``."""
    return f"{'an' if name[:1].upper() in 'AEIOU' else 'a'} {name}"


class MongoWriter:
    """Writes batches of Mongo-family factories to a ``mongodb://`` database.

    This class stores ``AsyncMongoFactory`` factories (``mongo_database=`` per call); the
    Beanie and ODMantic backends' writers build on it, changing only how the call gets its
    connection (:meth:`connection`), what happens once connected (:meth:`_connected`:
    ``init_beanie``) and, for ODMantic, the driver (:meth:`_make_client`: Motor). One run
    writes the factories of one backend.
    """

    #: The registry name of the backend whose factories this writer stores.
    backend_name = "mongo"

    def __init__(self, target: Target, copy: bool = True) -> None:
        del copy  # COPY is PostgreSQL's (the SQL writer's); nothing to choose here
        self._target = target
        self._client: Any = None
        self._database: Any = None
        self._counter: Any = None
        self._transactions = False
        self._factories: list[type[AsyncFactory[Any]]] = []

    def check_factory(self, path: str, factory: type[AsyncFactory[Any]]) -> None:
        """Refuse anything but a non-embedded factory of this writer's backend."""
        from . import AsyncMongoFactory

        if not issubclass(factory, AsyncMongoFactory):
            raise SeedError(
                f"{path} is not an AsyncMongoFactory: a mongodb:// URL takes Mongo, Beanie "
                "or ODMantic factories (a SQLAlchemy URL takes factories of mapped models)."
            )
        if factory._meta.embedded:
            raise SeedError(
                f"{path} makes embedded sub-documents (Meta.embedded = True), which are "
                "stored inside their parent: seed the parent's factory instead."
            )
        own = backend_of(factory)
        if own.name != self.backend_name:
            mine = backend_named(self.backend_name)
            raise SeedError(
                f"{path} is {_article(own.description)}, and this run writes "
                f"{_article(mine.description)}'s documents: one seed run writes the factories "
                "of one backend; seed them in separate runs. Nothing was written."
            )
        self._factories.append(factory)

    def _make_client(self, listener: Any) -> Any:
        """The driver's client on the target (PyMongo's ``AsyncMongoClient``)."""
        try:
            from pymongo import AsyncMongoClient
        except ImportError as exc:
            raise SeedError(f"a mongodb:// URL needs PyMongo 4.13 or later: {exc}") from None
        return AsyncMongoClient(
            self._target.url,
            serverSelectionTimeoutMS=CONNECT_TIMEOUT_MS,
            event_listeners=[listener],
        )

    async def _connected(self) -> None:
        """Called once connected, before any batch (Beanie binds its documents here)."""

    def connection(self, session: Any) -> Kwargs:
        """The connection arguments of a batch's ``create_batch_async`` call."""
        return {"mongo_database": self._database, "mongo_session": session}

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[Any]:
        """A client session in a transaction, committed when the block ends."""
        async with self._client.start_session() as session:  # noqa: SIM117
            async with await session.start_transaction():
                yield session

    async def connect(self) -> None:
        self._counter = _listener_class()()
        try:
            self._client = self._make_client(self._counter)
            hello = await self._client.admin.command("hello")
        except SeedError:
            raise
        except Exception as exc:
            await self.close()
            raise SeedError(f"cannot connect to {self._target.display}: {one_line(exc)}") from None
        self._transactions = bool(hello.get("setName")) or hello.get("msg") == "isdbgrid"
        self._database = self._client[self._target.database]
        await self._connected()

    async def create_tables(self, factories: list[type[AsyncFactory[Any]]]) -> None:
        """Nothing to do: MongoDB creates a collection on its first insert."""

    async def prepare_progress(self) -> None:
        """Nothing to do: the progress collection is created on its first insert."""

    async def finished_batches(self, run_id: str) -> set[tuple[str, int]]:
        """(factory, batch) of the batches of ``run_id`` already committed."""
        cursor = self._database[TABLE].find({"run_id": run_id}, {"factory": 1, "batch": 1})
        return {(doc["factory"], int(doc["batch"])) async for doc in cursor}

    async def read_progress(self, run_id: str | None) -> list[tuple[str, str, int, int]] | None:
        """Every progress record (of ``run_id``) for ``seed status``."""
        query = {} if run_id is None else {"run_id": run_id}
        cursor = self._database[TABLE].find(query)
        return [
            (doc["run_id"], doc["factory"], int(doc["batches"]), int(doc["rows"]))
            async for doc in cursor
        ]

    async def write_batch(self, batch: BatchWrite) -> Counter[str]:
        """Insert the batch's documents and its record, in one transaction where the server has
        them; documents per collection."""
        self._counter.counts = Counter()
        if not self._transactions:
            await _create_batch(batch.factory, batch.size, **self.connection(None))
            counts = Counter(self._counter.counts)
            batch.check()
            await self._record(batch.record, counts, None)
            return counts
        async with self._transaction() as session:
            await _create_batch(batch.factory, batch.size, **self.connection(session))
            counts = Counter(self._counter.counts)
            batch.check()
            await self._record(batch.record, counts, session)
        return counts

    async def _record(self, record: BatchRecord, counts: Counter[str], session: Any) -> None:
        key = {"run_id": record.run_id, "factory": record.factory, "batch": record.batch}
        document = {
            "_id": key,
            **key,
            "batches": record.batches,
            "rows": sum(counts.values()),
            "finished_at": datetime.datetime.now(datetime.timezone.utc),
        }
        await self._database[TABLE].insert_one(document, session=session)

    async def close(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            closed = client.close()  # PyMongo's is a coroutine, Motor's a plain call
            if closed is not None:
                await asyncio.shield(closed)
