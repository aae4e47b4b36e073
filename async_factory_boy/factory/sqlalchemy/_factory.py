"""``AsyncSQLAlchemyModelFactory``: SQLAlchemy models persisted through a per-call session."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Final, Literal, TypeVar

from ..._auto_fields import AutoFieldsOptions
from ..._backends import backend_named
from ..._compat import OptionDefault
from ..._factory import AsyncFactory, ContractOptions, field_names_checker
from ...errors import FactoryConfigurationError
from ._session import SESSION_ARGUMENT

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


class AsyncSQLAlchemyOptions(ContractOptions, AutoFieldsOptions):
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

    def _check_sqlalchemy_session(self, meta: object, value: object) -> None:
        if value is not None:
            name = self._factory_name
            raise FactoryConfigurationError(
                f"{name}: Meta.sqlalchemy_session is not supported by "
                f"AsyncSQLAlchemyModelFactory; the session is passed per call, e.g. "
                f"`await {name}.create_async(sqlalchemy_session=session)`. Remove it from "
                f"{name}.Meta."
            )

    def _check_sqlalchemy_session_factory(self, meta: object, value: object) -> None:
        if value is not None:
            name = self._factory_name
            raise FactoryConfigurationError(
                f"{name}: Meta.sqlalchemy_session_factory is not supported by "
                f"AsyncSQLAlchemyModelFactory; the session is passed per call, e.g. "
                f"`await {name}.create_async(sqlalchemy_session=session)`. Remove it from "
                f"{name}.Meta."
            )

    def _check_sqlalchemy_session_persistence(self, meta: object, value: object) -> None:
        if value not in VALID_SESSION_PERSISTENCE_TYPES:
            raise FactoryConfigurationError(
                f"{self._factory_name}: Meta.sqlalchemy_session_persistence must be one of "
                f"{', '.join(map(repr, VALID_SESSION_PERSISTENCE_TYPES))}, got {value!r}."
            )

    def _check_sqlalchemy_bulk_write(self, meta: object, value: object) -> None:
        if not isinstance(value, bool):
            raise FactoryConfigurationError(
                f"{self._factory_name}: Meta.sqlalchemy_bulk_write must be True (write "
                f"batches with Core inserts) or False (write them with the session's "
                f"flush), got {value!r}."
            )

    def _build_default_options(self) -> list[OptionDefault]:
        return [
            *super()._build_default_options(),
            OptionDefault(
                "sqlalchemy_get_or_create",
                (),
                inherit=True,
                checker=field_names_checker("sqlalchemy_get_or_create"),
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

    Everything it does per call is its backend scope's
    (:class:`~async_factory_boy.factory.sqlalchemy._session.SessionScope`, named by the
    backend registry): the core drives it. Override ``_create_async`` to customise
    persistence (``await super()._create_async(...)`` keeps the default;
    ``current_call().get("sqlalchemy_session")`` is the call's session).
    """

    _options_class = AsyncSQLAlchemyOptions
    _meta: AsyncSQLAlchemyOptions
    _backend = backend_named("sqlalchemy")
    _connection_arguments: ClassVar[tuple[str, ...]] = (SESSION_ARGUMENT,)

    if not TYPE_CHECKING:  # type checkers see AsyncFactory.Meta: any class

        class Meta:
            abstract = True
