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
import enum
import functools
import re
import types
import typing
import uuid
from collections.abc import Callable
from typing import Any

from ._auto_fields import (
    AutoFieldsMode,
    ModelSubFactory,
    cannot_derive,
    derived_date,
    derived_datetime,
    derived_time,
)
from ._compat import Dict, Faker, LazyFunction, List, Transformer, randgen
from ._regex_values import UnsupportedPattern, matching_string
from ._types import FactoryClass, Kwargs

__all__ = ["FieldSpec", "built_by", "derive_from_type_hints", "model_fields"]


@dataclasses.dataclass(frozen=True)
class FieldSpec:
    """One field of a model: the keyword it is passed as, its type, and its constraints."""

    name: str
    annotation: Any
    required: bool
    constraints: Kwargs = dataclasses.field(default_factory=dict)


_MISSING: Any = dataclasses.MISSING


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


def _random_timedelta() -> datetime.timedelta:
    # factory_boy's own random, so ``reseed_random`` / ``--factory-seed`` replay it.
    return datetime.timedelta(seconds=randgen.randint(0, 30 * 86400))


def _strip_optional(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(members) == 1:
            return members[0]
    if origin is typing.Annotated:
        return _strip_optional(typing.get_args(annotation)[0])
    return annotation


def _number_bounds(constraints: Kwargs, low: Any, high: Any, step: Any) -> tuple[Any, Any]:
    if "ge" in constraints:
        low = constraints["ge"]
    elif "gt" in constraints:
        low = constraints["gt"] + step
    if "le" in constraints:
        high = constraints["le"]
    elif "lt" in constraints:
        high = constraints["lt"] - step
    if "ge" in constraints or "gt" in constraints:
        high = max(high, low)
    return low, high


def declaration_for(
    annotation: Any,
    constraints: Kwargs,
    nested: Callable[[type], Any],
) -> Any:
    """A declaration making a valid value of ``annotation``; ``None`` if there is none."""
    kind = _strip_optional(annotation)
    origin = typing.get_origin(kind)
    if origin is typing.Literal:
        return Faker("random_element", elements=list(typing.get_args(kind)))
    if origin in (list, set, frozenset, tuple):
        args = typing.get_args(kind)
        item = declaration_for(args[0], {}, nested) if args else None
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
    if issubclass(kind, enum.Enum):
        return Faker("random_element", elements=list(kind))
    if issubclass(kind, bool):
        return Faker("pybool")
    if issubclass(kind, int):
        low, high = _number_bounds(constraints, 0, 9999, 1)
        return Faker("pyint", min_value=low, max_value=high)
    if issubclass(kind, float):
        low, high = _number_bounds(constraints, 0.0, 9999.0, 1e-6)
        return Faker("pyfloat", min_value=low, max_value=high)
    if issubclass(kind, decimal.Decimal):
        low, high = _number_bounds(constraints, 0, 9999, decimal.Decimal("0.01"))
        return Faker("pydecimal", right_digits=2, min_value=low, max_value=high)
    if issubclass(kind, str):
        if "pattern" in constraints:
            pattern = str(constraints["pattern"])
            try:
                matching_string(pattern)  # refuse a pattern it cannot satisfy, now
            except (UnsupportedPattern, re.error):
                return None
            return LazyFunction(functools.partial(matching_string, pattern))
        low = int(constraints.get("min_length", 1))
        high = int(constraints.get("max_length", max(low, 20)))
        return Faker("pystr", min_chars=max(low, 1), max_chars=max(high, 1))
    if issubclass(kind, bytes):
        return Faker("binary", length=int(constraints.get("max_length", 16)))
    if issubclass(kind, datetime.datetime):
        return derived_datetime(aware=True)
    if issubclass(kind, datetime.date):
        return derived_date()
    if issubclass(kind, datetime.time):
        return derived_time()
    if issubclass(kind, datetime.timedelta):
        return LazyFunction(_random_timedelta)
    if issubclass(kind, uuid.UUID):
        return Faker("uuid4", cast_to=None)
    if model_fields(kind) and kind.__module__ != "builtins":
        return nested(kind)
    return None


def derive_from_type_hints(
    factory_class: FactoryClass,
    model: type,
    mode: AutoFieldsMode,
    nested: Callable[[type], Any],
    annotation_of: Callable[[Any], Any] = lambda annotation: annotation,
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
        value = declaration_for(annotation, spec.constraints, nested)
        if value is None:
            if spec.required:
                raise cannot_derive(factory_class.__name__, model, spec.name, spec.annotation)
            continue
        derived[spec.name] = value
    return derived, ()


def built_by(plain: type) -> Callable[[type], Any]:
    """``nested`` for models that are built, never stored on their own (the parent holds
    them): an auto factory of ``plain``, a factory that stores nothing itself."""

    def nested(kind: type) -> Any:
        return ModelSubFactory(kind, plain, registered=False)

    return nested
