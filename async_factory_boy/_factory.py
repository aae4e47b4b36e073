"""``AsyncFactory``: factory_boy's Factory with awaitable create and build steps."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from factory import enums
from factory import errors as factory_errors
from factory.base import Factory, FactoryOptions, OptionDefault

from ._bridge import await_, cooperate, in_bridge, run_in_bridge
from ._builder import AsyncStepBuilder, is_awaitable
from ._call import (
    FactoryCall,
    activate,
    current_call,
    is_connection_argument,
    register_connection_arguments,
)
from .errors import (
    FactoryConfigurationError,
    MissingPersistenceError,
    SessionTypeError,
    SyncCallError,
)

__all__ = ["MAX_BATCH_SIZE", "AsyncFactory", "AsyncFactoryOptions"]

T = TypeVar("T")

#: The largest ``size`` a ``*_batch_async`` call accepts. A batch holds all its objects in
#: memory at once (a list of ``size`` model instances, plus each one's declarations being
#: resolved): ten million small objects already take several GiB. A larger request is
#: refused before anything is built; split it into several calls.
MAX_BATCH_SIZE = 10_000_000

# The per-call persistence handler (``create_async(persistence=store)``) is a connection
# argument of every async factory, whatever its backend.
register_connection_arguments(("persistence",))


def _check_persistence(meta: Any, value: Any) -> None:
    """``Meta.persistence`` must be a handler (something with a ``save`` method) or ``None``."""
    if value is not None and not callable(getattr(value, "save", None)):
        owner = getattr(meta, "__qualname__", "Meta").rsplit(".", 1)[0]
        raise FactoryConfigurationError(
            f"{owner}: Meta.persistence must be a persistence handler with save() and "
            f"save_many() methods (e.g. MemoryPersistence()), got {type(value).__name__}."
        )


class AsyncFactoryOptions(FactoryOptions):
    """factory_boy's options plus the persistence ones of :class:`AsyncFactory`.

    - ``persistence``: the default handler ``create_async`` saves through (a per-call
      ``persistence=`` wins over it).
    - ``persistence_required``: when true, creating without any handler is an error instead
      of returning an unsaved object.
    - ``persistence_get_or_create``: field names; ``create_async`` then returns the stored
      object equal on these fields, if any, through the handler's ``get_or_create``.
    """

    def _build_default_options(self) -> list[OptionDefault]:
        return [
            *super()._build_default_options(),  # type: ignore[no-untyped-call]
            OptionDefault("persistence", None, inherit=True, checker=_check_persistence),
            OptionDefault("persistence_required", False, inherit=True),
            OptionDefault("persistence_get_or_create", (), inherit=True),
        ]


class AsyncFactory(Factory[T]):
    """A factory_boy ``Factory`` whose create and build steps are awaited.

    Declarations resolve exactly as in factory_boy; on top of that, any declaration value
    that is awaitable is awaited, ``async def`` post-generation hooks are awaited, and
    persistence goes through the awaitable :meth:`_create_async`. Connection arguments
    (``sqlalchemy_session=``, ``mongo_database=``, ...) are taken out of the overrides and
    travel with the call to every nested SubFactory / RelatedFactory.
    """

    _options_class: ClassVar[type[FactoryOptions]] = AsyncFactoryOptions

    class Meta:
        abstract = True

    #: Keyword arguments that carry a connection for this family of factories. A backend
    #: sets it; every name declared by any backend is taken out of a call's overrides.
    _connection_arguments: ClassVar[tuple[str, ...]] = ("persistence",)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        register_connection_arguments(cls.__dict__.get("_connection_arguments", ()))

    # -- the awaitable steps -------------------------------------------------------------

    @classmethod
    async def create_async(cls, **kwargs: Any) -> T:
        """Create and persist one object; nested objects are created with the same call."""
        result: T = await cls._call_async(enums.CREATE_STRATEGY, kwargs, size=None)
        return result

    @classmethod
    async def create_batch_async(cls, size: int, **kwargs: Any) -> list[T]:
        """Create ``size`` objects in one call, so backends can write them in bulk."""
        result: list[T] = await cls._call_async(
            enums.CREATE_STRATEGY, kwargs, size=cls._check_size(size)
        )
        return result

    @classmethod
    async def build_async(cls, **kwargs: Any) -> T:
        """Build one object without persisting it, awaiting any awaitable values."""
        result: T = await cls._call_async(enums.BUILD_STRATEGY, kwargs, size=None)
        return result

    @classmethod
    async def build_batch_async(cls, size: int, **kwargs: Any) -> list[T]:
        """Build ``size`` objects without persisting them, awaiting any awaitable values."""
        result: list[T] = await cls._call_async(
            enums.BUILD_STRATEGY, kwargs, size=cls._check_size(size)
        )
        return result

    # -- extension points for backends and users ------------------------------------------

    @classmethod
    async def _create_async(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        """Persist one object and return it.

        The default saves through the call's persistence handler (``persistence=`` or
        ``Meta.persistence``) and, with none, instantiates without persisting. Backends
        override it; ``current_call()`` gives the call's connection arguments.
        """
        from ._handlers import get_or_create_with, save_with

        instance = model_class(*args, **kwargs)
        handler = cls._persistence_handler(current_call())
        if handler is None:
            if getattr(cls._meta, "persistence_required", False):
                raise cls._missing_persistence()
            return instance
        fields = getattr(cls._meta, "persistence_get_or_create", ())
        if fields:
            if not callable(getattr(handler, "get_or_create", None)):
                raise FactoryConfigurationError(
                    f"{cls.__name__}: Meta.persistence_get_or_create needs a handler with a "
                    f"get_or_create(obj, fields) method; {type(handler).__name__} has none "
                    "(MemoryPersistence and SQLAlchemyPersistence have one)."
                )
            return await get_or_create_with(handler, instance, fields)
        return await save_with(handler, instance)

    @classmethod
    async def _create_many_async(cls, model_class: type[Any], instances: list[Any]) -> list[Any]:
        """Persist objects built by a ``create_batch_async`` call, in one bulk write.

        Overriding it opts the factory into deferred batch writes: inside a batch, objects
        are built with ``_build`` and collected, then handed over here once per factory,
        referenced objects before the objects that reference them. Return the persisted
        objects in the same order (usually ``instances`` themselves, updated in place).
        The default hands them to the persistence handler's ``save_many``; it is used only
        when the call has a handler.
        """
        from ._handlers import save_many_with

        handler = cls._persistence_handler(current_call())
        if handler is None:  # not reached: without a handler, batch writes are not deferred
            return instances
        return await save_many_with(handler, instances)

    @classmethod
    async def _after_postgeneration_async(
        cls, instance: Any, create: bool, results: dict[str, Any] | None = None
    ) -> None:
        """Awaitable counterpart of factory_boy's ``_after_postgeneration`` hook."""

    @classmethod
    def _prepare_call(cls, call: FactoryCall) -> None:
        """Check a top-level call before anything runs (e.g. that a session was passed).

        Checked at the top so that the error names the factory the user called, not one
        reached through a SubFactory. The default checks the persistence handler.
        """
        handler = call.get("persistence")
        if handler is not None and not callable(getattr(handler, "save", None)):
            raise SessionTypeError(
                f"{cls.__name__}: persistence= must be a persistence handler with save() and "
                f"save_many() methods (e.g. MemoryPersistence()), got {type(handler).__name__}."
            )
        if (
            call.strategy == enums.CREATE_STRATEGY
            and getattr(cls._meta, "persistence_required", False)
            and cls._persistence_handler(call) is None
        ):
            raise cls._missing_persistence()

    # -- factory_boy's sync steps ----------------------------------------------------------

    @classmethod
    def create(cls, **kwargs: Any) -> T:
        """Sync create cannot persist through an async driver: point to ``create_async``."""
        raise SyncCallError(
            f"{cls.__name__} is an async factory: {cls.__name__}() and "
            f"{cls.__name__}.create() cannot persist; use "
            f"`await {cls.__name__}.create_async(...)` instead."
        )

    @classmethod
    def create_batch(cls, size: int, **kwargs: Any) -> list[T]:
        """Sync batch create cannot persist: point to ``create_batch_async``."""
        raise SyncCallError(
            f"{cls.__name__} is an async factory: {cls.__name__}.create_batch() cannot "
            f"persist; use `await {cls.__name__}.create_batch_async(...)` instead (or "
            f"`await {cls.__name__}.create_async(...)` for one object)."
        )

    # -- factory_boy's internals, routed through the async builder -------------------------

    @classmethod
    def _generate(cls, strategy: str, params: dict[str, Any]) -> Any:
        if cls._meta.abstract:
            raise factory_errors.FactoryError(
                f"Cannot generate instances of abstract factory {cls.__name__}; ensure "
                f"{cls.__name__}.Meta.model is set and {cls.__name__}.Meta.abstract is "
                "either not set or False."
            )
        return AsyncStepBuilder(cls._meta, params, strategy).build()

    @classmethod
    def _create(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        call = current_call()
        if call is not None and call.is_batch and cls._defers_batch_writes(call):
            instance = cls._build(model_class, *args, **kwargs)  # type: ignore[no-untyped-call]
            call.defer(cls, instance)
            return instance
        if (
            getattr(cls._create_async, "__func__", None) is _DEFAULT_CREATE
            and cls._persistence_handler(call) is None
            and not getattr(cls._meta, "persistence_required", False)
        ):
            return model_class(*args, **kwargs)  # nothing to persist, nothing to await
        if not in_bridge():
            raise SyncCallError(
                f"{cls.__name__} is an async factory reached from a sync create(); create "
                f"the outer object with `await ....create_async(...)`."
            )
        result = cls._create_async(model_class, *args, **kwargs)
        return await_(result) if is_awaitable(result) else result

    @classmethod
    def _after_postgeneration(
        cls, instance: Any, create: bool, results: dict[str, Any] | None = None
    ) -> None:
        hook = cls._after_postgeneration_async
        if getattr(hook, "__func__", None) is _DEFAULT_AFTER_POSTGENERATION:
            return
        await_(hook(instance, create, results))

    # -- helpers -----------------------------------------------------------------------------

    @classmethod
    def _defers_batch_writes(cls, call: FactoryCall) -> bool:
        """Whether ``call`` (a batch) collects this factory's objects for one bulk write."""
        if getattr(cls._create_many_async, "__func__", None) is not _DEFAULT_CREATE_MANY:
            return True
        # The default bulk write saves through the persistence handler: defer only when
        # there is one, the factory saves through it, and no get_or_create is asked for.
        return (
            getattr(cls._create_async, "__func__", None) is _DEFAULT_CREATE
            and not getattr(cls._meta, "persistence_get_or_create", ())
            and cls._persistence_handler(call) is not None
        )

    @classmethod
    def _persistence_handler(cls, call: FactoryCall | None) -> Any:
        """The call's ``persistence=`` handler, else ``Meta.persistence``, else ``None``."""
        handler = None if call is None else call.get("persistence")
        if handler is None:
            handler = getattr(cls._meta, "persistence", None)
        return handler

    @classmethod
    def _missing_persistence(cls) -> MissingPersistenceError:
        call = current_call()
        reached = (
            f" (reached from {call.factory.__name__})"
            if call is not None and call.factory is not cls
            else ""
        )
        return MissingPersistenceError(
            f"{cls.__name__}{reached} saves through a persistence handler and has none: pass "
            f"one per call, `await {cls.__name__}.create_async(persistence=handler)`, or set "
            f"a default in `class Meta: persistence = MemoryPersistence()` on {cls.__name__}."
        )

    @classmethod
    def _check_size(cls, size: int) -> int:
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ValueError(
                f"{cls.__name__}: batch size must be a non-negative integer, got {size!r}."
            )
        if size > MAX_BATCH_SIZE:
            raise ValueError(
                f"{cls.__name__}: batch size {size:,} is over the limit of "
                f"{MAX_BATCH_SIZE:,} objects per call (a batch is held in memory whole); "
                "split it into several calls."
            )
        return size

    @classmethod
    def _split_connection(cls, params: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """Take the connection arguments out of ``params``; the rest are overrides.

        A name the factory declares as a field stays an override, so a model may have a
        field called ``persistence`` or ``session`` without losing it.
        """
        declared = cls._meta.base_declarations
        parameters = cls._meta.parameters
        connection: dict[str, Any] = {}
        overrides: dict[str, Any] = {}
        for key, value in params.items():
            if is_connection_argument(key) and key not in declared and key not in parameters:
                connection[key] = value
            else:
                overrides[key] = value
        return connection, overrides

    @classmethod
    async def _call_async(cls, strategy: str, params: dict[str, Any], size: int | None) -> Any:
        connection, overrides = cls._split_connection(params)
        outer = current_call()
        if outer is not None:  # a call made from an async hook inherits its connection
            connection = {**outer.connection, **connection}
        call = FactoryCall(factory=cls, strategy=strategy, connection=connection, size=size)
        cls._prepare_call(call)
        with activate(call):
            try:
                if size is None:
                    result = await run_in_bridge(cls._generate, strategy, overrides)
                else:
                    result = await run_in_bridge(cls._generate_many, strategy, size, overrides)
                result = await cls._write_deferred(call, result)
            except BaseException as exc:
                await call.finish(exc)
                raise
            await call.finish(None)
        return result

    @classmethod
    def _generate_many(cls, strategy: str, size: int, overrides: dict[str, Any]) -> list[Any]:
        objects = []
        for _ in range(size):
            objects.append(cls._generate(strategy, dict(overrides)))
            cooperate()  # an event-loop turn every ~10 ms: timeouts, cancellation, other tasks
        return objects

    @classmethod
    async def _write_deferred(cls, call: FactoryCall, result: Any) -> Any:
        """Hand deferred batch objects to their factories' ``_create_many_async``."""
        replaced: dict[int, Any] = {}
        for factory_class, instances in call.deferred():
            assert issubclass(factory_class, AsyncFactory)
            model_class = factory_class._meta.get_model_class()
            saved = await factory_class._create_many_async(model_class, instances)
            if len(saved) != len(instances):
                raise TypeError(
                    f"{factory_class.__name__}._create_many_async returned {len(saved)} "
                    f"objects for {len(instances)}; return one object per instance, in order."
                )
            replaced.update(
                (id(old), new) for old, new in zip(instances, saved, strict=True) if old is not new
            )
        if replaced and isinstance(result, list):
            return [replaced.get(id(item), item) for item in result]
        return result


_DEFAULT_CREATE = AsyncFactory.__dict__["_create_async"].__func__
_DEFAULT_CREATE_MANY = AsyncFactory.__dict__["_create_many_async"].__func__
_DEFAULT_AFTER_POSTGENERATION = AsyncFactory.__dict__["_after_postgeneration_async"].__func__
