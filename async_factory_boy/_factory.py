"""``AsyncFactory``: factory_boy's Factory with awaitable create and build steps."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Final, TypeVar

from . import _codegen
from ._auto_fields import AutoFieldsMode, AutoFieldsOptions, describe
from ._backends import HANDLER_ARGUMENT, Backend, backend_named
from ._backends import connection_arguments as registered_connection_arguments
from ._bridge import await_, cooperate, in_bridge, run_in_bridge
from ._builder import AsyncStepBuilder, build_many, is_awaitable
from ._call import FactoryCall, activate, current_call
from ._call import _current as _current_call_var
from ._compat import (
    BuildStepLike,
    Factory,
    FactoryOptions,
    OptionDefault,
    builds_plainly,
    enums,
    factory_errors,
)
from ._handler_scope import HandlerScope
from ._handlers import save_many_with
from ._keywords import KnownKeywords, check_keywords, keywords_of
from ._locks import hold_exclusively
from ._logging import DEBUG, LOGGER, connection_kinds, elapsed_ms, perf_counter
from ._plan import refresh_logged
from ._scope import BUILTIN_CONNECTION_ARGUMENTS, CallScope, method_name, reached_from
from ._type_fields import built_by, derive_from_type_hints
from ._types import Args, FactoryClass, Instance, Kwargs, ModelClass
from .errors import (
    FactoryConfigurationError,
    MissingPersistenceError,
    SessionTypeError,
    SyncCallError,
)

__all__ = [
    "DECLINED",
    "MAX_BATCH_SIZE",
    "AsyncFactory",
    "AsyncFactoryOptions",
    "Capture",
    "ContractOptions",
    "field_names_checker",
]

T = TypeVar("T")

#: The largest ``size`` a ``*_batch_async`` call accepts. A batch holds all its objects in
#: memory at once (a list of ``size`` model instances, plus each one's declarations being
#: resolved): ten million small objects already take several GiB. A larger request is
#: refused before anything is built; split it into several calls.
MAX_BATCH_SIZE = 10_000_000


def _check_persistence(meta: object, value: object) -> None:
    """``Meta.persistence`` must be a handler (something with a ``save`` method) or ``None``."""
    if value is not None and not callable(getattr(value, "save", None)):
        owner = getattr(meta, "__qualname__", "Meta").rsplit(".", 1)[0]
        raise FactoryConfigurationError(
            f"{owner}: Meta.persistence must be a persistence handler with save() and "
            f"save_many() methods (e.g. MemoryPersistence()), got {type(value).__name__}."
        )


def field_names_checker(option: str, what: str = "field names") -> Callable[[Any, Any], None]:
    """The ``OptionDefault`` checker of a get-or-create option (``Meta.<option>``): a tuple
    of ``what``, not a string. One checker for every backend's option."""

    def check(meta: object, value: Any) -> None:
        if isinstance(value, str) or not all(isinstance(item, str) for item in value):
            owner = getattr(meta, "__qualname__", "Meta").rsplit(".", 1)[0]
            raise FactoryConfigurationError(
                f"{owner}: Meta.{option} must be a tuple of {what}, e.g. ('email',), got {value!r}."
            )

    return check


class _Declined:
    """The type of :data:`DECLINED`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "DECLINED"


#: What a :data:`Capture` function returns to let the factory persist the object itself.
DECLINED: Final = _Declined()

#: ``capture(factory, model_class, args, kwargs)``: the object, built and taken over by a
#: tool (not persisted), or :data:`DECLINED`. Runs inside the call's greenlet.
Capture = Callable[[FactoryClass, ModelClass, Args, Kwargs], object]


@dataclass(frozen=True, slots=True)
class Steps:
    """What the core's per-object path needs to know of one factory class, found once (at
    its first object) and kept on its options, so that path asks nothing twice.

    Attributes:
        overridden: the core's extension points the class overrides (a user's factory:
            backends override none), among ``_EXTENSION_POINTS``.
        builds_plainly: its backend's ``make`` and its ``_build`` are the defaults, so a
            built object is just ``model(*args, **kwargs)``.
        scope_after: its backend's scope has an ``after_postgeneration`` step.
        saves_through_handlers: its backend is the core's own (persistence handlers).
    """

    overridden: frozenset[str]
    builds_plainly: bool
    scope_after: bool
    saves_through_handlers: bool

    @classmethod
    def of(cls, factory: FactoryClass) -> Steps:
        scope = factory._backend.scope
        return cls(
            overridden=frozenset(
                name
                for name in _EXTENSION_POINTS
                if getattr(factory, name).__func__ is not getattr(AsyncFactory, name).__func__
            ),
            builds_plainly=(
                scope.make.__func__ is CallScope.make.__func__  # type: ignore[attr-defined]  # mypy types a classmethod as a bound method, hiding __func__
                and builds_plainly(factory)
            ),
            scope_after=scope.after_postgeneration is not CallScope.after_postgeneration,
            saves_through_handlers=scope is HandlerScope,
        )


class ContractOptions(FactoryOptions):
    """The core's share of every async factory's ``class Meta``: ``instantiate`` and
    ``use_postgeneration_results``.

    factory_boy instantiates each object here. The core builds it with the backend's
    :meth:`CallScope.make <async_factory_boy.CallScope.make>`, and around each created
    object records factory_boy's build step on the call (``FactoryCall.step``), so the
    create step knows the object's overrides and whether it is a top-level object, and
    offers it first to a capturing call's ``capture`` (the seed command). After the
    post-generation declarations, the after-steps run only where there is one. Backends'
    options classes derive from it and override neither method.
    """

    #: The factory's :class:`Steps`, found at its first object.
    steps: Steps | None = None
    #: The keywords the factory's calls accept, found at its first call.
    keywords: KnownKeywords | None = None

    def factory_steps(self) -> Steps:
        """The factory's :class:`Steps` (found now if not yet)."""
        steps = self.steps
        if steps is None:
            factory: Any = self.factory  # FactoryOptions.factory: untyped in factory_boy
            steps = self.steps = Steps.of(factory)
        return steps

    def instantiate(self, step: BuildStepLike, args: Args, kwargs: Kwargs) -> Instance:
        factory: Any = self.factory  # FactoryOptions.factory: untyped in factory_boy
        model = self.get_model_class()  # type: ignore[no-untyped-call]  # factory_boy's method is unannotated
        strategy = step.builder.strategy
        if strategy == enums.BUILD_STRATEGY:
            if (self.steps or self.factory_steps()).builds_plainly:
                return model(*args, **kwargs)
            return factory._backend.scope.make(factory, model, args, kwargs)
        if strategy != enums.CREATE_STRATEGY:
            return super().instantiate(step, args, kwargs)  # type: ignore[no-untyped-call]  # factory_boy's method is unannotated
        call = _current_call()
        if call is None:
            return factory._create(model, *args, **kwargs)
        if call.capture is not None:
            taken = call.capture(factory, model, args, dict(kwargs))
            if taken is not DECLINED:
                return taken
        previous, call.step = call.step, step
        try:
            return factory._create(model, *args, **kwargs)
        finally:
            call.step = previous

    def use_postgeneration_results(
        self, step: BuildStepLike, instance: Instance, results: Kwargs
    ) -> None:
        """factory_boy's hook, called only where there is something to do after the
        post-generation declarations (a scope's step, a user's override)."""
        steps = self.steps or self.factory_steps()
        create = step.builder.strategy == enums.CREATE_STRATEGY
        if (create and steps.scope_after) or steps.overridden:
            factory: Any = self.factory  # FactoryOptions.factory: untyped in factory_boy
            factory._after_postgeneration(instance, create=create, results=results)


_codegen.inline_options(ContractOptions)


class AsyncFactoryOptions(ContractOptions, AutoFieldsOptions):
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
    #: The backend registry's entry of this factory's backend (see ``_backends``): its
    #: scope is what the core's create path drives.
    _backend: ClassVar[Backend] = backend_named(HANDLER_ARGUMENT)

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
    #: them, and every registered backend's ones (``BUILTIN_CONNECTION_ARGUMENTS`` and the
    #: backend registry, :mod:`async_factory_boy._backends`), out of its overrides; see
    #: :meth:`_split_connection`.
    _connection_arguments: ClassVar[tuple[str, ...]] = ("persistence",)

    #: Every connection argument a call of this factory takes out of its overrides
    #: (computed when the class is made).
    _accepted_connection_arguments: ClassVar[frozenset[str]] = BUILTIN_CONNECTION_ARGUMENTS

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        accepted = set(BUILTIN_CONNECTION_ARGUMENTS)
        for klass in cls.__mro__:
            accepted.update(klass.__dict__.get("_connection_arguments", ()))
        cls._accepted_connection_arguments = frozenset(accepted)

    # -- the awaitable steps -------------------------------------------------------------

    @classmethod
    async def create_async(cls, **kwargs: object) -> T:
        """Create and persist one object; nested objects are created with the same call."""
        result: T = await cls._call_async(enums.CREATE_STRATEGY, kwargs, size=None)
        return result

    @classmethod
    async def create_batch_async(cls, size: int, **kwargs: object) -> list[T]:
        """Create ``size`` objects in one call, so backends can write them in bulk."""
        result: list[T] = await cls._call_async(
            enums.CREATE_STRATEGY, kwargs, size=cls._check_size(size)
        )
        return result

    @classmethod
    async def build_async(cls, **kwargs: object) -> T:
        """Build one object without persisting it, awaiting any awaitable values."""
        result: T = await cls._call_async(enums.BUILD_STRATEGY, kwargs, size=None)
        return result

    @classmethod
    async def build_batch_async(cls, size: int, **kwargs: object) -> list[T]:
        """Build ``size`` objects without persisting them, awaiting any awaitable values."""
        result: list[T] = await cls._call_async(
            enums.BUILD_STRATEGY, kwargs, size=cls._check_size(size)
        )
        return result

    # -- fields derived from the model (``Meta.auto_fields``) ---------------------------------

    @classmethod
    def auto_declarations(cls) -> dict[str, str]:
        """What ``Meta.auto_fields`` derived for this factory, field by field (readable)."""
        cls._meta.declarations  # noqa: B018 - derives them if they waited for a model string
        return describe(getattr(cls._meta, "auto_declarations", {}))

    @classmethod
    def _derive_declarations(
        cls, model: type, mode: AutoFieldsMode
    ) -> tuple[Kwargs, tuple[str, ...]]:
        """Declarations for the model's fields that ``auto_fields`` should fill.

        Returns the declarations by field name, and the names among them that are helpers to
        leave out of the model's arguments (``Meta.exclude``). A backend with a schema of
        its own names its field mapper in its registry entry; the default reads type hints
        (dataclasses, pydantic, attrs, TypedDict, annotated ``__init__``).
        """
        mapper = cls._backend.field_mapper
        if mapper is None:
            return derive_from_type_hints(cls, model, mode, built_by(AsyncFactory))
        derived: tuple[Kwargs, tuple[str, ...]] = mapper(cls, model, mode, cls._backend.factory)
        return derived

    # -- extension points for backends and users ------------------------------------------

    @classmethod
    async def _create_async(
        cls, model_class: ModelClass, *args: object, **kwargs: object
    ) -> Instance:
        """Persist one object and return it.

        The default persists it through the backend's scope, as a factory that does not
        override this method does (a handler's ``save``, the session's flush at the end of
        the call, an ``insert_one``, ...). Override it to customise persistence; ``await
        super()._create_async(...)`` keeps the default, and ``current_call()`` gives the
        call's connection arguments.
        """
        call = current_call()
        if call is None:
            raise cls._outside_a_call()
        return await run_in_bridge(cls._create_in_scope, call, model_class, args, kwargs, False)

    @classmethod
    async def _create_many_async(
        cls, model_class: ModelClass, instances: list[Instance]
    ) -> list[Instance]:
        """Persist objects built by a ``create_batch_async`` call, in one bulk write.

        Overriding it opts the factory into deferred batch writes: inside a batch, objects
        are built with ``_build`` and collected, then handed over here once per factory,
        referenced objects before the objects that reference them. Return the persisted
        objects in the same order (usually ``instances`` themselves, updated in place).
        The default hands them to the persistence handler's ``save_many``.
        """
        handler = cls._persistence_handler(current_call())
        if handler is None:  # not reached: without a handler, batch writes are not deferred
            return instances
        return await save_many_with(handler, instances)

    @classmethod
    async def _after_postgeneration_async(
        cls, instance: Instance, create: bool, results: Kwargs | None = None
    ) -> None:
        """Awaitable counterpart of factory_boy's ``_after_postgeneration`` hook."""

    @classmethod
    def _prepare_call(cls, call: FactoryCall) -> None:
        """Check a top-level call before anything runs (e.g. that a session was passed).

        Checked at the top so that the error names the factory the user called, not one
        reached through a SubFactory. The default opens the backend's scope of a create
        call (:meth:`CallScope.open <async_factory_boy.CallScope.open>` checks the
        connection, once for the whole call), and has any other call's connection checked
        (:meth:`CallScope.check <async_factory_boy.CallScope.check>`).
        """
        scope_class = cls._backend.scope
        if call.strategy != enums.CREATE_STRATEGY or not scope_class.stores(cls):
            scope_class.check(cls, call)
        elif not cls._creates_plainly(call):  # a plain factory has nothing to open
            call.scope(scope_class, cls)

    # -- factory_boy's sync steps ----------------------------------------------------------

    @classmethod
    def create(cls, **kwargs: object) -> T:
        """Sync create: only for a factory with nothing to persist, else ``create_async``.

        A factory with no backend and no handler just instantiates its model, so
        ``UserFactory()`` works as in factory_boy (e.g. inside a post-generation hook).
        """
        if cls._creates_without_persisting(kwargs):
            refresh_logged()
            result: T = cls._generate(enums.CREATE_STRATEGY, kwargs)
            return result
        raise SyncCallError(
            f"{cls.__name__} is an async factory: {cls.__name__}() and "
            f"{cls.__name__}.create() cannot persist; use "
            f"`await {cls.__name__}.create_async(...)` instead."
        )

    @classmethod
    def build(cls, **kwargs: object) -> T:
        """factory_boy's sync build (``factory.debug()`` around it is honoured, as
        around an awaited call)."""
        refresh_logged()
        return super().build(**kwargs)

    @classmethod
    def create_batch(cls, size: int, **kwargs: object) -> list[T]:
        """Sync batch create cannot persist: point to ``create_batch_async``."""
        raise SyncCallError(
            f"{cls.__name__} is an async factory: {cls.__name__}.create_batch() cannot "
            f"persist; use `await {cls.__name__}.create_batch_async(...)` instead (or "
            f"`await {cls.__name__}.create_async(...)` for one object)."
        )

    # -- factory_boy's internals, routed through the async builder -------------------------

    @classmethod
    def _generate(cls, strategy: str, params: Kwargs) -> Instance:
        if cls._meta.abstract:
            raise factory_errors.FactoryError(
                f"Cannot generate instances of abstract factory {cls.__name__}; ensure "
                f"{cls.__name__}.Meta.model is set and {cls.__name__}.Meta.abstract is "
                "either not set or False."
            )
        if strategy != enums.STUB_STRATEGY and _current_call() is None:
            cls._check_keywords(params)  # a sync build(): an async call checked already
        return AsyncStepBuilder(cls._meta, params, strategy).build()

    @classmethod
    def _create(cls, model_class: ModelClass, *args: object, **kwargs: object) -> Instance:
        """factory_boy's create step: persist one object through the backend's scope.

        A user's ``_create_async`` / ``_create_many_async`` override is honoured; otherwise
        the scope makes the object and :meth:`CallScope.add` writes it (or holds it for the
        bulk write, when :meth:`CallScope.may_hold` says so), or
        :meth:`CallScope.get_or_create` finds or stores it.
        """
        call = _current_call()
        steps = getattr(cls._meta, "steps", None) or cls._contract_steps()
        overridden = steps.overridden
        if overridden:
            if call is not None and call.is_batch and "_create_many_async" in overridden:
                instance = cls._backend.scope.make(cls, model_class, args, kwargs)
                call.written += 1
                return call.scope(HandlerScope, cls).add(cls, instance, hold=True)
            if "_create_async" in overridden:
                cls._require_bridge()
                if call is not None:
                    call.written += 1
                result = cls._create_async(model_class, *args, **kwargs)
                return await_(result) if is_awaitable(result) else result
        if (
            steps.saves_through_handlers
            and cls._persistence_handler(call) is None
            and not getattr(cls._meta, "persistence_required", False)
        ):
            return model_class(*args, **kwargs)  # nothing to persist, nothing to await
        if call is None or not in_bridge():
            raise cls._outside_a_call()
        return cls._create_in_scope(call, model_class, args, kwargs, True)

    @classmethod
    def _create_in_scope(
        cls,
        call: FactoryCall,
        model_class: ModelClass,
        args: Args,
        kwargs: Kwargs,
        may_hold: bool,
    ) -> Any:
        """The backend contract's create path (inside the call's bridge)."""
        scope_class = cls._backend.scope
        if not scope_class.stores(cls):
            return scope_class.make(cls, model_class, args, kwargs)
        scope = call.scope(scope_class, cls)
        scope.admit(cls)
        call.written += 1
        fields = scope_class.lookup_fields(cls)
        if fields:
            step = call.step
            passed = {} if step is None else step.builder.extras
            return scope.get_or_create(cls, model_class, args, dict(kwargs), fields, passed)
        instance = scope_class.make(cls, model_class, args, kwargs)
        hold = (
            may_hold
            and call.is_batch
            and scope_class.holds
            and scope.may_hold(cls, instance, call.step)
        )
        return scope.add(cls, instance, hold=hold)

    @classmethod
    def _after_postgeneration(
        cls, instance: Instance, create: bool, results: Kwargs | None = None
    ) -> None:
        if create:
            call = current_call()
            scope = None if call is None else call.find_scope(cls._backend.scope)
            if scope is not None:
                scope.after_postgeneration(cls, instance, results or {})
        if "_after_postgeneration_async" in cls._contract_steps().overridden:
            step = cls._after_postgeneration_async(instance, create, results)
            if in_bridge():
                await_(step)
            else:  # a sync build(): fine as long as the step has nothing to await
                _run_to_end(step, cls)

    # -- helpers -----------------------------------------------------------------------------

    @classmethod
    def _contract_steps(cls) -> Steps:
        """The class's :class:`Steps`, kept on its options (found once)."""
        options = cls._meta
        if isinstance(options, ContractOptions):
            return options.steps or options.factory_steps()
        return Steps.of(cls)  # an options class of the user's own: found every time

    @classmethod
    def _overrides(cls, step: str) -> bool:
        """Whether ``cls`` (a user's factory) overrides the core's extension point ``step``
        (``_create_async``, ``_create_many_async``, ``_after_postgeneration_async``,
        ``_after_postgeneration``). Backends never override them, so an override is
        always the user's: it is honoured."""
        return step in cls._contract_steps().overridden

    @classmethod
    def _creates_plainly(cls, call: FactoryCall | None) -> bool:
        """Whether a create of ``cls`` has nothing to persist: a factory saving through
        handlers, with none and none required (it just instantiates its model)."""
        return (
            cls._contract_steps().saves_through_handlers
            and cls._persistence_handler(call) is None
            and not getattr(cls._meta, "persistence_required", False)
        )

    @classmethod
    def _creates_without_persisting(cls, kwargs: Kwargs) -> bool:
        """Whether a create of ``cls`` with ``kwargs`` has nothing to persist or await.

        That is a factory of no backend (a backend declares connection arguments of its
        own), saving through no handler, called without a connection.
        """
        connection, _ = cls._split_connection(kwargs)
        return (
            not connection
            and set(cls._connection_arguments) <= {HANDLER_ARGUMENT}
            and not cls._overrides("_create_async")
            and cls._creates_plainly(current_call())
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
            raise cls._outside_a_call()

    @classmethod
    def _outside_a_call(cls) -> SyncCallError:
        return SyncCallError(
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
        handler = call.get(HANDLER_ARGUMENT)
        if handler is None:
            return
        if cls._backend.scope is not HandlerScope:
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
        ``asyncio.gather`` of creates on one session runs them one after another. The
        default asks the backend's scope opened for the call
        (:meth:`CallScope.exclusive_resources
        <async_factory_boy.CallScope.exclusive_resources>`): the session, or a persistence
        handler's ``exclusive_resource`` (``SQLAlchemyPersistence``: its session).
        """
        scope = call.find_scope(cls._backend.scope)
        return () if scope is None else scope.exclusive_resources()

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
    def _split_connection(cls, params: Kwargs) -> tuple[Kwargs, Kwargs]:
        """Take the connection arguments out of ``params``; the rest are overrides.

        A name the factory declares as a field stays an override, so a model may have a
        field called ``persistence`` or ``session`` without losing it.
        """
        declared = cls._meta.base_declarations
        parameters = cls._meta.parameters
        accepted = cls._accepted_connection_arguments
        registered = registered_connection_arguments()  # backends registered since
        connection: Kwargs = {}
        overrides: Kwargs = {}
        for key, value in params.items():
            if (
                (key in accepted or key in registered)
                and key not in declared
                and key not in parameters
            ):
                connection[key] = value
            else:
                overrides[key] = value
        return connection, overrides

    @classmethod
    def _check_keywords(cls, overrides: Kwargs, reached_from: type | None = None) -> None:
        """Refuse a keyword the factory and its model do not accept (a typo), naming the
        nearest valid one (:mod:`async_factory_boy._keywords`). What is accepted is found
        at the first call and kept; a call then costs one subset test. ``reached_from`` is
        the outer factory when the keywords came to this one through a SubFactory or
        RelatedFactory (``company__nmae=``), named in the message."""
        options = cls._meta
        known = getattr(options, "keywords", None)
        if known is None:
            connection = cls._accepted_connection_arguments | registered_connection_arguments()
            known = keywords_of(cls, connection)
            if isinstance(options, ContractOptions):
                options.keywords = known
        if known.checked and not overrides.keys() <= known.names:
            check_keywords(cls, known, overrides, reached_from)

    @classmethod
    def _connection_defaults(cls) -> Kwargs:
        """Connection arguments a call gets when it passes none of that name (the 1.0.1
        layer's ``Meta.sqlalchemy_session``); none by default."""
        return {}

    @classmethod
    async def _call_async(
        cls,
        strategy: str,
        params: Kwargs,
        size: int | None,
        *,
        capture: Capture | None = None,
        before_finish: Callable[[], Awaitable[None]] | None = None,
    ) -> Any:
        """One call: its connection, its checks, its lock, the build in the bridge, and
        the end of the call (the scopes' ``finish``, or ``undo`` on failure).

        ``capture`` and ``before_finish`` make it a capturing call, for a tool that writes
        objects itself (the seed command, through
        :func:`~async_factory_boy._capture.create_batch_captured`): every object the create
        strategy reaches is first offered to ``capture``, and ``before_finish`` is awaited
        once every object is built, before the backends' end-of-call writes.
        """
        if cls._connection_defaults.__func__ is not _NO_DEFAULTS:  # type: ignore[attr-defined]  # mypy types a classmethod as a bound method, hiding __func__
            defaults = cls._connection_defaults()
            params = {**{k: v for k, v in defaults.items() if k not in params}, **params}
        connection, overrides = cls._split_connection(params)
        cls._check_keywords(overrides)
        outer = current_call()
        if outer is not None:  # a call made from an async hook inherits its connection
            connection = {**outer.connection, **connection}
        call = FactoryCall(
            factory=cls,
            strategy=strategy,
            connection=connection,
            size=size,
            parent=outer,
            overrides=overrides,
            capture=capture,
        )
        if before_finish is not None:
            call.scope(_BeforeFinish, cls).callback = before_finish
        refresh_logged()  # ``factory.debug()`` around the call: see ``_plan.LOGGED``
        if LOGGER.isEnabledFor(DEBUG):
            return await cls._run_call_logged(call, overrides)
        return await cls._run_call(call, overrides)

    @classmethod
    async def _run_call(cls, call: FactoryCall, overrides: Kwargs) -> Any:
        """Run ``call``: its checks, its lock, the build in the bridge, its end."""
        cls._check_persistence_argument(call)
        cls._prepare_call(call)
        async with hold_exclusively(cls._exclusive_resources(call)):
            with activate(call):
                try:
                    if call.size is None:
                        result = await run_in_bridge(cls._generate, call.strategy, overrides)
                    else:
                        result = await run_in_bridge(
                            cls._generate_many, call.strategy, call.size, overrides
                        )
                except BaseException as exc:
                    await call.finish(exc)
                    raise
                await call.finish(None)
        held = call.find_scope(HandlerScope)
        return result if held is None else held.replace_in(result)

    @classmethod
    async def _run_call_logged(cls, call: FactoryCall, overrides: Kwargs) -> Any:
        """:meth:`_run_call` with its debug line (the logger is enabled for DEBUG)."""
        started = perf_counter()
        try:
            result = await cls._run_call(call, overrides)
        except BaseException as exc:
            LOGGER.debug(
                "%s %s failed after %.2f ms with %s: strategy=%s, size=%s, connection: %s, "
                "rows handed to the backend before the failure: %d",
                method_name(call),
                cls.__qualname__,
                elapsed_ms(started),
                type(exc).__name__,
                call.strategy,
                call.size,
                connection_kinds(call.connection),
                call.written,
            )
            raise
        LOGGER.debug(
            "%s %s: strategy=%s, size=%s, connection: %s, rows written: %d, %.2f ms",
            method_name(call),
            cls.__qualname__,
            call.strategy,
            call.size,
            connection_kinds(call.connection),
            call.written,
            elapsed_ms(started),
        )
        return result

    @classmethod
    def _generate_many(cls, strategy: str, size: int, overrides: Kwargs) -> list[Instance]:
        objects = []
        if (
            _codegen.ENABLED
            and cls._generate.__func__ is _GENERATE  # type: ignore[attr-defined]  # mypy types a classmethod as a bound method, hiding __func__
            and strategy != enums.STUB_STRATEGY
            and not cls._meta.abstract
            and _current_call() is not None
        ):
            # ``_generate``'s checks hold for the whole batch (it runs inside its call):
            # each object is just its builder's build, without a call to ``_generate``.
            return build_many(cls._meta, overrides, strategy, size)
        for index in range(size):
            objects.append(cls._generate(strategy, dict(overrides)))
            if not index & 7:  # an event-loop turn every ~10 ms (the clock read every 8th
                cooperate()  # object): timeouts, cancellation and other tasks get through
        return objects


def _run_to_end(step: Coroutine[object, object, None], factory: type) -> None:
    """Run ``step`` (a coroutine) outside any event loop, if it never has to wait.

    A sync ``build()`` runs post-generation hooks with no bridge to await through; a step
    that awaits nothing (an ``async def`` whose awaits are all on the create path, say)
    simply finishes. One that does wait cannot: it is closed and the error says what to
    call instead.
    """
    try:
        step.send(None)
    except StopIteration:
        return
    step.close()
    raise SyncCallError(
        f"{factory.__name__}._after_postgeneration_async awaits something, which a sync "
        f"build() cannot do; use `await {factory.__name__}.build_async(...)` instead."
    )


class _BeforeFinish(CallScope):
    """A capturing call's end-of-batch step: opened first, so it finishes before the
    backends' scopes."""

    __slots__ = ("callback",)

    def __init__(self, call: FactoryCall) -> None:
        super().__init__(call)
        self.callback: Callable[[], Awaitable[None]] | None = None

    async def finish(self) -> None:
        if self.callback is not None:
            await self.callback()


#: The core's extension points a user's factory may override (:meth:`AsyncFactory._overrides`).
_EXTENSION_POINTS = (
    "_create_async",
    "_create_many_async",
    "_after_postgeneration_async",
    "_after_postgeneration",
)

_GENERATE = AsyncFactory._generate.__func__  # type: ignore[attr-defined]  # mypy types a classmethod as a bound method, hiding __func__
_current_call = _current_call_var.get  # ``current_call()`` without a Python call per object
_NO_DEFAULTS = AsyncFactory._connection_defaults.__func__  # type: ignore[attr-defined]  # mypy types a classmethod as a bound method, hiding __func__
