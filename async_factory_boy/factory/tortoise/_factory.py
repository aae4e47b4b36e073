"""``AsyncTortoiseModelFactory``: Tortoise ORM models written through a per-call client."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from ..._bridge import await_, run_in_bridge
from ..._call import FactoryCall, current_call
from ..._compat import FactoryOptions, Faker, OptionDefault, declarations, enums
from ..._factory import AsyncFactory
from ...errors import FactoryConfigurationError, SyncCallError
from ._bulk import instance_allows_bulk_insert, model_allows_bulk_insert, returns_keys
from ._connection import CONNECTION_ARGUMENT, resolve_client
from ._get_or_create import get_or_create, take_lookup
from ._scope import TortoiseScope, current_writer
from ._values import treat_models_as_values

__all__ = ["AsyncTortoiseModelFactory", "AsyncTortoiseOptions", "current_connection"]

T = TypeVar("T")


def current_connection() -> Any:
    """The in-transaction client the running factory call writes through.

    For ``post_generation`` hooks (many-to-many ``add``, extra rows) that must write inside
    the call's transaction: ``await obj.tags.add(*tags, using_db=current_connection())``.
    ``None`` outside a call, or before the call's first write.
    """
    return current_writer(current_call())


class AsyncTortoiseOptions(FactoryOptions):
    """``class Meta`` options of :class:`AsyncTortoiseModelFactory`.

    - ``model``: the Tortoise model class.
    - ``tortoise_get_or_create``: field names to look an existing row up by; the row is
      created from the factory's values if there is none (race-safe).
    """

    tortoise_get_or_create: tuple[str, ...]

    def _check_tortoise_get_or_create(self, meta: Any, value: Any) -> None:
        if isinstance(value, str) or not all(isinstance(item, str) for item in value):
            name = getattr(self.factory, "__name__", "AsyncTortoiseModelFactory")
            raise FactoryConfigurationError(
                f"{name}: Meta.tortoise_get_or_create must be a tuple of field names, e.g. "
                f"('email',), got {value!r}."
            )

    def _build_default_options(self) -> list[OptionDefault]:
        return [
            *super()._build_default_options(),  # type: ignore[no-untyped-call]
            OptionDefault(
                "tortoise_get_or_create",
                (),
                inherit=True,
                checker=self._check_tortoise_get_or_create,
            ),
        ]

    def instantiate(self, step: Any, args: Any, kwargs: Any) -> Any:
        # The factory's create step needs to know whether its object is a top-level object
        # of a batch (only those may wait for the bulk insert): remember the step.
        call = current_call()
        scope = None if call is None else call.find_scope(TortoiseScope)
        if scope is None or step.builder.strategy != enums.CREATE_STRATEGY:
            return super().instantiate(step, args, kwargs)  # type: ignore[no-untyped-call]
        previous, scope.step = scope.step, step
        try:
            return super().instantiate(step, args, kwargs)  # type: ignore[no-untyped-call]
        finally:
            scope.step = previous


class AsyncTortoiseModelFactory(AsyncFactory[T]):
    """A factory for Tortoise ORM models, written through a per-call client.

    ``await UserFactory.create_async(tortoise_connection=connection)`` writes the user and
    every SubFactory / RelatedFactory object of the call through ``connection`` (a client,
    or the client of ``async with in_transaction() as connection``), inside one transaction
    (or SAVEPOINT) of the call. ``tortoise_connection=`` may be left out once
    ``Tortoise.init()`` ran: the model's default connection is then used, as by
    ``Model.create()``. See :class:`AsyncTortoiseOptions` for ``class Meta``.
    """

    _options_class = AsyncTortoiseOptions
    _meta: AsyncTortoiseOptions
    _connection_arguments: ClassVar[tuple[str, ...]] = (CONNECTION_ARGUMENT,)
    _saves_through_handlers: ClassVar[bool] = False
    _default_create_async: ClassVar[bool] = True  # _create_async below is how it persists

    if not TYPE_CHECKING:  # type checkers see AsyncFactory.Meta: any class

        class Meta:
            abstract = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        treat_models_as_values()

    # -- checks at the top-level call -----------------------------------------------------

    @classmethod
    def _prepare_call(cls, call: FactoryCall) -> None:
        """Check the connection at the top-level call, so errors name the factory called."""
        treat_models_as_values()  # models defined after the factories
        if call.strategy == enums.CREATE_STRATEGY:
            call.scope(TortoiseScope, cls)
        elif call.get(CONNECTION_ARGUMENT) is not None:
            resolve_client(cls, call, cls._meta.model)  # its kind, at least

    @classmethod
    def _generate(cls, strategy: str, params: dict[str, Any]) -> Any:
        # Runs for the top-level object(s) of a call, before anything is written: a single
        # create whose factory can write nothing but its own object needs no transaction.
        call = current_call()
        scope = None if call is None else call.find_scope(TortoiseScope)
        if scope is not None and call is not None and call.factory is cls and scope.writer is None:
            scope.atomic = call.is_batch or not _writes_one_object(cls, params)
        return super()._generate(strategy, params)

    @classmethod
    def _exclusive_resources(cls, call: FactoryCall) -> tuple[object, ...]:
        """An in-transaction client runs one transaction block at a time.

        Gathered calls on the client of one ``in_transaction()`` block would interleave
        their SAVEPOINTs on its single connection: they run one after another instead.
        A pool client needs no lock (each transaction takes a connection of its own).
        """
        scope = call.find_scope(TortoiseScope)
        if scope is None:
            return ()
        from tortoise.backends.base.client import TransactionalDBClient

        client = scope.client
        return (client,) if isinstance(client, TransactionalDBClient) else ()

    # -- creating objects -----------------------------------------------------------------

    @classmethod
    async def _create_async(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        """Write one object through the call's client (one ``Model.create`` or get-or-create).

        Override it to customise persistence (``await super()._create_async(...)`` keeps
        the default); :func:`current_connection` is the call's in-transaction client.
        """
        return await run_in_bridge(cls._persist, model_class, args, kwargs)

    @classmethod
    def _create(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        if not cls._default_create_async:
            return super()._create(model_class, *args, **kwargs)  # a user's override
        cls._require_bridge()
        # Already in the call's greenlet: persist right here, no coroutine per object.
        return cls._persist(model_class, args, kwargs)

    @classmethod
    def _persist(cls, model_class: type[Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Write (or hold back for the bulk insert) one object; runs in the bridge greenlet."""
        call = current_call()
        if call is None:
            raise SyncCallError(
                f"{cls.__name__} persists only inside a factory call; use "
                f"`await {cls.__name__}.create_async(...)`."
            )
        if args:
            raise FactoryConfigurationError(
                f"{cls.__name__}: Tortoise models take keyword arguments only; drop "
                "Meta.inline_args."
            )
        scope = call.scope(TortoiseScope, cls)
        fields: tuple[str, ...] = tuple(cls._meta.tortoise_get_or_create)
        if fields:
            lookup = take_lookup(cls, fields, kwargs)
            return await_(get_or_create(scope, model_class, lookup, kwargs))
        if call.is_batch and cls._may_wait_for_bulk_insert(scope, model_class):
            instance = model_class(**kwargs)
            if instance_allows_bulk_insert(instance):
                return scope.hold(instance)
            await_(instance.save(using_db=await_(scope.begin()), force_create=True))
            return instance
        writer = scope.writer or await_(scope.begin())
        return await_(model_class.create(using_db=writer, **kwargs))

    @classmethod
    def _may_wait_for_bulk_insert(cls, scope: TortoiseScope, model_class: type[Any]) -> bool:
        """Whether the object being created may wait for the batch's bulk insert.

        Only a top-level object of a ``create_batch_async`` call qualifies: a SubFactory
        object must be saved before Tortoise lets another object refer to it, and the key
        of an object with post-generation declarations (hooks, RelatedFactory, many-to-many)
        is needed while the call runs. The database must return the keys of a multi-row
        INSERT (not MySQL).
        """
        step = scope.step
        if step is None or step.parent_step is not None:
            return False
        # Every top-level object of a batch comes from the same factory with the same
        # overrides: decide once per call.
        decided = scope.top_level_bulk
        if decided is None:
            decided = scope.top_level_bulk = cls._top_level_may_wait(scope, step, model_class)
        return decided

    @classmethod
    def _top_level_may_wait(cls, scope: TortoiseScope, step: Any, model_class: type[Any]) -> bool:
        if _has_post_declarations(cls) or any(
            isinstance(value, declarations.PostGenerationDeclaration)
            for value in step.builder.extras.values()
        ):
            return False
        if not await_(returns_keys(scope.client)):
            return False
        return model_allows_bulk_insert(model_class)

    @classmethod
    def _build(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        """Build without saving, sub-objects included.

        Tortoise refuses an unsaved object as a ForeignKey / OneToOne value in the model's
        constructor; a built object's built SubFactory object is set after construction.
        """
        meta = model_class._meta
        relations = meta.fk_fields | meta.o2o_fields
        unsaved = {
            name: kwargs.pop(name)
            for name in list(kwargs)
            if name in relations
            and kwargs[name] is not None
            and not getattr(kwargs[name], "_saved_in_db", True)
        }
        instance = model_class(*args, **kwargs)
        for name, value in unsaved.items():
            setattr(instance, name, value)
        return instance


_post_declarations: dict[type, bool] = {}


def _has_post_declarations(factory_class: type[AsyncTortoiseModelFactory[Any]]) -> bool:
    """Whether the factory declares post-generation declarations (cached per class)."""
    known = _post_declarations.get(factory_class)
    if known is None:
        known = _post_declarations[factory_class] = bool(
            factory_class._meta.post_declarations.as_dict()
        )
    return known


# Declarations that compute a value and write nothing (a LazyFunction that awaits another
# factory's create_async makes a call of its own, with its own transaction).
_PLAIN_DECLARATIONS: tuple[type, ...] = (
    declarations.LazyFunction,
    declarations.LazyAttribute,
    declarations.SelfAttribute,
    declarations.Iterator,
    declarations.Sequence,
    Faker,
)
_single_writers: dict[type, bool] = {}


def _writes_one_object(
    factory_class: type[AsyncTortoiseModelFactory[Any]], params: dict[str, Any]
) -> bool:
    """Whether creating one object of ``factory_class`` with ``params`` writes only it.

    True when the factory declares no SubFactory, RelatedFactory, Trait, Maybe or
    post-generation declaration (anything but plain value declarations) and the overrides
    add none and name no parameter.
    """
    meta = factory_class._meta
    known = _single_writers.get(factory_class)
    if known is None:
        known = _single_writers[factory_class] = not meta.post_declarations.as_dict() and all(
            isinstance(value, _PLAIN_DECLARATIONS)
            or not isinstance(value, declarations.BaseDeclaration)
            for value in meta.pre_declarations.as_dict().values()
        )
    if not known:
        return False
    parameters = meta.parameters
    return not any(
        name in parameters
        or "__" in name
        or (
            isinstance(value, declarations.BaseDeclaration)
            and not isinstance(value, _PLAIN_DECLARATIONS)
        )
        for name, value in params.items()
    )
