"""Fixture names for registered factories, following pytest-factoryboy's rules.

``UserFactory`` (model ``User``) gives a factory fixture ``user_factory``, a model fixture
``user`` and one attribute fixture per declaration, ``user__name``. Keeping the same rules
as pytest-factoryboy means a suite can move over without renaming a single fixture.
"""

from __future__ import annotations

import re
import warnings
from typing import TypeVar

from .._types import FactoryClass, ModelClass

__all__ = [
    "GENERIC_MODELS",
    "SEPARATOR",
    "factory_fixture_name",
    "get_model_name",
    "model_fixture_name",
    "named_model",
    "underscore",
]

T = TypeVar("T")

#: Joins a model fixture name and an attribute name: ``user__name``.
SEPARATOR = "__"

#: Models too generic to stand for a fixture name (a ``dict`` model would be ``dict``).
GENERIC_MODELS: frozenset[type[object]] = frozenset({dict, list, set, tuple, frozenset})

_ACRONYM_THEN_WORD = re.compile(r"([A-Z]+)([A-Z][a-z])")
_LOWER_THEN_UPPER = re.compile(r"([a-z\d])([A-Z])")


def underscore(name: str) -> str:
    """``CamelCase`` to ``snake_case``, acronyms kept whole: ``HTTPRequest`` -> ``http_request``."""
    name = _ACRONYM_THEN_WORD.sub(r"\1_\2", name)
    name = _LOWER_THEN_UPPER.sub(r"\1_\2", name)
    return name.replace("-", "_").lower()


def factory_fixture_name(factory_class: FactoryClass) -> str:
    """The fixture holding the factory class itself: ``UserFactory`` -> ``user_factory``."""
    return underscore(factory_class.__name__)


def model_fixture_name(factory_class: FactoryClass) -> str:
    """The fixture holding one created object: model ``User`` -> ``user``, without warning.

    A model given as a string (Django's ``"library.Publisher"``) is named from the model it
    resolves to when its backend can resolve it now (Django's app registry is ready, as it is
    in conftests under pytest-django), else from the string's last part (``publisher``): the
    same name either way for a string spelled like the class, whether or not the factory was
    used before, so a SubFactory pointing at it finds its fixture.
    """
    model = _model_now(factory_class)
    if isinstance(model, str):
        return underscore(model.rpartition(".")[2])
    return underscore(model.__name__)


def _model_now(factory_class: FactoryClass) -> ModelClass | str:
    """``Meta.model``, resolved if it is a string its options can resolve already."""
    meta = factory_class._meta
    model: ModelClass | str = meta.model
    if isinstance(model, str):
        resolve = getattr(meta, "model_if_ready", None)
        resolved: ModelClass | None = None if resolve is None else resolve()
        if resolved is not None:
            return resolved
    return model


def get_model_name(factory_class: FactoryClass) -> str:
    """The model fixture name of ``factory_class`` (pytest-factoryboy's ``get_model_name``).

    Warns when the model is a builtin container (``dict``, ``list``...): the fixture would be
    called ``dict``, which is what a SubFactory or RelatedFactory pointing at this factory
    then looks for. :func:`named_model` gives such a model a name of its own.
    """
    name = model_fixture_name(factory_class)
    model = factory_class._meta.model
    if model in GENERIC_MODELS:
        warnings.warn(
            f"Using a {model} as model type for {factory_class} is discouraged by "
            f"async_factory_boy (as by pytest-factoryboy): its model fixture name would be "
            f"{name!r}, which a SubFactory or RelatedFactory of it looks for, and which is too "
            "generic to be what you want. Give the model a name: "
            f"model = named_model({model.__name__}, 'Foo'), or register it with _name=...",
            UserWarning,
            stacklevel=2,
        )
    return name


def named_model(model_cls: type[T], name: str) -> type[T]:
    """A subclass of ``model_cls`` called ``name``, so its fixture gets a meaningful name.

    ``model = named_model(dict, "JSONPayload")`` builds dicts, registered as
    ``json_payload``.
    """
    return type(name, (model_cls,), {})
