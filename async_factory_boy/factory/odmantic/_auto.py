"""``Meta.auto_fields`` for ODMantic models: a ``Reference`` becomes a SubFactory that stores.

The core derives declarations from type hints, and builds a nested model with a factory that
stores nothing (right for an ``EmbeddedModel``). A ``Reference()`` field holds a model of its
own collection, so it is created by the project's ``AsyncODManticFactory`` for that model
(or an auto one) and stored before the model that references it.
"""

from __future__ import annotations

from typing import Any

from odmantic import Model

from ..._auto_fields import AutoFieldsMode, ModelSubFactory
from ..._factory import AsyncFactory
from ..._type_fields import built_by, derive_from_type_hints
from ..._types import FactoryClass, Kwargs

__all__ = ["derive_model_fields"]


def derive_model_fields(
    factory_class: FactoryClass, model: type, mode: AutoFieldsMode, family: type
) -> tuple[Kwargs, tuple[str, ...]]:
    """Declarations for ``model``'s fields, a referenced model by a factory of ``family``."""
    embedded = built_by(AsyncFactory)

    def nested(kind: type) -> Any:
        return ModelSubFactory(kind, family) if issubclass(kind, Model) else embedded(kind)

    return derive_from_type_hints(factory_class, model, mode, nested)
