"""Tortoise model objects made as ``Model.__init__`` makes them, without its per-key dispatch.

``Model(**values)`` asks, for every keyword of every object, which kind of field it names
(``_set_kwargs``), sends every value through ``Model.__setattr__`` (an ``_await_when_save``
check, a relation check) and, for a relation, through the field's property, then works out
the fields left to defaults with a set difference and ``inspect.iscoroutinefunction`` on each
default. In a batch that is most of the time left after the writes (``docs/performance/``).
The answers depend only on the model and on which keywords are passed, so :func:`construct`
works them out once per (model, keywords) as a recipe and then does per object only what
stays: the same values in the same order into the object's ``__dict__``, each data value
through the field's ``to_python_value`` (inlined where it is ``Field``'s own), each relation
checked as ``__init__`` checks it and stored as its property stores it (``<name>_id`` and
``_<name>``), each missing field's default as ``__init__`` computes it (callables called,
mutable values deep-copied, ``db_default`` markers). ``_saved_in_db`` starts false, as with
``__init__``: the write sets it.

It answers ``None`` (the caller then uses the constructor, which raises its own errors) for
anything ``__init__`` would do differently or refuse: a model with its own ``__init__``,
``__setattr__``, ``_set_kwargs``, ``_validate_relation_type`` or ``__new__``, a metaclass
``__call__``, a keyword that is not a field or is a relation without Tortoise's own property,
an attribute the class overrides with a descriptor, a missing field with an ``async``
default (``__init__`` leaves it for ``save()``), and per object a ``None`` for a non-null
field, a related object of another class or not saved yet. Every check that can refuse runs
before a default is computed, so a refused object has called no default callable.

``ASYNC_FACTORY_BOY_TORTOISE_FAST=0`` (or :data:`ENABLED` set false) turns it off;
``tests/tortoise/test_fast_path.py`` compares both ways.
"""

from __future__ import annotations

import inspect
import os
import weakref
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from functools import partial
from typing import Final

from tortoise.fields.base import Field
from tortoise.models import Model, ModelMeta, _fk_setter

from ..._types import Kwargs

__all__ = ["ENABLED", "construct"]

#: Off with ``ASYNC_FACTORY_BOY_TORTOISE_FAST=0``: every object through ``Model.__init__``
#: and (see ``_bulk``) keys read back as before.
ENABLED = os.environ.get("ASYNC_FACTORY_BOY_TORTOISE_FAST", "1") != "0"

# Step kinds: a data value Field's own to_python_value converts, a data value through the
# field's to_python_value, a ForeignKey / OneToOne value.
_PLAIN: Final = 0
_CONVERT: Final = 1
_RELATION: Final = 2

_IMMUTABLE: Final = (int, float, str, bool, bytes)  # what __init__ sets without a deepcopy


def _unchanged(value: object) -> object:
    return value


@dataclass(frozen=True, slots=True)
class _Step:
    """One keyword: where its value goes and what it goes through.

    ``_PLAIN``: ``target`` the attribute, ``field_type`` what ``Field.to_python_value``
    converts to, ``nullable``; ``_CONVERT``: ``to_python`` the field's ``to_python_value``;
    ``_RELATION``: ``target`` the ``<name>_id`` attribute, ``hidden`` the ``_<name>`` one,
    ``to_field`` the related object's attribute read into it, ``related`` the related model.
    """

    kind: int
    key: str
    target: str
    field_type: type[object] = object
    to_python: Callable[[object], object] = _unchanged
    nullable: bool = True
    hidden: str = ""
    to_field: str = ""
    related: type[Model] | None = None


@dataclass(frozen=True, slots=True)
class _Recipe:
    """What ``Model.__init__`` does for one set of keywords, in its order.

    ``defaults``: per missing field, its name, and the call that makes its value (a
    default callable, a deepcopy, the ``db_default`` marker) or ``None`` for a value set
    as it is (an immutable default, ``None``).
    """

    custom_generated_pk: bool
    steps: tuple[_Step, ...]
    defaults: tuple[tuple[str, Callable[[], object] | None, object], ...]


#: Per model: the field set its recipes were worked out from and its recipes per tuple of
#: keywords (``None``: that set of keywords takes the constructor), or ``None`` for a model
#: whose construction is its own. ``Tortoise.init()`` finalises a model's fields again (a
#: new set, whose iteration order gives the order of the defaults): its recipes go then.
_recipes: weakref.WeakKeyDictionary[
    type, tuple[set[str], dict[tuple[str, ...], _Recipe | None]] | None
] = weakref.WeakKeyDictionary()
_new = object.__new__


def construct(model: type[Model], kwargs: Kwargs) -> Model | None:
    """``model(**kwargs)`` made without ``Model.__init__``, or ``None`` where that would not
    be the same object (the caller then calls the constructor)."""
    fields = model._meta.fields
    entry = _recipes.get(model)
    if entry is None or entry[0] is not fields:
        if entry is None and model in _recipes:
            return None
        entry = _recipes[model] = (fields, {}) if _plain_model(model) else None
        if entry is None:
            return None
    recipes = entry[1]
    keys = tuple(kwargs)
    try:
        recipe = recipes[keys]
    except KeyError:
        recipe = recipes[keys] = _recipe(model, keys)
    if recipe is None:
        return None
    obj: Model = _new(model)
    values: dict[str, object] = vars(obj)
    values["_partial"] = False
    values["_saved_in_db"] = False
    values["_custom_generated_pk"] = recipe.custom_generated_pk
    values["_await_when_save"] = {}
    for step in recipe.steps:
        value: object = kwargs[step.key]
        kind = step.kind
        if kind == _PLAIN:
            if value is None:
                if not step.nullable:
                    return None  # __init__ raises its ValueError
            elif type(value) is not step.field_type and not isinstance(value, step.field_type):
                value = step.field_type(value)  # type: ignore[call-arg]  # Field.to_python_value's call
            values[step.target] = value
        elif kind == _CONVERT:
            if value is None and not step.nullable:
                return None
            values[step.target] = step.to_python(value)
        else:
            if value is not None and (
                type(value) is not step.related or (value and not value._saved_in_db)
            ):
                return None  # __init__ raises its ValidationError / OperationalError
            # Model.__setattr__ -> the field's property -> _fk_setter: the key, then the object.
            values[step.target] = getattr(value, step.to_field) if value else None
            values[step.hidden] = value
    for key, make, value in recipe.defaults:
        values[key] = value if make is None else make()
    return obj


def _plain_model(model: type[Model]) -> bool:
    """Whether constructing ``model`` is ``Model``'s own, step for step."""
    return (
        isinstance(model, ModelMeta)
        and not model._meta.abstract
        and model.__init__ is Model.__init__
        and model.__setattr__ is Model.__setattr__
        and model.__new__ is object.__new__
        and type(model).__call__ is type.__call__
        and model._set_kwargs is Model._set_kwargs
        and getattr(model._validate_relation_type, "__func__", None)
        is Model._validate_relation_type.__func__  # type: ignore[attr-defined]  # a classmethod: mypy hides __func__
    )


def _descriptor(model: type[Model], name: str) -> object:
    """The class attribute ``name`` if it is a data descriptor (setting it runs code)."""
    attribute = inspect.getattr_static(model, name, None)
    kind = type(attribute)
    return attribute if hasattr(kind, "__set__") or hasattr(kind, "__delete__") else None


def _recipe(model: type[Model], keys: tuple[str, ...]) -> _Recipe | None:
    """The recipe for ``model(**{key: ... for key in keys})``, or ``None`` (constructor)."""
    meta = model._meta
    fields_map = meta.fields_map
    relations = meta.fk_fields | meta.o2o_fields
    steps: list[_Step] = []
    custom_generated_pk = False
    # Model._set_kwargs: the passed names, the relations' key columns added as they come.
    passed = {*keys} | meta.fetch_fields
    for key in keys:
        if key in relations:
            step = _relation_step(model, key)
            if step is None:
                return None
            steps.append(step)
            passed.add(fields_map[key].source_field)  # type: ignore[arg-type]  # set on relations
        elif key in meta.fields_db_projection:
            field = fields_map[key]
            if _descriptor(model, key) is not None:
                return None
            if field.pk and field.generated:
                custom_generated_pk = True
            if type(field).to_python_value is Field.to_python_value:
                steps.append(
                    _Step(_PLAIN, key, key, field_type=field.field_type, nullable=field.null)
                )
            else:
                steps.append(
                    _Step(_CONVERT, key, key, to_python=field.to_python_value, nullable=field.null)
                )
        else:  # not a field (ignored) or a relation __init__ refuses: its own way
            return None
    defaults: list[tuple[str, Callable[[], object] | None, object]] = []
    for key in meta.fields.difference(passed):  # the order Model.__init__ iterates in
        if key in relations or _descriptor(model, key) is not None:
            return None
        field = fields_map[key]
        default = field.default
        if inspect.iscoroutinefunction(default):
            return None  # left for save(): the constructor records it
        if callable(default):
            defaults.append((key, default, None))
        elif default is not None:
            if isinstance(default, _IMMUTABLE):
                defaults.append((key, None, default))
            else:
                defaults.append((key, partial(deepcopy, default), None))
        elif field.has_db_default():
            defaults.append((key, field.get_db_default_value, None))
        else:
            defaults.append((key, None, None))
    return _Recipe(custom_generated_pk, tuple(steps), tuple(defaults))


def _relation_step(model: type[Model], key: str) -> _Step | None:
    """A relation's step, if its property is Tortoise's own (``_fk_setter``)."""
    prop = inspect.getattr_static(model, key, None)
    setter = getattr(prop, "fset", None) if isinstance(prop, property) else None
    if getattr(setter, "func", None) is not _fk_setter:
        return None
    arguments = setter.keywords  # type: ignore[union-attr]  # a functools.partial
    if set(arguments) != {"_key", "relation_field", "to_field"}:
        return None
    target, hidden = arguments["relation_field"], arguments["_key"]
    meta = model._meta
    if (
        target in meta.fk_fields
        or target in meta.o2o_fields
        or _descriptor(model, target) is not None
        or _descriptor(model, hidden) is not None
    ):
        return None
    related = model._meta.fields_map[key].related_model  # type: ignore[attr-defined]  # relation fields have it
    return _Step(
        _RELATION,
        key,
        target,
        hidden=hidden,
        to_field=arguments["to_field"],
        related=related,
    )
