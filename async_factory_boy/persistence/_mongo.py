"""``MongoPersistence``: a PyMongo async (or Motor) database seen through the protocol.

``save`` is one ``insert_one``, ``save_many`` one ``insert_many`` per collection. Documents
(dicts) are inserted as they are and receive their ``_id`` in place, as PyMongo does; other
objects (dataclasses, pydantic models, plain classes) are turned into a document and get the
new ``_id`` written back to their id attribute.

Collection names, document encoding and get_or_create are the Mongo backend's own
(:mod:`async_factory_boy.factory.mongo._api`), so a model is stored the same way whether
:class:`~async_factory_boy.factory.mongo.AsyncMongoFactory` or this adapter writes it. They
are imported when first used: the persistence package itself does not need PyMongo.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from typing import Any, Generic, TypeVar

from .._types import Instance
from ..errors import SessionTypeError
from ._fields import read_field, write_field

__all__ = ["MongoPersistence"]

T = TypeVar("T")

Document = MutableMapping[str, Any]


def default_encode(obj: Instance) -> Document:
    """The document ``AsyncMongoFactory`` would store for ``obj``.

    Pydantic models are dumped by alias (``Field(alias="fullName")`` is stored as
    ``fullName``), dataclasses and attrs classes by field, other classes by their public
    attributes; nested model objects become sub-documents.
    """
    from ..factory.mongo._api import to_document

    return to_document(obj)


def _check_database(database: object) -> None:
    """Refuse a sync PyMongo database (its methods block the loop and cannot be awaited)."""
    sync_module = sys.modules.get("pymongo.database")  # loaded if the caller has one
    sync_class = getattr(sync_module, "Database", None)
    if sync_class is not None and isinstance(database, sync_class):
        raise SessionTypeError(
            "MongoPersistence needs an async database, got a sync pymongo Database: open it "
            "with pymongo.AsyncMongoClient(url)[name] (or Motor's AsyncIOMotorClient)."
        )
    if database is None or not callable(getattr(database, "get_collection", None)):
        raise SessionTypeError(
            f"MongoPersistence needs an async database (pymongo.AsyncMongoClient(url)[name]), "
            f"got {type(database).__name__}."
        )


class MongoPersistence(Generic[T]):
    """Persists through an async MongoDB database: ``insert_one`` / ``insert_many``.

    ``collection`` names where objects go: one name for every object, a mapping from model
    class to name, or ``None`` for the collection ``AsyncMongoFactory`` uses, the class name
    in snake case (``OrderLine`` -> ``order_line``, ``HTTPLog`` -> ``http_log``; dict
    documents then need a name). For objects that are not dicts, ``encode`` builds the
    document (default: :func:`default_encode`, the factory's encoding) and the inserted
    ``_id`` is written to ``id_attribute``; a preset id is used as ``_id``.

    ``get_or_create`` is the factory's race-safe one: with a unique index on the fields,
    concurrent calls end with one document and no error.
    """

    def __init__(
        self,
        database: Any,
        collection: str | Mapping[type, str] | None = None,
        *,
        id_attribute: str = "id",
        encode: Callable[[Any], Document] = default_encode,
    ) -> None:
        _check_database(database)
        self.database = database
        self._collection = collection
        self._id_attribute = id_attribute
        self._encode = encode

    def collection_name(self, obj: Instance) -> str:
        """The collection ``obj`` is inserted into."""
        if isinstance(self._collection, str):
            return self._collection
        model = type(obj)
        if self._collection is not None and model in self._collection:
            return self._collection[model]
        if isinstance(obj, Mapping):
            raise TypeError(
                "MongoPersistence cannot tell which collection a dict document belongs to; "
                'pass collection="name" (or a {Model: "name"} mapping for model objects).'
            )
        from ..factory.mongo._api import collection_name_for

        return collection_name_for(model)

    async def save(self, obj: T) -> T:
        """Insert one document and set its ``_id``."""
        document = self._document(obj)
        result = await self.database[self.collection_name(obj)].insert_one(document)
        return self._stored(obj, document, result.inserted_id)

    async def save_many(self, objs: Sequence[T]) -> list[T]:
        """Insert a batch with one ``insert_many`` per collection, keeping the order."""
        batch = list(objs)
        groups: dict[str, list[int]] = {}
        for index, obj in enumerate(batch):
            groups.setdefault(self.collection_name(obj), []).append(index)
        saved = list(batch)
        for name, indexes in groups.items():
            documents = [self._document(batch[index]) for index in indexes]
            result = await self.database[name].insert_many(documents, ordered=True)
            for index, document, new_id in zip(
                indexes, documents, result.inserted_ids, strict=True
            ):
                saved[index] = self._stored(batch[index], document, new_id)
        return saved

    async def get_or_create(self, obj: T, fields: Iterable[str]) -> T:
        """The stored object equal to ``obj`` on ``fields``, else ``obj`` inserted.

        A found document is returned as a dict for dict objects and rebuilt as the model
        otherwise (the backend's codec, which reads aliases back).
        """
        from ..factory.mongo._api import from_document, get_or_create_document

        names = tuple(fields)
        document = self._document(obj)
        found = await get_or_create_document(
            self.database,
            self.collection_name(obj),
            names,
            document,  # type: ignore[arg-type]  # a dict, or the caller's mutable mapping
            owner="MongoPersistence.get_or_create",
        )
        if found is None:
            return self._stored(obj, document, document["_id"])
        if isinstance(obj, Mapping):
            existing: T = found  # type: ignore[assignment]  # T is the Mapping type here (checked above)
            return existing
        stored = found.pop("_id")
        found[self._id_attribute] = stored
        rebuilt: T = from_document(type(obj), found)
        if read_field(rebuilt, self._id_attribute) != stored:
            write_field(rebuilt, self._id_attribute, stored)
        return rebuilt

    def _document(self, obj: Instance) -> Document:
        if isinstance(obj, MutableMapping):
            return obj
        if isinstance(obj, Mapping):
            return dict(obj)
        document = dict(self._encode(obj))
        preset = document.pop(self._id_attribute, None)
        if preset is None:
            preset = document.pop("_id", None)  # a model whose id field is aliased ``_id``
        if preset is not None:
            document["_id"] = preset
        return document

    def _stored(self, obj: T, document: Document, new_id: Any) -> T:
        if isinstance(obj, MutableMapping):
            return obj
        if isinstance(obj, Mapping):
            stored: T = document  # type: ignore[assignment]  # T is the Mapping type here (checked above)
            return stored
        if read_field(obj, self._id_attribute) != new_id:
            write_field(obj, self._id_attribute, new_id)
        return obj

    def __repr__(self) -> str:
        return f"MongoPersistence({self.database!r})"
