"""``AsyncFactory``: factory_boy's Factory with awaitable create and build steps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from ._auto_fields import AutoFieldsMode, AutoFieldsOptions, describe
from ._bridge import await_, cooperate, in_bridge, run_in_bridge
from ._builder import AsyncStepBuilder, is_awaitable
from ._call import FactoryCall, activate, current_call
from ._compat import Factory, FactoryOptions, OptionDefault, enums, factory_errors
from ._handlers import get_or_create_with, save_many_with, save_with
from ._locks import hold_exclusively
from ._scope import BUILTIN_CONNECTION_ARGUMENTS, CallScope, reached_from
from ._type_fields import built_by, derive_from_type_hints
from .errors import (
    FactoryConfigurationError,
    MissingPersistenceError,
    SessionTypeError,
    SyncCallError,
)

__all__ = ["MAX_BATCH_SIZE", "AsyncFactory", "AsyncFactoryOptions", "DeferredWrites"]

T = TypeVar("T")

#: The largest ``size`` a ``*_batch_async`` call accepts. A batch holds all its objects in
#: memory at once (a list of ``size`` model instances, plus each one's declarations being
#: resolved): ten million small objects already take several GiB. A larger request is
#: refused before anything is built; split it into several calls.
MAX_BATCH_SIZE = 10_000_000


def _check_persistence(meta: Any, value: Any) -> None:
    """``Meta.persistence`` must be a handler (something with a ``save`` method) or ``None``."""
    if value is not None and not callable(getattr(value, "save", None)):
        owner = getattr(meta, "__qualname__", "Meta").rsplit(".", 1)[0]
        raise FactoryConfigurationError(
            f"{owner}: Meta.persistence must be a persistence handler with save() and "
            f"save_many() methods (e.g. MemoryPersistence()), got {type(value).__name__}."
        )


class AsyncFactoryOptions(AutoFieldsOptions):
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
            *super()._build_default_options(),
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

    if TYPE_CHECKING:
        #: What type checkers see: any class. Every factory declares its own ``class Meta``,
        #: which pyright would report as an incompatible override of the base's ("Meta
        #: overrides symbol of same name"); the bases' own ``Meta`` classes are hidden from
        #: type checkers (``if not TYPE_CHECKING``), so the subclass overrides this.
        Meta: type[Any]
    else:

        class Meta:
            abstract = True

    #: Keyword arguments that carry a connection for this factory's backend. A call takes
    #: them, and the built-in backends' ones (``BUILTIN_CONNECTION_ARGUMENTS``), out of its
    #: overrides; see :meth:`_split_connection`.
    _connection_arguments: ClassVar[tuple[str, ...]] = ("persistence",)

    #: Every connection argument a call of this factory takes out of its overrides
    #: (computed when the class is made).
    _accepted_connection_arguments: ClassVar[frozenset[str]] = BUILTIN_CONNECTION_ARGUMENTS

    # Explicit flags, set when a class is made, instead of comparing method identities on
    # every call. A backend that defines its own ``_create_async`` as *the* way it persists
    # sets ``_default_create_async = True`` next to it; a subclass that overrides it without
    # the flag is a user's customisation.
    #: Objects are saved through persistence handlers (``persistence=``, ``Meta.persistence``).
    #: Backends that persist through a connection of their own set it to ``False``.
    _saves_through_handlers: ClassVar[bool] = True
    #: ``_create_async`` is the class family's own (not a user's override).
    _default_create_async: ClassVar[bool] = True
    #: ``_create_many_async`` is overridden: batches hold objects back for it.
    _writes_batches: ClassVar[bool] = False
    #: ``_after_postgeneration_async`` is overridden: it is awaited after post-generation.
    _awaits_after_postgeneration: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = cls.__dict__
        if "_create_async" in own and "_default_create_async" not in own:
            cls._default_create_async = False
        if "_create_many_async" in own and "_writes_batches" not in own:
            cls._writes_batches = True
        if "_after_postgeneration_async" in own and "_awaits_after_postgeneration" not in own:
            cls._awaits_after_postgeneration = True
        accepted = set(BUILTIN_CONNECTION_ARGUMENTS)
        for klass in cls.__mro__:
            accepted.update(klass.__dict__.get("_connection_arguments", ()))
        cls._accepted_connection_arguments = frozenset(accepted)

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

    # -- fields derived from the model (``Meta.auto_fields``) ---------------------------------

    @classmethod
    def auto_declarations(cls) -> dict[str, str]:
        """What ``Meta.auto_fields`` derived for this factory, field by field (readable)."""
        return describe(getattr(cls._meta, "auto_declarations", {}))

    @classmethod
    def _derive_declarations(
        cls, model: type, mode: AutoFieldsMode
    ) -> tuple[dict[str, Any], tuple[str, ...]]:
        """Declarations for the model's fields that ``auto_fields`` should fill.

        Returns the declarations by field name, and the names among them that are helpers to
        leave out of the model's arguments (``Meta.exclude``). The default reads type hints
        (dataclasses, pydantic, attrs, TypedDict, annotated ``__init__``); backends with a
        schema of their own override it.
        """
        return derive_from_type_hints(cls, model, mode, built_by(AsyncFactory))

    # -- extension points for backends and users ------------------------------------------

    @classmethod
    async def _create_async(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        """Persist one object and return it.

        The default saves through the call's persistence handler (``persistence=`` or
        ``Meta.persistence``) and, with none, instantiates without persisting. Backends
        override it; ``current_call()`` gives the call's connection arguments.
        """
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
                    "(MemoryPersistence, SQLAlchemyPersistence and MongoPersistence have one)."
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
        if (
            call.strategy == enums.CREATE_STRATEGY
            and getattr(cls._meta, "persistence_required", False)
            and cls._persistence_handler(call) is None
        ):
            raise cls._missing_persistence()

    # -- factory_boy's sync steps ----------------------------------------------------------

    @classmethod
    def create(cls, **kwargs: Any) -> T:
        """Sync create: only for a factory with nothing to persist, else ``create_async``.

        A factory with no backend and no handler just instantiates its model, so
        ``UserFactory()`` works as in factory_boy (e.g. inside a post-generation hook).
        """
        if cls._creates_without_persisting(kwargs):
            result: T = cls._generate(enums.CREATE_STRATEGY, kwargs)
            return result
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
            return call.scope(DeferredWrites, cls).add(cls, instance)
        if (
            cls._saves_through_handlers
            and cls._default_create_async
            and cls._persistence_handler(call) is None
            and not getattr(cls._meta, "persistence_required", False)
        ):
            return model_class(*args, **kwargs)  # nothing to persist, nothing to await
        cls._require_bridge()
        result = cls._create_async(model_class, *args, **kwargs)
        return await_(result) if is_awaitable(result) else result

    @classmethod
    def _after_postgeneration(
        cls, instance: Any, create: bool, results: dict[str, Any] | None = None
    ) -> None:
        if cls._awaits_after_postgeneration:
            await_(cls._after_postgeneration_async(instance, create, results))

    # -- helpers -----------------------------------------------------------------------------

    @classmethod
    def _defers_batch_writes(cls, call: FactoryCall) -> bool:
        """Whether ``call`` (a batch) collects this factory's objects for one bulk write."""
        if cls._writes_batches:
            return True
        # The default bulk write saves through the persistence handler: defer only when
        # there is one, the factory saves through it, and no get_or_create is asked for.
        return (
            cls._saves_through_handlers
            and cls._default_create_async
            and not getattr(cls._meta, "persistence_get_or_create", ())
            and cls._persistence_handler(call) is not None
        )

    @classmethod
    def _creates_without_persisting(cls, kwargs: dict[str, Any]) -> bool:
        """Whether a create of ``cls`` with ``kwargs`` has nothing to persist or await.

        That is a factory of no backend (a backend declares connection arguments of its
        own), saving through no handler, called without a connection.
        """
        connection, _ = cls._split_connection(kwargs)
        return (
            not connection
            and set(cls._connection_arguments) <= {"persistence"}
            and cls._saves_through_handlers
            and cls._default_create_async
            and cls._persistence_handler(current_call()) is None
            and not getattr(cls._meta, "persistence_required", False)
        )

    @classmethod
    def _persistence_handler(cls, call: FactoryCall | None) -> Any:
        """The call's ``persistence=`` handler, else ``Meta.persistence``, else ``None``."""
        handler = None if call is None else call.get("persistence")
        if handler is None:
            handler = getattr(cls._meta, "persistence", None)
        return handler

    @classmethod
    def _require_bridge(cls) -> None:
        """Persisting needs a factory call's bridge: refuse a sync ``create()`` that got here.

        (A sync ``create()`` of a plain factory_boy factory can reach an async factory
        through a SubFactory.)
        """
        if not in_bridge():
            raise SyncCallError(
                f"{cls.__name__} is an async factory reached from a sync create(); create "
                f"the outer object with `await ....create_async(...)`."
            )

    @classmethod
    def _check_persistence_argument(cls, call: FactoryCall) -> None:
        """A per-call ``persistence=`` must be a handler, and only where handlers are used.

        Backends that persist through their own connection (a session, a database) do not
        save through handlers; a handler passed to them would be silently ignored, so it is
        refused instead.
        """
        handler = call.get("persistence")
        if handler is None:
            return
        if not cls._saves_through_handlers:
            own = ", ".join(f"{name}=" for name in cls._connection_arguments)
            raise SessionTypeError(
                f"{cls.__name__} persists through {own} and does not save through "
                f"persistence handlers: drop persistence= ({type(handler).__name__}) from "
                "the call; handlers are for factories built on AsyncFactory itself."
            )
        if not callable(getattr(handler, "save", None)):
            raise SessionTypeError(
                f"{cls.__name__}: persistence= must be a persistence handler with save() and "
                f"save_many() methods (e.g. MemoryPersistence()), got {type(handler).__name__}."
            )

    @classmethod
    def _exclusive_resources(cls, call: FactoryCall) -> tuple[object, ...]:
        """The connection objects of ``call`` that two tasks must not use at once.

        An ``AsyncSession`` (or a MongoDB client session) runs one operation at a time: the
        call holds it for its whole run (see :mod:`async_factory_boy._locks`), so
        ``asyncio.gather`` of creates on one session runs them one after another. Backends
        override it; the default is the persistence handler's ``exclusive_resource``, for
        handlers that have one (``SQLAlchemyPersistence``: its session).
        """
        handler = cls._persistence_handler(call)
        resource = getattr(handler, "exclusive_resource", None)
        return () if resource is None else (resource,)

    @classmethod
    def _missing_persistence(cls) -> MissingPersistenceError:
        factory = reached_from(cls, current_call())
        return MissingPersistenceError(
            f"{factory} saves through a persistence handler and has none: pass "
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
        accepted = cls._accepted_connection_arguments
        connection: dict[str, Any] = {}
        overrides: dict[str, Any] = {}
        for key, value in params.items():
            if key in accepted and key not in declared and key not in parameters:
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
        call = FactoryCall(
            factory=cls, strategy=strategy, connection=connection, size=size, parent=outer
        )
        cls._check_persistence_argument(call)
        cls._prepare_call(call)
        async with hold_exclusively(cls._exclusive_resources(call)):
            with activate(call):
                try:
                    if size is None:
                        result = await run_in_bridge(cls._generate, strategy, overrides)
                    else:
                        result = await run_in_bridge(cls._generate_many, strategy, size, overrides)
                except BaseException as exc:
                    await call.finish(exc)
                    raise
                await call.finish(None)
        deferred = call.find_scope(DeferredWrites)
        return result if deferred is None else deferred.replace_in(result)

    @classmethod
    def _generate_many(cls, strategy: str, size: int, overrides: dict[str, Any]) -> list[Any]:
        objects = []
        for index in range(size):
            objects.append(cls._generate(strategy, dict(overrides)))
            if not index & 7:  # an event-loop turn every ~10 ms (the clock read every 8th
                cooperate()  # object): timeouts, cancellation and other tasks get through
        return objects


class DeferredWrites(CallScope):
    """The batch scope of factories that write through ``_create_many_async``.

    Inside ``create_batch_async`` their objects are built, held back per factory, and handed
    to each factory's ``_create_many_async`` once every object is built, referenced objects
    first (sub-factory objects are built before the objects that reference them). A
    persistence handler's ``save_many`` is reached this way, and so is Django's
    ``abulk_create``.
    """

    __slots__ = ("_held", "_replaced")

    def __init__(self, call: FactoryCall) -> None:
        super().__init__(call)
        self._held: dict[type[AsyncFactory[Any]], list[Any]] = {}
        self._replaced: dict[int, Any] = {}

    def add(self, factory: type, instance: Any) -> Any:
        assert issubclass(factory, AsyncFactory)
        self._held.setdefault(factory, []).append(instance)
        return instance

    async def finish(self) -> None:
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
