"""The core's own scope: objects saved through persistence handlers, and held batches.

A factory built on :class:`~async_factory_boy.AsyncFactory` itself (no backend package) is
a backend like the others: its entry in the registry names :class:`HandlerScope`. A call's
objects are saved through the call's handler (``persistence=``, else ``Meta.persistence``)
one ``save`` each, or, in ``create_batch_async``, held back per factory and handed to each
factory's ``_create_many_async`` once every object is built (referenced objects first),
whose default is the handler's ``save_many``. A factory of any backend that overrides
``_create_many_async`` has its batch objects held here the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._bridge import await_
from ._call import FactoryCall
from ._handlers import get_or_create_with, save_with
from ._scope import CallScope
from ._types import Args, FactoryClass, Instance, Kwargs, ReadKwargs
from .errors import FactoryConfigurationError

if TYPE_CHECKING:
    from ._compat import BuildStepLike
    from ._factory import AsyncFactory

__all__ = ["HandlerScope"]


class HandlerScope(CallScope):
    """Saves a call's objects through persistence handlers; holds batches for
    ``_create_many_async``."""

    __slots__ = ("_held", "_replaced")
    holds = True

    def __init__(self, call: FactoryCall) -> None:
        super().__init__(call)
        self._held: dict[type[AsyncFactory[Any]], list[Any]] = {}
        self._replaced: dict[int, Any] = {}

    @classmethod
    def open(cls, factory: FactoryClass, call: FactoryCall) -> HandlerScope:
        """Refuse a create that must persist and has no handler (``persistence_required``)."""
        if (
            call.strategy == "create"
            and getattr(factory._meta, "persistence_required", False)
            and factory._persistence_handler(call) is None
        ):
            raise factory._missing_persistence()
        return cls(call)

    @classmethod
    def lookup_fields(cls, factory: FactoryClass) -> tuple[str, ...]:
        return tuple(getattr(factory._meta, "persistence_get_or_create", ()))

    def exclusive_resources(self) -> tuple[object, ...]:
        """The handler's ``exclusive_resource``, for handlers that have one
        (``SQLAlchemyPersistence``: its session)."""
        factory: FactoryClass = self.call.factory
        handler = factory._persistence_handler(self.call)
        resource = getattr(handler, "exclusive_resource", None)
        return () if resource is None else (resource,)

    def may_hold(
        self, factory: FactoryClass, instance: Instance, step: BuildStepLike | None
    ) -> bool:
        """Batch objects wait for ``save_many`` when the factory saves through a handler."""
        return factory._persistence_handler(self.call) is not None

    def add(self, factory: FactoryClass, instance: Instance, *, hold: bool = False) -> Instance:
        if hold:
            self._held.setdefault(factory, []).append(instance)
            return instance
        handler = factory._persistence_handler(self.call)
        if handler is None:
            if getattr(factory._meta, "persistence_required", False):
                raise factory._missing_persistence()
            return instance
        return await_(save_with(handler, instance))

    def get_or_create(
        self,
        factory: FactoryClass,
        model_class: type,
        args: Args,
        kwargs: Kwargs,
        fields: tuple[str, ...],
        passed: ReadKwargs,
    ) -> Instance:
        """``Meta.persistence_get_or_create``: the handler's ``get_or_create``."""
        instance = self.make(factory, model_class, args, kwargs)
        handler = factory._persistence_handler(self.call)
        if handler is None:
            return self.add(factory, instance)
        if not callable(getattr(handler, "get_or_create", None)):
            raise FactoryConfigurationError(
                f"{factory.__name__}: Meta.persistence_get_or_create needs a handler with a "
                f"get_or_create(obj, fields) method; {type(handler).__name__} has none "
                "(MemoryPersistence, SQLAlchemyPersistence and MongoPersistence have one)."
            )
        return await_(get_or_create_with(handler, instance, fields))

    async def finish(self) -> None:
        """Hand each factory's held objects to its ``_create_many_async``."""
        for factory_class, instances in self._held.items():
            model_class = factory_class._meta.get_model_class()
            saved = await factory_class._create_many_async(model_class, instances)
            if len(saved) != len(instances):
                raise TypeError(
                    f"{factory_class.__name__}._create_many_async returned {len(saved)} "
                    f"objects for {len(instances)}; return one object per instance, in order."
                )
            self._replaced.update(
                (id(old), new) for old, new in zip(instances, saved, strict=True) if old is not new
            )

    def replace_in(self, result: Any) -> Any:
        """``result`` with the objects ``_create_many_async`` replaced swapped in."""
        if self._replaced and isinstance(result, list):
            return [self._replaced.get(id(item), item) for item in result]
        return result
