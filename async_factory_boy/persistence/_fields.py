"""Reading and writing a named field on a model object or on a mapping (a Mongo document)."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from .._types import Instance

__all__ = ["read_field", "write_field"]


def read_field(obj: Instance, name: str) -> Any:
    """The value of ``name`` on ``obj`` (an attribute, or a key of a mapping); ``None`` if unset."""
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


def write_field(obj: Instance, name: str, value: object) -> None:
    """Set ``name`` on ``obj`` (an attribute, or a key of a mutable mapping)."""
    if isinstance(obj, MutableMapping):
        obj[name] = value
    else:
        setattr(obj, name, value)
