"""The MongoDB backend's share of one factory call (its :class:`CallScope`).

It checks the call's database (and session) once, inserts a single call's documents as they
are created, and holds a batch's documents back for one ordered ``insert_many`` per
collection when every object is built.
"""

from __future__ import annotations

from typing import Any

from ..._bridge import await_
from ..._call import FactoryCall
from ..._scope import CallScope
from ._connection import MongoTarget, check_target
from ._documents import ID
from ._writes import BatchBuffer, get_or_create

__all__ = ["MongoScope"]


class MongoScope(CallScope):
    """The checked database and session of one call, and its batch buffer."""

    __slots__ = ("_buffer", "target")

    def __init__(self, call: FactoryCall, target: MongoTarget) -> None:
        super().__init__(call)
        self.target = target
        self._buffer: BatchBuffer | None = None

    @classmethod
    def open(cls, factory: type, call: FactoryCall) -> MongoScope:
        return cls(call, check_target(factory, call))

    def add(self, factory: Any, instance: Any) -> Any:
        """Insert ``instance``'s document now, or hold it for the batch's ``insert_many``."""
        document = factory._to_document(instance)
        if document.get(ID) is None:  # a class without an ``_id`` field carries it aside
            document[ID] = factory._document_codec().get_id(instance)
        collection: str = factory._collection_name()
        if self.call.is_batch:
            self._batch().add(collection, document)
        else:
            target = self.target
            await_(target.collection(collection).insert_one(document, session=target.session))
        return instance

    def get_or_create(self, factory: Any, instance: Any, fields: tuple[str, ...]) -> Any:
        """The stored document equal to ``instance`` on ``fields`` (as a model instance), or
        ``instance`` once its document is inserted; race-safe, and written at once even in a
        batch, so a batch that repeats a key gets the same document back."""
        document = factory._to_document(instance)
        if document.get(ID) is None:  # a class without an ``_id`` field carries it aside
            document[ID] = factory._document_codec().get_id(instance)
        found = await_(
            get_or_create(
                self.target,
                factory._collection_name(),
                fields,
                document,
                factory.__name__,
                fields_from=f"{factory.__name__}.Meta.{factory._get_or_create_option}",
            )
        )
        return instance if found is None else factory._from_document(found)

    def _batch(self) -> BatchBuffer:
        if self._buffer is None:
            call = self.call
            self._buffer = BatchBuffer(self.target, call.factory.__name__, call.size)
        return self._buffer

    async def finish(self) -> None:
        if self._buffer is not None:
            await self._buffer.flush()
