"""Fixture names for registered factories, following pytest-factoryboy's rules.

``UserFactory`` (model ``User``) gives a factory fixture ``user_factory``, a model fixture
``user`` and one attribute fixture per declaration, ``user__name``. Keeping the same rules
as pytest-factoryboy means a suite can move over without renaming a single fixture.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["SEPARATOR", "factory_fixture_name", "model_fixture_name", "underscore"]

#: Joins a model fixture name and an attribute name: ``user__name``.
SEPARATOR = "__"

_ACRONYM_THEN_WORD = re.compile(r"([A-Z]+)([A-Z][a-z])")
_LOWER_THEN_UPPER = re.compile(r"([a-z\d])([A-Z])")


def underscore(name: str) -> str:
    """``CamelCase`` to ``snake_case``, acronyms kept whole: ``HTTPRequest`` -> ``http_request``."""
    name = _ACRONYM_THEN_WORD.sub(r"\1_\2", name)
    name = _LOWER_THEN_UPPER.sub(r"\1_\2", name)
    return name.replace("-", "_").lower()


def factory_fixture_name(factory_class: type[Any]) -> str:
    """The fixture holding the factory class itself: ``UserFactory`` -> ``user_factory``."""
    return underscore(factory_class.__name__)


def model_fixture_name(factory_class: type[Any]) -> str:
    """The fixture holding one created object: model ``User`` -> ``user``.

    A model given as a string (``"app.User"``, as Django allows) is used as it is.
    """
    model = factory_class._meta.model
    if isinstance(model, str):
        return model
    return underscore(model.__name__)
