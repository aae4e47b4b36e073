"""Tortoise model instances are plain values to the builder, although they are awaitable.

``tortoise.models.Model`` defines ``__await__`` (awaiting an instance returns the instance,
so that ``await Model.get(...)`` and ``await instance`` read alike). The core builder awaits
every awaitable declaration value, so without this each SubFactory object and each model
passed as an override (``author=author``) would cost a round trip through the event loop,
and a sync ``build()`` would refuse them as "awaitable". Awaiting one gives the object back
unchanged, so the builder takes them as they are (the core's ``treat_as_value``).
"""

from __future__ import annotations

from tortoise.models import Model

from ..._builder import treat_as_value

__all__ = ["treat_models_as_values"]


def treat_models_as_values() -> None:
    """Take every Tortoise model instance as a plain (non-awaited) value."""
    treat_as_value(Model)
