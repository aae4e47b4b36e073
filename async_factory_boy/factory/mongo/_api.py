"""What the Mongo backend offers code outside its factories: one write path per database.

The persistence adapter (:class:`~async_factory_boy.persistence.MongoPersistence`) and the
seed command store documents the way :class:`~async_factory_boy.factory.mongo.
AsyncMongoFactory` does by calling these functions, instead of keeping copies of the rules
that drift apart (a model ``HTTPLog`` went to ``http_log`` through the factory but to
``h_t_t_p_log`` through the adapter; a pydantic field ``alias="fullName"`` was stored as
``fullName`` by one and ``full_name`` by the other):

- :func:`collection_name_for`: the default collection of a model class;
- :func:`to_document` / :func:`from_document`: the model <-> BSON codecs;
- :func:`get_or_create_document`: the race-safe lookup-then-insert;
- :class:`MongoWriter`: the seed command's writer (the backend registry names it): one
  ``create_batch_async`` per batch, in a transaction where the server has them.

The dependency points one way: callers import this module, it imports the backend's own
helpers, which import only the core.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..._types import Instance, Kwargs, ModelClass
from ._connection import MongoTarget
from ._documents import codec_for
from ._naming import derive_collection_name
from ._seed_writer import MongoWriter
from ._writes import get_or_create

__all__ = [
    "MongoWriter",
    "collection_name_for",
    "from_document",
    "get_or_create_document",
    "to_document",
]


def collection_name_for(model: ModelClass) -> str:
    """The collection objects of ``model`` go to when nothing names one.

    The model class name in snake_case, acronyms kept whole (``BlogPost`` -> ``blog_post``,
    ``HTTPLog`` -> ``http_log``, ``APIKey`` -> ``api_key``), as MongoEngine and ODMantic do.
    """
    return derive_collection_name(model, model)


def to_document(obj: Instance) -> Kwargs:
    """The BSON document stored for ``obj`` (a dict is returned as it is when it needs no
    encoding, so the driver sets its ``_id`` in place).

    Pydantic models are dumped by alias (``Field(alias="fullName")`` is stored as
    ``fullName``, ``Field(alias="_id")`` as ``_id``), dataclasses and attrs classes by field,
    other classes by their public attributes; nested model objects become sub-documents.
    """
    return codec_for(type(obj)).to_document(obj)


def from_document(model: Any, document: Kwargs) -> Instance:
    """An instance of ``model`` rebuilt from a stored document (aliases read back)."""
    return codec_for(model).from_document(model, document)


async def get_or_create_document(
    database: Any,
    collection: str,
    fields: Sequence[str],
    document: Kwargs,
    *,
    session: Any = None,
    owner: str,
) -> Kwargs | None:
    """The stored document equal to ``document`` on ``fields``, or ``None`` once
    ``document`` has been inserted (its ``_id`` set in place).

    Race-safe as the factories' ``Meta.mongo_get_or_create``: with a unique index on
    ``fields``, a concurrent insert of the same key surfaces as ``DuplicateKeyError`` and the
    winner's document is read back. ``owner`` names who asked, in the error for a field the
    document does not have (e.g. ``"MongoPersistence.get_or_create"``).
    """
    target = MongoTarget(database=database, session=session)
    return await get_or_create(target, collection, fields, document, owner, fields_from=owner)
