"""async-factory-boy 1.0.1's ``AsyncSQLAlchemyFactory``, kept working on the new core.

1.0.1 users wrote::

    class UserFactory(AsyncSQLAlchemyFactory):
        class Meta:
            model = User
            sqlalchemy_session = session  # an AsyncSession, or a scoped session of them

    user = await UserFactory.create()      # or: await UserFactory(...)
    users = await UserFactory.create_batch(3)
    draft = UserFactory.build()

This class keeps that API (session in ``Meta``, awaitable ``create`` / ``create_batch`` /
``F()``, sync ``build``) as a thin layer over :class:`AsyncSQLAlchemyModelFactory`: the
``Meta`` session simply becomes the call's ``sqlalchemy_session=``. Everything else is the
new backend's, so 1.0.1's bugs are gone: SubFactory values are objects rather than Tasks
(``SelfAttribute("company.name")`` works), RelatedFactory rows exist when ``create``
returns, post-generation hooks receive the instance, and the factory's commits expire
nothing (no ``MissingGreenlet`` when reading an attribute afterwards).

1.0.1 ignored ``sqlalchemy_session_persistence`` and committed after every object; here an
unset or ``None`` value still means ``"commit"`` (tests that read the rows from another
connection keep working) while an explicit ``"flush"`` is honoured.

Defining a factory on this class emits a :class:`DeprecationWarning` that points at the
class statement: it is the line to change (see ``docs/migration.md``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_scoped_session
from sqlalchemy.orm import scoped_session

from ..._legacy import AwaitableSteps
from ..._types import Kwargs
from ...errors import SessionTypeError
from ._factory import (
    SESSION_PERSISTENCE_COMMIT,
    AsyncSQLAlchemyModelFactory,
    AsyncSQLAlchemyOptions,
)

__all__ = ["AsyncSQLAlchemyFactory"]

T = TypeVar("T")

_SESSION_ARGUMENT: Final = "sqlalchemy_session"


class _LegacyOptions(AsyncSQLAlchemyOptions):
    """1.0.1's ``class Meta``: a session is allowed, persistence defaults to a commit."""

    def _check_sqlalchemy_session(self, meta: object, value: object) -> None:
        """Any session is accepted here; its kind is checked when a call starts.

        A sync ``scoped_session`` may wrap an async sessionmaker (1.0.1's own test set-up),
        which only calling it reveals, and the session may also be set after the class is
        defined (``UserFactory._meta.sqlalchemy_session = session`` in a fixture).
        """

    def contribute_to_class(self, factory: type, *args: Any, **kwargs: Any) -> None:
        super().contribute_to_class(factory, *args, **kwargs)
        if self.sqlalchemy_session_persistence is None:  # 1.0.1 always committed
            self.sqlalchemy_session_persistence = SESSION_PERSISTENCE_COMMIT


class AsyncSQLAlchemyFactory(AwaitableSteps, AsyncSQLAlchemyModelFactory[T]):  # type: ignore[misc]  # 1.0.1's API: create() returns a coroutine, not the object
    """Deprecated: async-factory-boy 1.0.1's API on the new core.

    Use :class:`~async_factory_boy.factory.sqlalchemy.AsyncSQLAlchemyModelFactory` and pass
    the session per call: ``await UserFactory.create_async(sqlalchemy_session=session)``.
    """

    _options_class = _LegacyOptions
    _deprecated_layer = True
    _replacement = "AsyncSQLAlchemyModelFactory"
    #: Added to the error of a create without a session (``require_session``).
    _missing_session_hint = (
        " Meta.sqlalchemy_session is None: pass the session per call, or set "
        "Meta.sqlalchemy_session (deprecated)."
    )
    _replacement_advice = (
        ", remove Meta.sqlalchemy_session, and pass the session per call: `await "
        "{name}.create_async(sqlalchemy_session=session)`, "
        "`create_batch_async(n, sqlalchemy_session=session)`."
    )

    if not TYPE_CHECKING:  # type checkers see AsyncFactory.Meta: any class

        class Meta:
            abstract = True
            sqlalchemy_session_persistence = None  # unset: a commit, as in 1.0.1

    # -- the Meta session becomes the call's session ------------------------------------------

    @classmethod
    def _connection_defaults(cls) -> Kwargs:
        session = cls._meta_session()
        return {} if session is None else {_SESSION_ARGUMENT: session}

    @classmethod
    def _meta_session(cls) -> AsyncSession | async_scoped_session[Any] | None:
        """``Meta.sqlalchemy_session``, read now (fixtures may set it late), checked."""
        value = getattr(cls._meta, "sqlalchemy_session", None)
        if value is None or isinstance(value, AsyncSession | async_scoped_session):
            return value
        if isinstance(value, scoped_session):  # a scoped_session over an async sessionmaker
            # Its registry, not ``value()``: SQLAlchemy 2.1 deprecates calling a sync
            # scoped_session that holds an AsyncSession, and may refuse it one day.
            value = value.registry()
            if isinstance(value, AsyncSession):
                return value
        raise SessionTypeError(
            f"{cls.__name__}.Meta.sqlalchemy_session must be an AsyncSession, an "
            f"async_scoped_session or a scoped_session over an async sessionmaker; got "
            f"{type(value).__name__}. Create it with sqlalchemy.ext.asyncio.async_sessionmaker."
        )
