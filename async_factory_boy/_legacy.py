"""The base of async-factory-boy 1.0.1's layers: awaitable ``create`` steps, a warning.

1.0.1's ``AsyncSQLAlchemyFactory`` and ``AsyncTortoiseFactory`` made factory_boy's own steps
awaitable (``await F.create()``, ``await F.create_batch(n)``, ``await F(...)``) and are kept
as deprecated layers over the new backends. What the two share is here, once: the
awaitable steps and the :class:`DeprecationWarning` raised at the user's class statement
(the line to change). Each layer adds what its backend did differently (the SQLAlchemy one
takes its session from ``Meta``; the Tortoise one also makes ``build`` awaitable).
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, ClassVar

from ._deprecation import warn_deprecated
from ._types import Instance

__all__ = ["AwaitableSteps"]


class AwaitableSteps:
    """Mixed into a 1.0.1 layer (before the backend's factory class).

    ``_replacement`` names the class to use instead and ``_replacement_advice`` what to
    change; defining a factory on the layer warns with both. The layer class itself marks
    itself with ``_deprecated_layer = True`` in its own body (it does not warn).
    """

    _replacement: ClassVar[str]
    _replacement_advice: ClassVar[str]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if vars(cls).get("_deprecated_layer"):
            return
        layer = next(base for base in cls.__mro__ if vars(base).get("_deprecated_layer"))
        warn_deprecated(
            f"{layer.__name__} is deprecated (async-factory-boy 1.0.1's API): make "
            f"{cls.__name__} subclass {cls._replacement}[Model]"
            f"{cls._replacement_advice.format(name=cls.__name__)} See the migration guide."
        )

    @classmethod
    def create(cls, **kwargs: object) -> Coroutine[object, object, Instance]:
        """``await F.create(...)`` (and ``await F(...)``): ``create_async``."""
        create_async: Any = cls.create_async  # type: ignore[attr-defined]  # the subclass is an AsyncFactory: the mixin is its base
        coroutine: Coroutine[object, object, Instance] = create_async(**kwargs)
        return coroutine

    @classmethod
    def create_batch(cls, size: int, **kwargs: object) -> Coroutine[object, object, list[Instance]]:
        """``await F.create_batch(n)``: ``create_batch_async`` (one bulk write)."""
        create_batch_async: Any = cls.create_batch_async  # type: ignore[attr-defined]  # the subclass is an AsyncFactory: the mixin is its base
        coroutine: Coroutine[object, object, list[Instance]] = create_batch_async(size, **kwargs)
        return coroutine
