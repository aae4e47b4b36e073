"""The writes of a Mongo factory call: one ``insert_many`` per collection for a batch, and
``mongo_get_or_create``.

A ``create_batch_async`` call does not insert document by document. Each document gets its
``_id`` (a client-generated ObjectId) the moment it is built, so a referencing factory can
read ``author["_id"]`` at once, and waits in a :class:`BatchBuffer` kept on the call. When
the whole batch is built, every collection is written with one ordered ``insert_many``,
referenced collections first.

Outside a transaction a failed ``insert_many`` leaves the documents before the failing one
stored, and those of the collections written earlier in the call: :class:`PartialBatchError`
says which. Inside a transaction the driver's error goes through unchanged: aborting the
transaction (the caller's job) leaves nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from pymongo.errors import BulkWriteError, DuplicateKeyError

from ..._types import Kwargs
from ...errors import FactoryConfigurationError, PartialBatchError
from ._connection import MongoTarget
from ._lookups import one_lookup_at_a_time, warn_without_unique_index

__all__ = ["BatchBuffer", "get_or_create"]


class BatchBuffer:
    """The documents of one batch call, per collection, in the order they were built."""

    def __init__(self, target: MongoTarget, factory: str, size: int | None) -> None:
        self.target = target
        self.factory = factory
        self.size = size
        self.pending: dict[str, list[Kwargs]] = {}

    def add(self, collection: str, document: Kwargs) -> None:
        documents = self.pending.get(collection)
        if documents is None:
            documents = self.pending[collection] = []
        documents.append(document)

    async def flush(self) -> None:
        """Write every collection with one ordered ``insert_many``."""
        session = self.target.session
        done: list[tuple[str, list[Kwargs]]] = []
        for name, documents in self.pending.items():
            try:
                await self.target.collection(name).insert_many(
                    documents, ordered=True, session=session
                )
            except BulkWriteError as exc:
                if self.target.in_transaction:
                    raise  # the transaction is doomed: aborting it leaves nothing
                raise self._partial(done, name, documents, exc) from exc
            done.append((name, documents))

    def _partial(
        self,
        done: Sequence[tuple[str, list[Kwargs]]],
        failed: str,
        documents: list[Kwargs],
        exc: BulkWriteError,
    ) -> PartialBatchError:
        inserted = int(exc.details.get("nInserted", 0))
        written = {name: [document["_id"] for document in docs] for name, docs in done}
        written[failed] = [document["_id"] for document in documents[:inserted]]
        errors = exc.details.get("writeErrors") or [{}]
        first = errors[0]
        stored = ", ".join(f"{len(ids)} in {name!r}" for name, ids in written.items())
        return PartialBatchError(
            f"{self.factory}.create_batch_async({self.size}) failed part-way and, outside a "
            f"transaction, left documents stored ({stored}): document #{first.get('index')} "
            f"of collection {failed!r} was refused: {first.get('errmsg', exc)}. The stored "
            f"ids are in `error.written`; pass `mongo_session=` with a transaction started to "
            f"write all or nothing.",
            written=written,
        )


async def get_or_create(
    target: MongoTarget,
    collection: str,
    fields: Sequence[str],
    document: Kwargs,
    factory: str,
    *,
    fields_from: str | None = None,
    index_hint: str = "",
) -> Kwargs | None:
    """The stored document that matches ``document`` on ``fields``, or ``None`` once
    ``document`` has been inserted.

    Lookups of one key in one collection run one at a time in this process, so gathered
    calls never insert twice, unique index or not; without such an index the first call
    warns (once per factory) that other processes can still race (``_lookups``). With the
    index, a concurrent insert of the same key from elsewhere surfaces as
    ``DuplicateKeyError``: the document is read again. A duplicate on another unique key
    finds nothing and raises unchanged. ``fields_from`` names where ``fields`` came from in
    the error for a missing field (default: ``<factory>.Meta.mongo_get_or_create``);
    ``index_hint`` how the backend declares a unique index, for the warning.
    """
    option = fields_from or factory + ".Meta.mongo_get_or_create"
    missing = [name for name in fields if name not in document]
    if missing:
        raise FactoryConfigurationError(
            f"{option} names {missing!r}, but the document has no "
            f"such field (it has {sorted(document)!r}); list document field names."
        )
    query = {name: document[name] for name in fields}
    handle = target.collection(collection)
    await warn_without_unique_index(handle, fields, factory, option, index_hint)
    async with one_lookup_at_a_time(handle, query):
        found: Kwargs | None = await handle.find_one(query, session=target.session)
        if found is not None:
            return found
        try:
            await handle.insert_one(document, session=target.session)
        except DuplicateKeyError:
            found = await handle.find_one(query, session=target.session)
            if found is None:
                raise
            return found
    return None
