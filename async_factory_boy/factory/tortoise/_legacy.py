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
from typing import TYPE_CHECKING, Any, TypeVar

from ..._deprecation import warn_deprecated
from ._factory import AsyncTortoiseModelFactory

__all__ = ["AsyncTortoiseFactory"]

T = TypeVar("T")


class AsyncTortoiseFactory(AsyncTortoiseModelFactory[T]):
    """Deprecated: async-factory-boy 1.0.1's API on the new core.

    Use :class:`~async_factory_boy.factory.tortoise.AsyncTortoiseModelFactory` and the
    ``*_async`` steps: ``await UserFactory.create_async()``,
    ``await UserFactory.create_batch_async(n)``, ``await UserFactory.build_async()``.
    """

    if not TYPE_CHECKING:  # type checkers see AsyncFactory.Meta: any class

        class Meta:
            abstract = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        warn_deprecated(
            f"AsyncTortoiseFactory is deprecated (async-factory-boy 1.0.1's API): make "
            f"{cls.__name__} subclass AsyncTortoiseModelFactory[Model] and call `await "
            f"{cls.__name__}.create_async()` (optionally with tortoise_connection=...), "
            "`create_batch_async(n)`, `build_async()`. See the migration guide.",
        )

    # -- 1.0.1's awaitable steps --------------------------------------------------------------

    @classmethod
    def create(cls, **kwargs: Any) -> Coroutine[Any, Any, T]:  # type: ignore[override]
        """``await F.create(...)`` (and ``await F(...)``): :meth:`create_async`."""
        return cls.create_async(**kwargs)

    @classmethod
    def create_batch(  # type: ignore[override]
        cls, size: int, **kwargs: Any
    ) -> Coroutine[Any, Any, list[T]]:
        """``await F.create_batch(n)``: :meth:`create_batch_async` (one bulk insert)."""
        return cls.create_batch_async(size, **kwargs)

    @classmethod
    def build(cls, **kwargs: Any) -> Coroutine[Any, Any, T]:  # type: ignore[override]
        """``await F.build(...)``: :meth:`build_async` (nothing is saved)."""
        return cls.build_async(**kwargs)

    @classmethod
    def build_batch(  # type: ignore[override]
        cls, size: int, **kwargs: Any
    ) -> Coroutine[Any, Any, list[T]]:
        """``await F.build_batch(n)``: :meth:`build_batch_async` (1.0.1 returned coroutines)."""
        return cls.build_batch_async(size, **kwargs)
