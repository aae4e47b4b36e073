"""``PersistenceFactory``: a base for factories that must never create without saving."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from .._factory import AsyncFactory

__all__ = ["PersistenceFactory"]

T = TypeVar("T")


class PersistenceFactory(AsyncFactory[T]):
    """An :class:`~async_factory_boy.AsyncFactory` whose ``create_async`` needs a handler.

    A plain ``AsyncFactory`` without a handler returns an unsaved object (handy for pure
    builders); a ``PersistenceFactory`` raises :class:`~async_factory_boy.errors.
    MissingPersistenceError` instead, naming the factory and both ways to give one. It is
    the same as setting ``persistence_required = True`` in ``class Meta``.
    """

    if not TYPE_CHECKING:  # type checkers see AsyncFactory.Meta: any class

        class Meta:
            abstract = True
            persistence_required = True
