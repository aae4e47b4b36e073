"""``AsyncSQLAlchemyModelFactory``: SQLAlchemy models persisted through a per-call session."""

from __future__ import annotations

import inspect
import weakref
from typing import TYPE_CHECKING, Any, ClassVar, Final, Literal, TypeVar

from ..._auto_fields import AutoFieldsMode, AutoFieldsOptions
from ..._bridge import await_, run_in_bridge
from ..._call import FactoryCall, current_call
from ..._compat import OptionDefault, PostGeneration, enums
from ..._factory import AsyncFactory
from ..._scope import CallScope
from ...errors import FactoryConfigurationError, SyncCallError
from ._auto_fields import derive_from_mapper
from ._flush import model_info
from ._get_or_create import get_or_create, take_lookup
from ._session import (
    COMMIT_EACH_CALL,
    SESSION_ARGUMENT,
    SessionScope,
    require_session,
    resolve_session,
)

__all__ = [
    "SESSION_PERSISTENCE_COMMIT",
    "SESSION_PERSISTENCE_FLUSH",
    "VALID_SESSION_PERSISTENCE_TYPES",
    "AsyncSQLAlchemyModelFactory",
    "AsyncSQLAlchemyOptions",
    "SessionPersistence",
]

T = TypeVar("T")

SESSION_PERSISTENCE_FLUSH: Final = "flush"
SESSION_PERSISTENCE_COMMIT: Final = "commit"
#: The values ``Meta.sqlalchemy_session_persistence`` accepts.
VALID_SESSION_PERSISTENCE_TYPES: Final = (
    None,
    SESSION_PERSISTENCE_FLUSH,
    SESSION_PERSISTENCE_COMMIT,
)

SessionPersistence = Literal["flush", "commit"] | None


class _PassedParams(CallScope):
    """The overrides each level of a get_or_create factory was called with, innermost last.

    get_or_create re-reads by the values the caller passed (as factory_boy does); they are
    kept per call, since concurrent calls of one factory must not share them.
    """

    __slots__ = ("stack",)

    def __init__(self, call: FactoryCall) -> None:
        super().__init__(call)
        self.stack: list[dict[str, Any]] = []


class AsyncSQLAlchemyOptions(AutoFieldsOptions):
    """``class Meta`` options of :class:`AsyncSQLAlchemyModelFactory`.

    - ``sqlalchemy_session_persistence``: ``"flush"`` (default: the call's objects are
      flushed before it returns, so ``user.id`` is set), ``"commit"`` (flushed, then the
      session is committed without expiring anything), or ``None`` (added, not flushed).
    - ``sqlalchemy_get_or_create``: field names to look an existing row up by.
    - ``sqlalchemy_bulk_write``: ``True`` (default: a batch is written with Core inserts
      and its objects made persistent as a flush would, see ``_bulk_session``) or ``False``
      (every batch this factory takes part in is written by the session's flush).
    - ``sqlalchemy_session`` / ``sqlalchemy_session_factory``: not supported; the session
      is passed per call (``sqlalchemy_session=``), so concurrent calls never share one.
    """

    sqlalchemy_get_or_create: tuple[str, ...]
    sqlalchemy_session_persistence: SessionPersistence
    sqlalchemy_bulk_write: bool

    @property
    def _factory_name(self) -> str:
        return getattr(self.factory, "__name__", "AsyncSQLAlchemyModelFactory")

    def _check_sqlalchemy_session(self, meta: Any, value: Any) -> None:
        if value is not None:
            name = self._factory_name
            raise FactoryConfigurationError(
                f"{name}: Meta.sqlalchemy_session is not supported by "
                f"AsyncSQLAlchemyModelFactory; the session is passed per call, e.g. "
                f"`await {name}.create_async(sqlalchemy_session=session)`. Remove it from "
                f"{name}.Meta."
            )

    def _check_sqlalchemy_session_factory(self, meta: Any, value: Any) -> None:
        if value is not None:
            name = self._factory_name
            raise FactoryConfigurationError(
                f"{name}: Meta.sqlalchemy_session_factory is not supported by "
                f"AsyncSQLAlchemyModelFactory; the session is passed per call, e.g. "
                f"`await {name}.create_async(sqlalchemy_session=session)`. Remove it from "
                f"{name}.Meta."
            )

    def _check_sqlalchemy_session_persistence(self, meta: Any, value: Any) -> None:
        if value not in VALID_SESSION_PERSISTENCE_TYPES:
            raise FactoryConfigurationError(
                f"{self._factory_name}: Meta.sqlalchemy_session_persistence must be one of "
                f"{', '.join(map(repr, VALID_SESSION_PERSISTENCE_TYPES))}, got {value!r}."
            )

    def _check_sqlalchemy_bulk_write(self, meta: Any, value: Any) -> None:
        if not isinstance(value, bool):
            raise FactoryConfigurationError(
                f"{self._factory_name}: Meta.sqlalchemy_bulk_write must be True (write "
                f"batches with Core inserts) or False (write them with the session's "
                f"flush), got {value!r}."
            )

    def _check_sqlalchemy_get_or_create(self, meta: Any, value: Any) -> None:
        if isinstance(value, str) or not all(isinstance(item, str) for item in value):
            raise FactoryConfigurationError(
                f"{self._factory_name}: Meta.sqlalchemy_get_or_create must be a tuple of "
                f"field names, e.g. ('email',), got {value!r}."
            )

    def _build_default_options(self) -> list[OptionDefault]:
        return [
            *super()._build_default_options(),
            OptionDefault(
                "sqlalchemy_get_or_create",
                (),
                inherit=True,
                checker=self._check_sqlalchemy_get_or_create,
            ),
            OptionDefault(
                "sqlalchemy_bulk_write",
                True,
                inherit=True,
                checker=self._check_sqlalchemy_bulk_write,
            ),
            OptionDefault(
                "sqlalchemy_session", None, inherit=True, checker=self._check_sqlalchemy_session
            ),
            OptionDefault(
                "sqlalchemy_session_factory",
                None,
                inherit=True,
                checker=self._check_sqlalchemy_session_factory,
            ),
            OptionDefault(
                "sqlalchemy_session_persistence",
                SESSION_PERSISTENCE_FLUSH,
                inherit=True,
                checker=self._check_sqlalchemy_session_persistence,
            ),
        ]


class AsyncSQLAlchemyModelFactory(AsyncFactory[T]):
    """A factory for SQLAlchemy models, persisted through a per-call ``AsyncSession``.

    Pass the session to every persisting call: ``create_async``, ``create_batch_async``
    (``build_async`` does not need one). It may be an ``AsyncSession`` or an
    ``async_scoped_session``. See :class:`AsyncSQLAlchemyOptions` for ``class Meta``.
    """

    _options_class = AsyncSQLAlchemyOptions
    _meta: AsyncSQLAlchemyOptions
    _connection_arguments: ClassVar[tuple[str, ...]] = (SESSION_ARGUMENT,)
    _saves_through_handlers: ClassVar[bool] = False
    _default_create_async: ClassVar[bool] = True  # _create_async below is how it persists

    if not TYPE_CHECKING:  # type checkers see AsyncFactory.Meta: any class

        class Meta:
            abstract = True

    @classmethod
    def _prepare_call(cls, call: FactoryCall) -> None:
        """Check the session at the top-level call, so errors name the factory called."""
        if call.strategy == enums.CREATE_STRATEGY:
            require_session(cls, call)
        else:
            resolve_session(cls, call)  # optional for build, but must be the right kind

    @classmethod
    def _derive_declarations(
        cls, model: type, mode: AutoFieldsMode
    ) -> tuple[dict[str, Any], tuple[str, ...]]:
        """``Meta.auto_fields``: declarations from the mapped table (see ``_auto_fields``)."""
        return derive_from_mapper(cls, model, mode, AsyncSQLAlchemyModelFactory)

    @classmethod
    def _exclusive_resources(cls, call: FactoryCall) -> tuple[object, ...]:
        """The call's ``AsyncSession``: one call at a time may flush through it."""
        session = resolve_session(cls, call)
        return () if session is None else (session,)

    @classmethod
    def _generate(cls, strategy: str, params: dict[str, Any]) -> Any:
        if not cls._meta.sqlalchemy_get_or_create:
            return super()._generate(strategy, params)
        call = current_call()
        if call is None:
            return super()._generate(strategy, params)
        stack = call.scope(_PassedParams, cls).stack
        stack.append(params)
        try:
            return super()._generate(strategy, params)
        finally:
            stack.pop()

    @classmethod
    async def _create_async(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        """Persist one object through the call's session; the call flushes when it ends.

        Override it to customise persistence (``await super()._create_async(...)`` keeps
        the default); ``current_call().get("sqlalchemy_session")`` is the call's session.
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
        """Add the object to the call's session (``session.add`` is synchronous).

        Runs in a bridge greenlet, where ``await_`` reaches the event loop.
        """
        call = current_call()
        if call is None:
            raise SyncCallError(
                f"{cls.__name__} persists only inside a factory call; use "
                f"`await {cls.__name__}.create_async(...)`."
            )
        scope = call.scope(SessionScope, cls)
        persistence = cls._meta.sqlalchemy_session_persistence
        if persistence is not None:
            if call.is_batch and scope.savepoint is None:
                # Open the batch's SAVEPOINT before its first object is added.
                await_(scope.open_savepoint())
            scope.flushes = True
            if not cls._meta.sqlalchemy_bulk_write:
                scope.bulk = False
            if persistence == SESSION_PERSISTENCE_COMMIT or scope.session.info.get(
                COMMIT_EACH_CALL
            ):
                scope.commit = True
        info = model_info(model_class)
        if cls._meta.sqlalchemy_get_or_create:
            obj = cls._get_or_create(scope, call, model_class, args, kwargs)
        else:
            obj = model_class(*args, **kwargs)
            scope.sync_session.add(obj)
        if not call.is_batch:
            scope.created.append(obj)
        if info.server_keys:
            scope.refreshable.append((obj, info.server_keys))
        if persistence is not None and _has_async_hooks(cls):
            # An ``async def`` hook runs on the event loop, where reading a generated key
            # cannot flush on demand: flush now, as factory_boy's SQLAlchemy factory does.
            await_(scope.flush_now())
        return obj

    @classmethod
    def _get_or_create(
        cls,
        scope: SessionScope,
        call: FactoryCall,
        model_class: type[Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> Any:
        fields: tuple[str, ...] = tuple(cls._meta.sqlalchemy_get_or_create)
        lookup = take_lookup(cls, fields, kwargs)
        params = call.find_scope(_PassedParams)
        stack = [] if params is None else params.stack
        passed = stack[-1] if stack and call.factory is cls else {}
        fallback = {name: passed[name] for name in fields if name in passed}
        return get_or_create(
            scope.session,
            model_class,
            lambda: model_class(*args, **lookup, **kwargs),
            (lookup, fallback),
        )


# Weak keys: factory classes made at run time (per test, parametrized) must not live on.
_async_hooks: weakref.WeakKeyDictionary[type, bool] = weakref.WeakKeyDictionary()


def _has_async_hooks(factory_class: type[AsyncSQLAlchemyModelFactory[Any]]) -> bool:
    """Whether the factory has an ``async def`` post_generation hook (cached per class)."""
    known = _async_hooks.get(factory_class)
    if known is None:
        declarations = factory_class._meta.post_declarations.declarations.values()
        known = _async_hooks[factory_class] = any(
            isinstance(declaration, PostGeneration)
            and inspect.iscoroutinefunction(declaration.function)
            for declaration in declarations
        )
    return known
