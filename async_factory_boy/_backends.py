"""The backend registry: one entry per backend, the one place backends are named.

Everything that must know which backends exist reads this registry instead of a list of its
own: the core (which keyword arguments of a call carry a connection), the pytest plugin
(which fixture hands a registered factory its connection) and the seed command (which
writer stores a factory's batches). A backend is one :class:`Backend` entry:

- ``connection_arguments``: the keyword arguments that carry its connection
  (``sqlalchemy_session``); every async factory takes them out of a call's overrides, so a
  connection reaches every nested factory of the call;
- ``fixtures``: the default pytest fixture of each of them (``sqlalchemy_session`` ->
  ``db_session``), the ones the plugin's registered factories ask for;
- ``factory``: its base factory class, whose ``_backend`` is this entry;
- ``scope``: its :class:`~async_factory_boy._scope.CallScope`, the object the core drives
  through every call (open, make, add, get_or_create, finish, undo);
- ``options``: its ``class Meta`` options class;
- ``field_mapper``: how ``Meta.auto_fields`` derives declarations from its models;
- ``seed_writer``: the writer the seed command stores its factories' batches with, and
  ``seed_urls``, the kind of ``--url`` it takes (``"sql"``, ``"mongo"``).

The heavy parts (``factory``, ``scope``, ``options``, ``field_mapper``, ``seed_writer``) may
be given as ``"module:attribute"`` strings, imported on first use: the built-in entries
below are registered without importing any driver, so the core knows every built-in
connection argument in a process that never imported SQLAlchemy or PyMongo. A backend
outside the package registers itself with :func:`register`, giving the objects directly.

This module is core: it imports nothing from the rest of the package at run time.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from ._types import Function

if TYPE_CHECKING:
    from ._scope import CallScope

__all__ = [
    "BUILTIN_BACKENDS",
    "HANDLER_ARGUMENT",
    "Backend",
    "all_backends",
    "backend_named",
    "backend_of",
    "connection_arguments",
    "default_fixtures",
    "register",
]

#: The per-call persistence handler argument of plain ``AsyncFactory`` factories.
HANDLER_ARGUMENT: Final = "persistence"

#: ``"package.module:attribute"``, or the object itself.
Ref = Any


def _load(ref: Ref) -> Any:
    """The object ``ref`` names (a ``"module:attribute"`` string is imported)."""
    if not isinstance(ref, str):
        return ref
    module, _, attribute = ref.partition(":")
    found: Any = importlib.import_module(module)
    for part in attribute.split("."):
        found = getattr(found, part)
    return found


@dataclass(frozen=True, eq=False)
class Backend:
    """One backend, as the core, the pytest plugin and the seed command see it.

    See the module docstring for the fields. ``scope``, ``options``, ``factory``,
    ``field_mapper`` and ``seed_writer`` read the object of a ``"module:attribute"``
    reference on first access (:meth:`load`).
    """

    name: str
    connection_arguments: tuple[str, ...]
    factory_ref: Ref
    scope_ref: Ref
    options_ref: Ref
    fixtures: Mapping[str, str] = field(default_factory=dict)
    field_mapper_ref: Ref = None
    seed_writer_ref: Ref = None
    seed_urls: str | None = None
    #: What a factory of this backend is, without an article ("MongoDB factory"), for
    #: messages.
    description: str = ""

    @functools.cached_property
    def factory(self) -> type:
        """The backend's base factory class."""
        found: type = _load(self.factory_ref)
        return found

    @functools.cached_property
    def scope(self) -> type[CallScope]:
        """The backend's :class:`~async_factory_boy._scope.CallScope` subclass."""
        found: type[CallScope] = _load(self.scope_ref)
        return found

    @functools.cached_property
    def options(self) -> type:
        """The backend's ``class Meta`` options class."""
        found: type = _load(self.options_ref)
        return found

    @functools.cached_property
    def field_mapper(self) -> Function | None:
        """``field_mapper(factory, model, mode, base)`` for ``Meta.auto_fields``, or
        ``None`` to read the model's type hints (the core's default)."""
        found: Function | None = _load(self.field_mapper_ref)
        return found

    @functools.cached_property
    def seed_writer(self) -> Function | None:
        """``seed_writer(target, copy=...)`` makes the seed command's writer, or ``None``
        when the seed command cannot store this backend's factories."""
        found: Function | None = _load(self.seed_writer_ref)
        return found

    def fixture_for(self, argument: str) -> str:
        """The default pytest fixture that hands over ``argument``."""
        return self.fixtures.get(argument, argument)


_registry: dict[str, Backend] = {}
_arguments: frozenset[str] = frozenset({HANDLER_ARGUMENT})


def register(backend: Backend) -> Backend:
    """Add ``backend`` to the registry (replacing an entry of the same name); return it."""
    global _arguments
    _registry[backend.name] = backend
    names = {name for entry in _registry.values() for name in entry.connection_arguments}
    _arguments = frozenset({HANDLER_ARGUMENT, *names})
    return backend


def backend_named(name: str) -> Backend:
    """The registered backend ``name``; ``LookupError`` names the registered ones."""
    try:
        return _registry[name]
    except KeyError:
        known = ", ".join(sorted(_registry))
        raise LookupError(f"no backend named {name!r} is registered (known: {known})") from None


def backend_of(factory: type) -> Backend:
    """The backend ``factory`` belongs to: its ``_backend`` (``AsyncFactory``'s is the
    persistence handlers' entry)."""
    found = getattr(factory, "_backend", None)
    if isinstance(found, Backend):
        return found
    return _registry[HANDLER_ARGUMENT]


def all_backends() -> Iterator[Backend]:
    """Every registered backend, in registration order (built-in ones first)."""
    return iter(list(_registry.values()))


def connection_arguments() -> frozenset[str]:
    """Every registered backend's connection arguments, and the handler argument."""
    return _arguments


def default_fixtures() -> dict[str, str]:
    """``{connection argument: default pytest fixture}`` over every registered backend."""
    mapping: dict[str, str] = {}
    for entry in _registry.values():
        for argument in entry.connection_arguments:
            mapping.setdefault(argument, entry.fixture_for(argument))
    return mapping


_PACKAGE = "async_factory_boy"
_FACTORY = f"{_PACKAGE}.factory"

#: The built-in backends, registered when the core is imported (no driver is imported).
BUILTIN_BACKENDS: Final = (
    register(
        Backend(
            name="persistence",
            connection_arguments=(HANDLER_ARGUMENT,),
            factory_ref=f"{_PACKAGE}._factory:AsyncFactory",
            scope_ref=f"{_PACKAGE}._handler_scope:HandlerScope",
            options_ref=f"{_PACKAGE}._factory:AsyncFactoryOptions",
            description="factory saving through a persistence handler",
        )
    ),
    register(
        Backend(
            name="sqlalchemy",
            connection_arguments=("sqlalchemy_session",),
            fixtures={"sqlalchemy_session": "db_session"},
            factory_ref=f"{_FACTORY}.sqlalchemy._factory:AsyncSQLAlchemyModelFactory",
            scope_ref=f"{_FACTORY}.sqlalchemy._session:SessionScope",
            options_ref=f"{_FACTORY}.sqlalchemy._factory:AsyncSQLAlchemyOptions",
            field_mapper_ref=f"{_FACTORY}.sqlalchemy._auto_fields:derive_from_mapper",
            seed_writer_ref=f"{_FACTORY}.sqlalchemy._api:SqlWriter",
            seed_urls="sql",
            description="factory of SQLAlchemy-mapped models",
        )
    ),
    register(
        Backend(
            name="mongo",
            connection_arguments=("mongo_database", "mongo_session"),
            factory_ref=f"{_FACTORY}.mongo:AsyncMongoFactory",
            scope_ref=f"{_FACTORY}.mongo._scope:MongoScope",
            options_ref=f"{_FACTORY}.mongo:MongoFactoryOptions",
            seed_writer_ref=f"{_FACTORY}.mongo._api:MongoWriter",
            seed_urls="mongo",
            description="MongoDB factory",
        )
    ),
    register(
        Backend(
            name="beanie",
            connection_arguments=("mongo_session",),
            factory_ref=f"{_FACTORY}.beanie:AsyncBeanieFactory",
            scope_ref=f"{_FACTORY}.beanie._scope:BeanieScope",
            options_ref=f"{_FACTORY}.beanie:BeanieFactoryOptions",
            field_mapper_ref=f"{_FACTORY}.beanie._auto:derive_document_fields",
            seed_writer_ref=f"{_FACTORY}.beanie._api:BeanieWriter",
            seed_urls="mongo",
            description="Beanie document factory",
        )
    ),
    register(
        Backend(
            name="odmantic",
            connection_arguments=("odmantic_engine", "mongo_session"),
            factory_ref=f"{_FACTORY}.odmantic:AsyncODManticFactory",
            scope_ref=f"{_FACTORY}.odmantic._scope:ODManticScope",
            options_ref=f"{_FACTORY}.odmantic:ODManticFactoryOptions",
            field_mapper_ref=f"{_FACTORY}.odmantic._auto:derive_model_fields",
            seed_writer_ref=f"{_FACTORY}.odmantic._api:ODManticWriter",
            seed_urls="mongo",
            description="ODMantic model factory",
        )
    ),
    register(
        Backend(
            name="django",
            connection_arguments=("django_database",),
            fixtures={"django_database": "django_database"},
            factory_ref=f"{_FACTORY}.django:AsyncDjangoModelFactory",
            scope_ref=f"{_FACTORY}.django._scope:DjangoScope",
            options_ref=f"{_FACTORY}.django._options:AsyncDjangoOptions",
            field_mapper_ref=f"{_FACTORY}.django._auto_fields:derive_from_django_model",
            description="Django model factory",
        )
    ),
    register(
        Backend(
            name="tortoise",
            connection_arguments=("tortoise_connection",),
            factory_ref=f"{_FACTORY}.tortoise._factory:AsyncTortoiseModelFactory",
            scope_ref=f"{_FACTORY}.tortoise._scope:TortoiseScope",
            options_ref=f"{_FACTORY}.tortoise._factory:AsyncTortoiseOptions",
            seed_writer_ref=f"{_FACTORY}.tortoise._api:TortoiseWriter",
            seed_urls="sql",
            description="Tortoise ORM model factory",
        )
    ),
)
