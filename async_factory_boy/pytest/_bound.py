"""The factory fixture: a subclass of the registered factory bound to the session fixture.

``user_factory`` in a test is ``UserFactory`` whose ``create_async``, ``create_batch_async``,
``build_async`` and ``build_batch_async`` pass the session fixture unless the call names a
connection itself, and which creates one object when called: ``await user_factory(name="x")``.
A subclass rather than a wrapper, so ``issubclass(user_factory, UserFactory)`` holds, the
factory's own class methods and declarations are all there, and sequences are shared.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Protocol, TypeVar, cast

from .._types import FactoryClass, Instance, Kwargs

__all__ = ["FactoryFixture", "bind"]

F = TypeVar("F", bound=type[object])
T = TypeVar("T")

_metaclasses: dict[type, type] = {}


def _calling_creates(metaclass: type) -> type:
    """``metaclass`` whose ``cls(**kwargs)`` returns ``cls.create_async(**kwargs)``."""
    bound = _metaclasses.get(metaclass)
    if bound is None:

        def __call__(cls: FactoryClass, **kwargs: object) -> Coroutine[object, object, Instance]:
            coroutine: Coroutine[object, object, Instance] = cls.create_async(**kwargs)
            return coroutine

        bound = _metaclasses[metaclass] = type(
            f"Bound{metaclass.__name__}", (metaclass,), {"__call__": __call__}
        )
    return bound


def bind(factory_class: F, argument: str, connection: object) -> F:
    """A subclass of ``factory_class`` whose calls pass ``argument=connection`` by default.

    A ``None`` connection (a session fixture with nothing to hand over, as Beanie's
    ``mongo_session`` outside a transaction) passes nothing: the subclass is still callable.
    """

    def with_connection(kwargs: Kwargs) -> Kwargs:
        if connection is not None:
            kwargs.setdefault(argument, connection)
        return kwargs

    async def create_async(cls: FactoryClass, /, **kwargs: object) -> Instance:
        return await super(bound, cls).create_async(**with_connection(kwargs))

    async def create_batch_async(
        cls: FactoryClass, /, size: int, **kwargs: object
    ) -> list[Instance]:
        made: list[Instance] = await super(bound, cls).create_batch_async(
            size, **with_connection(kwargs)
        )
        return made

    async def build_async(cls: FactoryClass, /, **kwargs: object) -> Instance:
        return await super(bound, cls).build_async(**with_connection(kwargs))

    async def build_batch_async(
        cls: FactoryClass, /, size: int, **kwargs: object
    ) -> list[Instance]:
        built: list[Instance] = await super(bound, cls).build_batch_async(
            size, **with_connection(kwargs)
        )
        return built

    namespace = {
        "__module__": factory_class.__module__,
        "__qualname__": factory_class.__qualname__,
        "__doc__": f"{factory_class.__name__}, creating with the test's {argument}.",
        "create_async": classmethod(create_async),
        "create_batch_async": classmethod(create_batch_async),
        "build_async": classmethod(build_async),
        "build_batch_async": classmethod(build_batch_async),
    }
    metaclass = _calling_creates(type(factory_class))
    bound = metaclass(factory_class.__name__, (factory_class,), namespace)
    return cast(F, bound)


class FactoryFixture(Protocol[T]):
    """The type of a factory fixture, for annotations: ``user_factory: FactoryFixture[User]``.

    It says what the bound factory adds: calling it creates one object. Annotate with
    ``type[UserFactory]`` instead to reach the factory's own class methods; both are true.
    """

    def __call__(self, **kwargs: object) -> Coroutine[object, object, T]: ...

    async def create_async(self, **kwargs: object) -> T: ...

    async def create_batch_async(self, size: int, **kwargs: object) -> list[T]: ...

    async def build_async(self, **kwargs: object) -> T: ...

    async def build_batch_async(self, size: int, **kwargs: object) -> list[T]: ...
