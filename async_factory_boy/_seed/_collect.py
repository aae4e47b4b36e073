"""Run factories with the create strategy, but hand each object over instead of saving it.

The seed command writes whole batches with bulk statements, so the factories must not
persist objects one by one. Yet it must build exactly what ``create_batch_async`` would:
post-generation hooks see ``create=True`` (the common ``if not create: return`` idiom keeps
working) and RelatedFactory objects are made too. A small builder does that without
touching the factories: it wraps each factory's ``_meta`` so that ``instantiate`` builds
the object with ``_build`` and hands it to a collector, and the ``_after_postgeneration``
save step is skipped. Everything else is the core's resolution, greenlet bridge included.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._bridge import run_in_bridge
from .._builder import AsyncStepBuilder
from .._call import FactoryCall, activate
from .._compat import enums
from ..factory import AsyncFactory

__all__ = ["Collector", "build_collected"]

#: Receives every object the create strategy reaches, with the factory that made it.
Collector = Callable[[type[AsyncFactory[Any]], Any], None]


class _CollectingOptions:
    """A factory's ``_meta`` whose persistence steps are diverted to a collector."""

    __slots__ = ("_collect", "_options")

    def __init__(self, options: Any, collect: Collector) -> None:
        self._options = options
        self._collect = collect

    def __getattr__(self, name: str) -> Any:
        return getattr(self._options, name)

    def instantiate(self, step: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        factory = self._options.factory
        if not issubclass(factory, AsyncFactory):  # factory.List, factory.Dict: plain values
            return self._options.instantiate(step=step, args=args, kwargs=kwargs)
        instance = factory._build(self._options.get_model_class(), *args, **kwargs)
        self._collect(factory, instance)
        return instance

    def use_postgeneration_results(self, step: Any, instance: Any, results: Any) -> None:
        """The factory's save-after-post-generation step: the collector saves instead."""


class _CollectingStepBuilder(AsyncStepBuilder):
    """The core's builder over collecting options; sub-factories inherit both."""

    def __init__(self, factory_meta: Any, extras: dict[str, Any], strategy: str) -> None:
        super().__init__(factory_meta, extras, strategy)
        self._collect: Collector = factory_meta._collect

    def recurse(self, factory_meta: Any, extras: dict[str, Any]) -> AsyncStepBuilder:
        options = _CollectingOptions(factory_meta, self._collect)
        return self.__class__(options, extras, strategy=self.strategy)


def _build_all(factory: type[AsyncFactory[Any]], size: int, collect: Collector) -> None:
    options = _CollectingOptions(factory._meta, collect)
    for _ in range(size):
        _CollectingStepBuilder(options, {}, enums.CREATE_STRATEGY).build()


async def build_collected(factory: type[AsyncFactory[Any]], size: int, collect: Collector) -> None:
    """Make ``size`` objects of ``factory`` (and everything they need) into ``collect``.

    It runs as one batch call: ``current_call()`` inside hooks sees a call of ``factory``
    with the create strategy and no connection.
    """
    call = FactoryCall(factory=factory, strategy=enums.CREATE_STRATEGY, connection={}, size=size)
    with activate(call):
        await run_in_bridge(_build_all, factory, size, collect)
