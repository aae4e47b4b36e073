"""Turning the objects a factory builds into BSON documents, and documents back into objects.

A Mongo factory's ``Meta.model`` may be ``dict`` (the default), a ``TypedDict``, a dataclass,
a pydantic model or an attrs class. Each kind gets a small *codec* that knows three things:
how to make a document of an instance, how to hand the stored ``_id`` back to the instance,
and how to rebuild an instance from a stored document (for ``mongo_get_or_create``).
ODM documents (Beanie, ODMantic) can be added later as codecs of their own, without touching
the write path.

Values nested in a document (an embedded sub-factory's dataclass, a list of pydantic models)
are encoded recursively, so a document holds only what BSON can store.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import re
import typing
import uuid
from collections.abc import Mapping
from typing import Any, Protocol

from bson import ObjectId

from ..._types import Instance, Kwargs, ModelClass, ReadKwargs
from ...errors import FactoryConfigurationError

__all__ = ["DocumentCodec", "codec_for", "encode_value"]

ID = "_id"

# Values BSON stores as they are: checking the exact type first keeps encoding a flat
# document of strings and numbers to one dict lookup per field.
_PLAIN_TYPES: frozenset[type] = frozenset(
    {
        str,
        int,
        float,
        bool,
        type(None),
        bytes,
        ObjectId,
        datetime.datetime,
        decimal.Decimal,
        uuid.UUID,
        re.Pattern,
    }
)


class DocumentCodec(Protocol):
    """How one kind of model maps to and from BSON documents."""

    def to_document(self, instance: Instance) -> Kwargs:
        """A document for ``instance``; it may be ``instance`` itself (dict models)."""

    def get_id(self, instance: Instance) -> object:
        """The ``_id`` ``instance`` carries, or ``None``."""

    def set_id(self, instance: Instance, document_id: object) -> None:
        """Give ``instance`` the ``_id`` its document is stored with."""

    def from_document(self, model: ModelClass, document: Kwargs) -> Instance:
        """Rebuild an instance of ``model`` from a stored document."""


def encode_value(value: Any) -> Any:
    """``value`` with every model instance inside it turned into a sub-document."""
    kind = type(value)
    if kind in _PLAIN_TYPES:
        return value
    if isinstance(value, Mapping):
        return encode_mapping(value)
    if kind is list or kind is tuple or kind is set or kind is frozenset:
        return [encode_value(item) for item in value]
    if isinstance(value, enum.Enum):  # BSON has no enums: store the member's value
        return encode_value(value.value)
    if kind is datetime.date:  # BSON has no dates: midnight of that day
        return datetime.datetime.combine(value, datetime.time())
    codec = _codec_for_instance(value)
    return value if codec is None else codec.to_document(value)


def encode_mapping(mapping: ReadKwargs) -> Kwargs:
    """A dict of ``mapping`` with nested model instances encoded; ``mapping`` itself if it
    is a plain dict that needs nothing encoded (so a stored dict model keeps its identity)."""
    changed = type(mapping) is not dict
    encoded: Kwargs = {}
    for key, value in mapping.items():
        new = value if type(value) in _PLAIN_TYPES else encode_value(value)
        changed = changed or new is not value
        encoded[key] = new
    return encoded if changed else typing.cast(Kwargs, mapping)


def _cannot_carry_id(instance: Instance, exc: Exception) -> FactoryConfigurationError:
    name = type(instance).__name__
    return FactoryConfigurationError(
        f"{name} instances cannot carry the `_id` their document was stored with ({exc}); "
        f"declare the field on the model, e.g. `_id: ObjectId | None = None` on a dataclass "
        f"or attrs class, or `id: ObjectId | None = Field(default=None, alias='_id')` on a "
        f"pydantic model."
    )


class MappingCodec:
    """``dict`` and ``TypedDict`` models: the instance is the document."""

    def to_document(self, instance: Instance) -> Kwargs:
        return encode_mapping(instance)

    def get_id(self, instance: Instance) -> object:
        return instance.get(ID)

    def set_id(self, instance: Instance, document_id: object) -> None:
        instance[ID] = document_id

    def from_document(self, model: ModelClass, document: Kwargs) -> Instance:
        if model is dict or typing.is_typeddict(model):
            return document
        return model(document)


class DataclassCodec:
    """Dataclasses: one document key per field; ``_id`` from a field named ``_id`` or set on
    the instance as an attribute."""

    def to_document(self, instance: Instance) -> Kwargs:
        return {
            field.name: encode_value(getattr(instance, field.name))
            for field in dataclasses.fields(instance)
        }

    def get_id(self, instance: Instance) -> object:
        return getattr(instance, ID, None)

    def set_id(self, instance: Instance, document_id: object) -> None:
        try:  # object.__setattr__, as a dataclass __init__ does, so frozen ones work too
            object.__setattr__(instance, ID, document_id)
        except AttributeError as exc:
            raise _cannot_carry_id(instance, exc) from exc

    def from_document(self, model: ModelClass, document: Kwargs) -> Instance:
        names = {field.name for field in dataclasses.fields(model) if field.init}
        instance = model(**{key: value for key, value in document.items() if key in names})
        if ID not in names and ID in document:
            self.set_id(instance, document[ID])
        return instance


class PydanticCodec:
    """Pydantic v2 models: dumped by alias, so ``Field(alias="_id")`` maps ``id`` to ``_id``."""

    def __init__(self, model: ModelClass) -> None:
        self.id_field = next(
            (
                name
                for name, info in model.model_fields.items()
                if ID in (info.alias, info.serialization_alias)
            ),
            None,
        )

    def to_document(self, instance: Instance) -> Kwargs:
        return encode_mapping(instance.model_dump(by_alias=True))

    def get_id(self, instance: Instance) -> object:
        return getattr(instance, self.id_field or ID, None)

    def set_id(self, instance: Instance, document_id: object) -> None:
        try:
            setattr(instance, self.id_field or ID, document_id)
        except (AttributeError, TypeError, ValueError) as exc:
            raise _cannot_carry_id(instance, exc) from exc

    def from_document(self, model: ModelClass, document: Kwargs) -> Instance:
        instance = model.model_validate(document)
        if self.id_field is None and ID in document:
            self.set_id(instance, document[ID])
        return instance


class AttrsCodec:
    """attrs classes: one document key per attribute (an attribute ``_id`` is the key
    ``_id``; attrs names its ``__init__`` argument ``id``)."""

    def to_document(self, instance: Instance) -> Kwargs:
        import attrs

        return {
            field.name: encode_value(getattr(instance, field.name))
            for field in attrs.fields(type(instance))
        }

    def get_id(self, instance: Instance) -> object:
        return getattr(instance, ID, None)

    def set_id(self, instance: Instance, document_id: object) -> None:
        try:
            object.__setattr__(instance, ID, document_id)
        except AttributeError as exc:
            raise _cannot_carry_id(instance, exc) from exc

    def from_document(self, model: ModelClass, document: Kwargs) -> Instance:
        import attrs

        arguments = {
            (field.alias or field.name.lstrip("_")): document[field.name]
            for field in attrs.fields(model)
            if field.init and field.name in document
        }
        instance = model(**arguments)
        if not any(field.name == ID for field in attrs.fields(model)) and ID in document:
            self.set_id(instance, document[ID])
        return instance


class AttributesCodec:
    """Any other class: its instance attributes (``vars()``) that do not start with ``_``."""

    def to_document(self, instance: Instance) -> Kwargs:
        return {
            name: encode_value(value)
            for name, value in vars(instance).items()
            if not name.startswith("_") or name == ID
        }

    def get_id(self, instance: Instance) -> object:
        return getattr(instance, ID, None)

    def set_id(self, instance: Instance, document_id: object) -> None:
        try:
            setattr(instance, ID, document_id)
        except AttributeError as exc:
            raise _cannot_carry_id(instance, exc) from exc

    def from_document(self, model: ModelClass, document: Kwargs) -> Instance:
        instance = model(**{key: value for key, value in document.items() if key != ID})
        if ID in document:
            self.set_id(instance, document[ID])
        return instance


# Two caches: a model class always gets a codec (the attributes fallback at worst), while a
# nested value of an unknown type is left for BSON to store (or refuse) as it is.
_model_codecs: dict[ModelClass, DocumentCodec] = {}
_nested_codecs: dict[type, DocumentCodec | None] = {}


def _is_pydantic_model(model: ModelClass) -> bool:
    return hasattr(model, "model_fields") and hasattr(model, "model_dump")


def _is_attrs_class(model: ModelClass) -> bool:
    return hasattr(model, "__attrs_attrs__")


def _choose(model: ModelClass) -> DocumentCodec | None:
    if model is dict or typing.is_typeddict(model):
        return MappingCodec()
    if not isinstance(model, type):
        return None
    if issubclass(model, Mapping):
        return MappingCodec()
    if dataclasses.is_dataclass(model):
        return DataclassCodec()
    if _is_pydantic_model(model):
        return PydanticCodec(model)
    if _is_attrs_class(model):
        return AttrsCodec()
    return None


def codec_for(model: ModelClass) -> DocumentCodec:
    """The codec of ``model``, a model class (cached per class)."""
    codec = _model_codecs.get(model)
    if codec is None:
        codec = _model_codecs[model] = _choose(model) or AttributesCodec()
    return codec


def _codec_for_instance(value: object) -> DocumentCodec | None:
    """The codec of a nested value, or ``None`` for a value BSON can take as it is."""
    kind = type(value)
    if kind not in _nested_codecs:
        _nested_codecs[kind] = _choose(kind)
    return _nested_codecs[kind]
