"""``Meta.auto_fields`` for ODMantic models: a ``Reference`` becomes a SubFactory that stores.

The core derives declarations from type hints, and builds a nested model with a factory that
stores nothing (right for an ``EmbeddedModel``). A ``Reference()`` field holds a model of its
own collection, so it is created by the project's ``AsyncODManticFactory`` for that model
(or an auto one) and stored before the model that references it.
"""

from __future__ import annotations

from typing import Any

from odmantic import Model

from ..._auto_fields import AutoFieldsMode, ModelSubFactory, cannot_derive
from ..._factory import AsyncFactory
from ..._type_fields import declaration_for, model_fields

__all__ = ["derive_model_fields"]


def derive_model_fields(
    factory_class: Any, model: type, mode: AutoFieldsMode, family: type
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Declarations for ``model``'s fields, a referenced model by a factory of ``family``."""

    def nested(kind: type) -> Any:
        if issubclass(kind, Model):
            return ModelSubFactory(kind, family)
        return ModelSubFactory(kind, AsyncFactory, registered=False)

    derived: dict[str, Any] = {}
    for spec in model_fields(model):
        if not spec.required and mode != "all":
            continue
        value = declaration_for(spec.annotation, spec.constraints, nested)
        if value is None:
            if spec.required:
                raise cannot_derive(factory_class.__name__, model, spec.name, spec.annotation)
            continue
        derived[spec.name] = value
    return derived, ()
