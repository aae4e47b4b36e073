"""``Meta.auto_fields`` for Beanie documents: a ``Link`` becomes a SubFactory that stores.

The core derives declarations from type hints, and builds a nested model with a factory that
stores nothing (the parent holds it). A ``Link[Author]`` is different: the author is a
document of its own, so it is created by the project's ``AsyncBeanieFactory`` for
``Author`` (or an auto one), stored before the document that links to it. ``BackLink``
fields are left to Beanie, which fills them itself.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from beanie import BackLink, Document, Link

from ..._auto_fields import AutoFieldsMode, ModelSubFactory
from ..._factory import AsyncFactory
from ..._type_fields import built_by, derive_from_type_hints
from ..._types import FactoryClass, Kwargs

__all__ = ["derive_document_fields"]


def _unlink(annotation: Any) -> Any:
    """``annotation`` with every ``Link[X]`` replaced by ``X``; ``None`` for a back link."""
    origin = typing.get_origin(annotation)
    if origin is BackLink:
        return None
    if origin is Link:
        return typing.get_args(annotation)[0]
    arguments = typing.get_args(annotation)
    if origin is None or not arguments:
        return annotation
    unlinked = [_unlink(argument) for argument in arguments]
    if any(argument is None for argument in unlinked):
        return None
    if origin is typing.Union or origin is types.UnionType:
        return typing.Union[tuple(unlinked)]  # noqa: UP007 - built from a runtime tuple
    return origin[tuple(unlinked)] if len(unlinked) > 1 else origin[unlinked[0]]


def derive_document_fields(
    factory_class: FactoryClass, model: type, mode: AutoFieldsMode, family: type
) -> tuple[Kwargs, tuple[str, ...]]:
    """Declarations for ``model``'s fields, a linked document by a factory of ``family``."""
    embedded = built_by(AsyncFactory)

    def nested(kind: type) -> Any:
        return ModelSubFactory(kind, family) if issubclass(kind, Document) else embedded(kind)

    # ``_unlink`` reads ``Link[X]`` as ``X`` and a back link as ``None`` (Beanie fills it).
    return derive_from_type_hints(factory_class, model, mode, nested, _unlink)
