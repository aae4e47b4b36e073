"""Errors raised by the persistence handlers themselves (not by the factories)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import AsyncFactoryError

__all__ = ["PersistenceError", "UniqueViolationError"]


class PersistenceError(AsyncFactoryError):
    """A persistence handler could not store what it was given."""


class UniqueViolationError(PersistenceError):
    """Storing an object would break a unique constraint; nothing of that save was stored.

    Attributes:
        model: the class of the offending object.
        fields: the constrained field names (the id attribute for a duplicate id).
        values: the values that are already taken.
    """

    def __init__(self, model: type, fields: Sequence[str], values: Sequence[Any]) -> None:
        self.model = model
        self.fields = tuple(fields)
        self.values = tuple(values)
        taken = ", ".join(f"{name}={value!r}" for name, value in zip(fields, values, strict=True))
        super().__init__(
            f"a {model.__name__} with {taken} is already stored (unique on "
            f"{', '.join(self.fields)}); nothing of this save was stored. Give the new object "
            "other values (a factory.Sequence is the usual way) or reuse the stored one."
        )
