"""Tortoise model instances are plain values to the builder, although they are awaitable.

``tortoise.models.Model`` defines ``__await__`` (awaiting an instance returns the instance,
so that ``await Model.get(...)`` and ``await instance`` read alike). The core builder awaits
every awaitable declaration value, so without this each SubFactory object and each model
passed as an override (``author=author``) would cost a round trip through the event loop,
and a sync ``build()`` would refuse them as "awaitable". Awaiting one gives the object back
unchanged, so the builder may take it as it is: every model class is recorded as "not
awaitable" in the builder's per-type cache (``_builder._awaitable_types``).

TODO(core): a public hook in ``_builder`` for this (e.g. ``register_value_type(cls)``);
until then this module is the one place that touches the cache.
"""

from __future__ import annotations

from tortoise.models import Model

from ..._builder import _awaitable_types

__all__ = ["treat_models_as_values"]

_known = 0


def treat_models_as_values() -> None:
    """Record every Tortoise model class defined so far as a plain (non-awaited) value."""
    global _known
    pending: list[type] = [Model]
    seen: list[type] = []
    while pending:
        cls = pending.pop()
        seen.append(cls)
        pending.extend(cls.__subclasses__())
    if len(seen) == _known:
        return
    for cls in seen:
        _awaitable_types[cls] = False
    _known = len(seen)
