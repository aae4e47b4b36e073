"""Derived declarations from type hints: dataclasses, pydantic models, attrs classes,
TypedDicts and plain classes (``auto_fields`` for factories whose model has no database schema
of its own, e.g. MongoDB documents or objects saved through a persistence handler).

A field is required when the model cannot be made without it (no default, no default
factory). Its declaration comes from its type and, for pydantic, its constraints (min/max
length, ge/gt/le/lt, pattern); a nested model becomes a SubFactory building that model.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import types
import typing
from collections.abc import Callable
from typing import Any

from ._auto_fields import AutoFieldsMode, ModelSubFactory, Underivable, cannot_derive
from ._compat import BaseDeclaration, Dict, Faker, List, Transformer
from ._field_values import FieldFacts, value_for
from ._types import FactoryClass, Kwargs

__all__ = ["FieldSpec", "built_by", "derive_from_type_hints", "model_fields"]


@dataclasses.dataclass(frozen=True)
class FieldSpec:
    """One field of a model: the keyword it is passed as, its type, and its constraints."""

    name: str
    annotation: object  # a type hint: a class, a Union, an Annotated, a Literal...
    required: bool
    constraints: Kwargs = dataclasses.field(default_factory=dict)


_MISSING: object = dataclasses.MISSING


def _pydantic_fields(model: type) -> list[FieldSpec] | None:
    fields = getattr(model, "model_fields", None)
    if not isinstance(fields, dict):
        return None
    config = getattr(model, "model_config", {}) or {}
    by_name = bool(config.get("populate_by_name") or config.get("validate_by_name"))
    specs = []
    for name, info in fields.items():
        constraints: Kwargs = {}
        for item in info.metadata:
            for key in ("min_length", "max_length", "ge", "gt", "le", "lt", "pattern"):
                value = getattr(item, key, None)
                if value is not None:
                    constraints[key] = value
        keyword = name if by_name or info.alias is None else info.alias
        specs.append(FieldSpec(keyword, info.annotation, info.is_required(), constraints))
    return specs


def _attrs_fields(model: type) -> list[FieldSpec] | None:
    fields = getattr(model, "__attrs_attrs__", None)
    if fields is None:
        return None
    hints = typing.get_type_hints(model)
    specs = []
    for field in fields:
        if not field.init:
            continue
        required = type(field.default).__name__ == "_Nothing"
        name = field.alias or field.name
        specs.append(FieldSpec(name, hints.get(field.name, field.type), required))
    return specs


def model_fields(model: type) -> list[FieldSpec]:
    """The fields ``model(**kwargs)`` takes, with their types and whether they are required."""
    specs = _pydantic_fields(model)
    if specs is None:
        specs = _attrs_fields(model)
    if specs is not None:
        return specs
    if dataclasses.is_dataclass(model):
        hints = typing.get_type_hints(model)
        return [
            FieldSpec(
                field.name,
                hints.get(field.name, field.type),
                field.default is _MISSING and field.default_factory is _MISSING,
            )
            for field in dataclasses.fields(model)
            if field.init
        ]
    if typing.is_typeddict(model):
        hints = typing.get_type_hints(model)
        required_keys = getattr(model, "__required_keys__", frozenset(hints))
        return [FieldSpec(name, hint, name in required_keys) for name, hint in hints.items()]
    return _init_fields(model)


def _init_fields(model: type) -> list[FieldSpec]:
    import inspect

    try:
        signature = inspect.signature(model)
        hints = typing.get_type_hints(model.__init__)  # type: ignore[misc]  # mypy forbids reading __init__ off a class
    except (TypeError, ValueError, NameError):
        return []
    return [
        FieldSpec(name, hints.get(name, Any), parameter.default is inspect.Parameter.empty)
        for name, parameter in signature.parameters.items()
        if parameter.kind
        in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    ]


def _strip_optional(annotation: object) -> object:
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(members) == 1:
            return members[0]
    if origin is typing.Annotated:
        return _strip_optional(typing.get_args(annotation)[0])
    return annotation


#: Types of pydantic (and the like) that hold a string of a known kind, by class name (so
#: pydantic is not imported for it), and the datetimes that say whether they are aware.
_STRING_KINDS = {
    "EmailStr": "email",
    "NameEmail": "email",
    "AnyUrl": "url",
    "AnyHttpUrl": "url",
    "HttpUrl": "url",
    "IPvAnyAddress": "ipv4",
    "IPv4Address": "ipv4",
}
_AWARE = {"AwareDatetime": True, "NaiveDatetime": False}


def hint_facts(name: str, kind: type, constraints: Kwargs) -> FieldFacts:
    """What the type-to-value table needs to know of a field annotated ``kind``."""
    low = constraints.get("ge")
    high = constraints.get("le")
    step: float | decimal.Decimal = 1
    if issubclass(kind, float):
        step = 1e-6
    elif issubclass(kind, decimal.Decimal):
        step = decimal.Decimal("0.01")
    if low is None and "gt" in constraints:
        low = constraints["gt"] + step
    if high is None and "lt" in constraints:
        high = constraints["lt"] - step
    pattern = constraints.get("pattern")
    facts = FieldFacts(
        name,
        kind,
        source=kind,
        max_length=constraints.get("max_length"),
        min_length=constraints.get("min_length"),
        low=low,
        high=high,
        pattern=None if pattern is None else str(pattern),
        aware=True,  # a plain ``datetime`` hint: aware, in UTC
    )
    for klass in kind.__mro__:
        if klass.__name__ in _STRING_KINDS:
            return dataclasses.replace(facts, python_type=str, kind=_STRING_KINDS[klass.__name__])
        if klass.__name__ in _AWARE:
            return dataclasses.replace(
                facts, python_type=datetime.datetime, aware=_AWARE[klass.__name__]
            )
    return facts


def declaration_for(
    annotation: object,
    constraints: Kwargs,
    nested: Callable[[type], BaseDeclaration],
    name: str = "",
) -> BaseDeclaration | None:
    """A declaration making a valid value of ``annotation``; ``None`` if there is none.

    Containers, ``Literal`` and nested models are read here; a value of any other type
    comes from the type-to-value table (readable by the field's ``name``).
    """
    kind = _strip_optional(annotation)
    origin = typing.get_origin(kind)
    if origin is typing.Literal:
        return Faker("random_element", elements=list(typing.get_args(kind)))
    if origin in (list, set, frozenset, tuple):
        args = typing.get_args(kind)
        item = declaration_for(args[0], {}, nested, name) if args else None
        if item is None:
            return None
        size = max(int(constraints.get("min_length", 1)), 1)
        values = List([item] * size)
        if origin in (set, frozenset, tuple):
            return Transformer(values, transform=origin)
        return values
    if origin is dict:
        return Dict({})
    if not isinstance(kind, type):
        return None
    value = value_for(hint_facts(name, kind, constraints))
    if value is not None:
        return value
    if model_fields(kind) and kind.__module__ != "builtins":
        return nested(kind)
    return None


def derive_from_type_hints(
    factory_class: FactoryClass,
    model: type,
    mode: AutoFieldsMode,
    nested: Callable[[type], BaseDeclaration],
    annotation_of: Callable[[object], object] = lambda annotation: annotation,
) -> tuple[Kwargs, tuple[str, ...]]:
    """Declarations for ``model``'s fields; an unsupported required type is an error.

    ``nested(kind)`` is the declaration of a field whose type is a model (a SubFactory).
    ``annotation_of`` lets an ODM read its own wrappers (Beanie's ``Link[X]`` as ``X``);
    a field it maps to ``None`` is left to the ODM.
    """
    derived: Kwargs = {}
    for spec in model_fields(model):
        if not spec.required and mode != "all":
            continue
        annotation = annotation_of(spec.annotation)
        if annotation is None:
            continue
        value = declaration_for(annotation, spec.constraints, nested, spec.name)
        if value is None:
            if spec.required:
                error = cannot_derive(factory_class.__name__, model, spec.name, spec.annotation)
                derived[spec.name] = Underivable(error)
            continue
        derived[spec.name] = value
    return derived, ()


def built_by(plain: type) -> Callable[[type], BaseDeclaration]:
    """``nested`` for models that are built, never stored on their own (the parent holds
    them): an auto factory of ``plain``, a factory that stores nothing itself."""

    def nested(kind: type) -> BaseDeclaration:
        return ModelSubFactory(kind, plain, registered=False)

    return nested
