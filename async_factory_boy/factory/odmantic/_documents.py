"""ODMantic models as the Mongo backend sees them: a codec, and references loaded by id.

Documents are ODMantic's own (``model_dump_doc()``: a ``Reference`` becomes the referenced
document's primary key, ``Field(key_name=...)`` is honoured). Reading a document back (for
``Meta.odmantic_get_or_create``) rebuilds the model with ``model_validate_doc``, which wants
every referenced document inline: ODMantic's engine gets them with ``$lookup``; here they
are fetched by ``_id``, one ``find_one`` per reference, so it also works on servers without
``$lookup``.
"""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from odmantic import Model

from ..._types import Instance, Kwargs
from ..mongo._connection import MongoTarget

__all__ = ["CODEC", "ODManticCodec", "document_keys", "load_references", "mark_saved"]

ID = "_id"


def _primary_field(instance: Instance) -> str:
    name: str = type(instance).__primary_field__
    return name


class ODManticCodec:
    """ODMantic ``Model`` classes, encoded and parsed by ODMantic itself."""

    def to_document(self, instance: Instance) -> Kwargs:
        document: Kwargs = instance.model_dump_doc()
        return document

    def get_id(self, instance: Instance) -> object:
        return getattr(instance, _primary_field(instance), None)

    def set_id(self, instance: Instance, document_id: Any) -> None:
        # ODMantic refuses to reassign a primary key; this only fills a missing one.
        object.__setattr__(instance, _primary_field(instance), ObjectId(document_id))

    def from_document(self, model: Any, document: Kwargs) -> Instance:
        instance = model.model_validate_doc(document)
        mark_saved(instance)
        return instance


CODEC = ODManticCodec()


def mark_saved(instance: Instance) -> None:
    """Record that ``instance`` is stored as it is, as ``engine.save`` does: a later
    ``engine.save(instance)`` writes only the fields changed since."""
    object.__setattr__(instance, "__fields_modified__", set())


def document_keys(model: type[Model], names: tuple[str, ...]) -> tuple[str, ...]:
    """Document keys of ``model``'s fields ``names`` (the primary field is ``_id``, a field
    with ``key_name=`` is stored under that key); other names are kept as they are."""
    fields = model.__odm_fields__
    keys = []
    for name in names:
        if name == model.__primary_field__:
            keys.append(ID)
        elif name in fields:
            keys.append(fields[name].key_name)
        else:
            keys.append(name)
    return tuple(keys)


async def load_references(target: MongoTarget, model: type[Model], document: Kwargs) -> Kwargs:
    """``document`` with each referenced document fetched by ``_id`` and put inline,
    recursively, as ``model_validate_doc`` wants it."""
    for name in model.__references__:
        reference: Any = model.__odm_fields__[name]
        key = reference.key_name
        if document.get(key) is None:
            continue
        referenced = reference.model
        found = await target.collection(referenced.__collection__).find_one(
            {ID: document[key]}, session=target.session
        )
        if found is not None:  # else model_validate_doc says which reference is missing
            document[key] = await load_references(target, referenced, found)
    return document
