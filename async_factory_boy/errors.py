"""Exceptions raised by async_factory_boy.

Every error names the factory involved, what was wrong and what to do about it, so a
user never has to read a traceback from deep inside factory_boy or a driver.
"""

from __future__ import annotations

import types
from typing import TYPE_CHECKING, Any

__all__ = [
    "AsyncFactoryError",
    "AsyncFactoryWarning",
    "AwaitOutsideFactoryError",
    "DeclarationExhaustedError",
    "DjangoDatabaseNotFoundError",
    "DjangoModelNotFoundError",
    "DjangoNotConfiguredError",
    "FactoryConfigurationError",
    "MissingDependencyError",
    "MissingPersistenceError",
    "MissingSessionError",
    "MissingUniqueIndexWarning",
    "PartialBatchError",
    "RegistrationError",
    "SeedShardError",
    "SessionTypeError",
    "SyncCallError",
    "UnknownKeywordError",
    "WorkerDatabaseError",
]


class AsyncFactoryError(Exception):
    """Base class of every error async_factory_boy raises.

    ``except AsyncFactoryError`` catches them all. Each error also keeps the built-in base
    users caught before the tree existed (``MissingSessionError`` is a ``RuntimeError``,
    ``SessionTypeError`` a ``TypeError``, ...), so existing ``except`` clauses still work.
    """


class MissingSessionError(AsyncFactoryError, RuntimeError):
    """A factory that persists was called without the connection it needs.

    The session (or database, or persistence handler) travels with each call instead of
    living on the factory class, so that concurrent calls never share it by accident.
    """


class SessionTypeError(AsyncFactoryError, TypeError):
    """The connection passed to a factory is of the wrong kind (e.g. a sync ``Session``)."""


class SyncCallError(AsyncFactoryError, TypeError):
    """A sync step (``create()``, ``create_batch()``, ``F()``) was called on an async factory,
    or a sync ``build()`` met a value that has to be awaited."""


class AwaitOutsideFactoryError(AsyncFactoryError, RuntimeError):
    """``await_()`` was called outside a factory call, where there is no event loop to await on."""


class UnknownKeywordError(AsyncFactoryError, TypeError):
    """A call passed a keyword that is neither a field of the model, a declaration or
    parameter of the factory, nor a connection argument (``create_async(admn=True)``,
    ``sqlalchemy_sesion=session``).

    Raised before anything is built, whatever the model's constructor would have done with
    the keyword (SQLModel and pydantic drop it silently). A ``TypeError``, as the
    constructor's own error was. ``factory_name``, ``keyword`` and ``suggestion`` (the
    nearest valid name, or ``None``) say what was wrong.
    """

    def __init__(
        self, message: str, *, factory_name: str, keyword: str, suggestion: str | None
    ) -> None:
        super().__init__(message)
        self.factory_name = factory_name
        self.keyword = keyword
        self.suggestion = suggestion


class FactoryConfigurationError(AsyncFactoryError, TypeError):
    """A factory's ``class Meta`` holds an option value that cannot work."""


class MissingPersistenceError(MissingSessionError, FactoryConfigurationError):
    """A factory that must save through a persistence handler was given none.

    It is both a missing connection (like :class:`MissingSessionError`) and a configuration
    problem (like :class:`FactoryConfigurationError`), so either ``except`` clause catches it.
    """


class RegistrationError(AsyncFactoryError, AssertionError, TypeError):
    """``register()`` was given a factory it cannot turn into fixtures.

    An ``AssertionError`` because pytest-factoryboy's ``register()`` raises one (suites that
    expect it keep working), and a ``TypeError`` because that is what it is.
    """


class MissingDependencyError(AsyncFactoryError, ModuleNotFoundError):
    """A backend module was imported (or an adapter used) without its driver installed.

    The message names the extra that installs it (``pip install
    "async-factory-boy[sqlalchemy]"``); it is a ``ModuleNotFoundError`` (so an ``ImportError``),
    so ``try: import ... except ImportError`` guards keep working. ``extra`` is the extra's
    name and ``name`` the module that is missing.
    """

    def __init__(self, message: str, *, name: str, extra: str) -> None:
        super().__init__(message, name=name)
        self.extra = extra


class PartialBatchError(AsyncFactoryError):
    """A batch write failed part-way, outside a transaction: some documents were stored.

    ``written`` maps each collection (or table) name to the ids stored before the failure,
    in order, so a test can clean them up or a user can see how far the batch got. The
    driver's own error is the ``__cause__``.
    """

    def __init__(self, message: str, written: dict[str, list[object]]) -> None:
        super().__init__(message)
        self.written = written

    @property
    def written_ids(self) -> list[object]:
        """Every stored id, all collections together, in write order."""
        return [each for ids in self.written.values() for each in ids]


class DeclarationExhaustedError(AsyncFactoryError, RuntimeError):
    """A declaration raised ``StopIteration`` during an async step (``create_async``, ...).

    Typically a ``factory.Iterator(..., cycle=False)`` that ran out of values. Python turns a
    ``StopIteration`` that leaves a coroutine into a bare ``RuntimeError('coroutine raised
    StopIteration')``, so the async steps raise this instead: it names the factory and the
    field (``factory_name`` and ``field``), and the ``StopIteration`` is its ``__cause__``.
    The sync ``build()`` keeps factory_boy's behaviour and lets ``StopIteration`` through.
    """

    def __init__(self, message: str, factory_name: str | None = None, field: str | None = None):
        super().__init__(message)
        self.factory_name = factory_name
        self.field = field


class SeedShardError(AsyncFactoryError):
    """A shard of a distributed seed run (``async_factory_boy.dask.seed_on_dask``) failed.

    The message names the shard (``shard`` of ``shards``, 0-based; ``shard`` is None when
    creating the tables before the shards failed) and the cause, as the seed command's own
    ``error:`` line (redacted: no password); the other shards were stopped between batches,
    so their committed batches stay and a ``resume=True`` run finishes the work. ``report``
    holds the rows of the shards that reported them.
    """

    def __init__(
        self, message: str, *, shard: int | None, shards: int, report: object = None
    ) -> None:
        super().__init__(message)
        self.shard = shard
        self.shards = shards
        self.report = report


class AsyncFactoryWarning(UserWarning):
    """Base class of every warning async_factory_boy issues (filter them all with it)."""


class MissingUniqueIndexWarning(AsyncFactoryWarning):
    """A Mongo get-or-create (``Meta.mongo_get_or_create``, ``beanie_get_or_create``,
    ``odmantic_get_or_create``) runs on a collection with no unique index on its fields.

    Calls in one process are serialized per lookup, so they never store a duplicate; another
    process can, without the index. Issued once per factory; the message names the index.
    """


# -- the Django backend's errors ----------------------------------------------------------------
# They also subclass the exception Django itself raises (``ImproperlyConfigured``,
# ``ConnectionDoesNotExist``), so ``except`` clauses written for factory_boy keep working. This
# module must import without Django, so they are made at first access (PEP 562); without
# Django installed they exist without Django's bases (nothing can raise them then).

_DJANGO_DOCS = {
    "DjangoModelNotFoundError": "``Meta.model`` is a string that names no installed Django "
    "model (also a ``LookupError``).",
    "DjangoDatabaseNotFoundError": "``Meta.database`` or a call's ``django_database=`` is not "
    "a key of ``settings.DATABASES`` (also Django's ``ConnectionDoesNotExist``).",
    "DjangoNotConfiguredError": "A Django factory was used before Django's settings and app "
    "registry were set up (also Django's ``ImproperlyConfigured``).",
}
_django_errors: dict[str, type[AsyncFactoryError]] = {}


def _make_django_errors() -> dict[str, type[AsyncFactoryError]]:
    django_bases: dict[str, tuple[type[BaseException], ...]] = {}
    try:
        from django.core.exceptions import ImproperlyConfigured  # type: ignore[import-untyped]  # Django ships no type hints (django-stubs is not a dependency)
        from django.utils.connection import ConnectionDoesNotExist  # type: ignore[import-untyped]  # Django ships no type hints (django-stubs is not a dependency)
    except ImportError:
        pass
    else:
        django_bases = {
            "DjangoDatabaseNotFoundError": (ConnectionDoesNotExist,),
            "DjangoNotConfiguredError": (ImproperlyConfigured,),
        }
    bases: dict[str, tuple[type[BaseException], ...]] = {
        "DjangoModelNotFoundError": (FactoryConfigurationError, LookupError),
        "DjangoDatabaseNotFoundError": (FactoryConfigurationError,),
        "DjangoNotConfiguredError": (MissingSessionError,),
    }
    made: dict[str, type[AsyncFactoryError]] = {}
    for name, own in bases.items():

        def fill(namespace: dict[str, Any], name: str = name) -> None:
            namespace.update(__module__=__name__, __doc__=_DJANGO_DOCS[name])

        try:
            error = types.new_class(name, own + django_bases.get(name, ()), exec_body=fill)
        except TypeError:  # Django's classes replaced by stand-ins (a docs build's mocks)
            error = types.new_class(name, own, exec_body=fill)
        assert issubclass(error, AsyncFactoryError)
        made[name] = error
    _django_errors.update(made)
    return _django_errors


if TYPE_CHECKING:

    class DjangoModelNotFoundError(FactoryConfigurationError, LookupError):
        """``Meta.model`` is a string that names no installed Django model."""

    class DjangoDatabaseNotFoundError(FactoryConfigurationError):
        """``Meta.database`` or a call's ``django_database=`` is not a key of DATABASES."""

    class DjangoNotConfiguredError(MissingSessionError):
        """A Django factory was used before Django's settings and app registry were set up."""

else:

    def __getattr__(name: str) -> type[AsyncFactoryError]:
        if name in _DJANGO_DOCS:
            return (_django_errors or _make_django_errors())[name]
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class WorkerDatabaseError(AsyncFactoryError, RuntimeError):
    """The pytest plugin could not set up or drop a test database (``db_engine``, per worker).

    The message names the database, the setting it came from (``factory_db_url``,
    ``FACTORY_DB_URL``, the ``factory_db_url`` fixture) and what to change.
    """
