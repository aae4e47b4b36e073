"""``Meta.model`` checked where the factory is defined, for backends that need a kind of class.

A backend whose objects must be of a kind of class (a mapped SQLAlchemy class, a Tortoise
model) otherwise finds a wrong ``Meta.model`` only at the first call, deep in its driver
(``NoInspectionAvailable``, ``AttributeError: _meta``). :func:`with_model_check` puts a
checker on factory_boy's ``model`` option, so the error names the factory and the fix when
the class statement runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ._compat import OptionDefault
from .errors import FactoryConfigurationError

__all__ = ["refuse_model", "with_model_check"]


def with_model_check(
    options: Iterable[OptionDefault], checker: Callable[[object, object], None]
) -> list[OptionDefault]:
    """``options`` (a ``_build_default_options()`` list) with ``checker`` on ``model``."""
    return [
        OptionDefault("model", option.value, inherit=True, checker=checker)
        if option.name == "model"
        else option
        for option in options
    ]


def refuse_model(
    factory_name: str, meta: object, model: object, accepted: Callable[[type], bool], why: str
) -> None:
    """Raise :class:`FactoryConfigurationError` unless ``model`` is a class ``accepted``
    takes; ``why`` says what it must be and how to fix it. A factory without a model, or
    whose ``class Meta`` says ``abstract = True`` (a base for other factories), passes."""
    if model is None or getattr(meta, "abstract", False):
        return
    if isinstance(model, type) and accepted(model):
        return
    what = model.__qualname__ if isinstance(model, type) else repr(model)
    raise FactoryConfigurationError(
        f"{factory_name}: Meta.model {what} is not {why}, or, for a base factory with no "
        "model of its own, set abstract = True in its Meta."
    )
