"""async-factory-boy 1.0.1's ``AsyncTortoiseFactory``, kept working on the new core.

1.0.1 users wrote::

    class UserFactory(AsyncTortoiseFactory):
        class Meta:
            model = User

    user = await UserFactory.create()      # or: await UserFactory(...)
    users = await UserFactory.create_batch(3)
    draft = await UserFactory.build()

and wrote through Tortoise's default connection. This class keeps that API (awaitable
``create`` / ``create_batch`` / ``build`` / ``build_batch`` / ``F()``, the default
connection) as a thin layer over :class:`AsyncTortoiseModelFactory`, so 1.0.1's bugs are
gone: ``build()`` no longer saves SubFactory objects to the database, SubFactory values are
objects during resolution (``SelfAttribute("company.name")`` works), post-generation hooks
receive the instance and may be ``async def``, RelatedFactory rows exist when ``create``
returns, ``build_batch`` returns objects rather than un-awaited coroutines, and a failed
call leaves no partial rows.

Defining a factory on this class emits a :class:`DeprecationWarning` that points at the
class statement: it is the line to change (see ``docs/migration.md``).
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, TypeVar

from ..._legacy import AwaitableSteps
from ._factory import AsyncTortoiseModelFactory

__all__ = ["AsyncTortoiseFactory"]

T = TypeVar("T")


class AsyncTortoiseFactory(AwaitableSteps, AsyncTortoiseModelFactory[T]):  # type: ignore[misc]  # 1.0.1's API: create() returns a coroutine, not the object
    """Deprecated: async-factory-boy 1.0.1's API on the new core.

    Use :class:`~async_factory_boy.factory.tortoise.AsyncTortoiseModelFactory` and the
    ``*_async`` steps: ``await UserFactory.create_async()``,
    ``await UserFactory.create_batch_async(n)``, ``await UserFactory.build_async()``.
    """

    _deprecated_layer = True
    _replacement = "AsyncTortoiseModelFactory"
    _replacement_advice = (
        " and call `await {name}.create_async()` (optionally with tortoise_connection=...), "
        "`create_batch_async(n)`, `build_async()`."
    )

    if not TYPE_CHECKING:  # type checkers see AsyncFactory.Meta: any class

        class Meta:
            abstract = True

    @classmethod
    def build(cls, **kwargs: object) -> Coroutine[object, object, T]:  # type: ignore[override]  # 1.0.1's API: build() returns a coroutine, not the object
        """``await F.build(...)``: :meth:`build_async` (nothing is saved)."""
        return cls.build_async(**kwargs)

    @classmethod
    def build_batch(  # type: ignore[override]  # 1.0.1's API: build() returns a coroutine, not the object
        cls, size: int, **kwargs: object
    ) -> Coroutine[object, object, list[T]]:
        """``await F.build_batch(n)``: :meth:`build_batch_async` (1.0.1 returned coroutines)."""
        return cls.build_batch_async(size, **kwargs)
