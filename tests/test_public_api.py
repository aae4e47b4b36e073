"""The import paths users rely on (like httpx's ``tests/test_exported_members.py``).

Every name the README and docs/ promise imports from its documented path; every public
module's ``__all__`` names exist and are public. Moving a module is then a deliberate act: this
file fails until the old path keeps working.
"""

from __future__ import annotations

import importlib
import pathlib
import pkgutil
import re

import pytest

import async_factory_boy

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

# The promise, written out: module -> names documented as importable from it.
DOCUMENTED: dict[str, list[str]] = {
    "async_factory_boy": [
        "AsyncFactory",
        "AsyncFactoryError",
        "AwaitOutsideFactoryError",
        "FactoryCall",
        "FactoryConfigurationError",
        "MissingDependencyError",
        "MissingPersistenceError",
        "MissingSessionError",
        "PartialBatchError",
        "SessionTypeError",
        "SyncCallError",
        "__version__",
        "await_",
        "current_call",
        "errors",
        "in_bridge",
    ],
    "async_factory_boy.errors": [
        "AsyncFactoryError",
        "AsyncFactoryWarning",
        "AwaitOutsideFactoryError",
        "DjangoDatabaseNotFoundError",
        "DjangoModelNotFoundError",
        "DjangoNotConfiguredError",
        "FactoryConfigurationError",
        "MissingDependencyError",
        "MissingPersistenceError",
        "MissingSessionError",
        "MissingUniqueIndexWarning",
        "PartialBatchError",
        "SeedShardError",
        "SessionTypeError",
        "SyncCallError",
        "WorkerDatabaseError",
    ],
    "async_factory_boy.factory": ["AsyncFactory"],
    "async_factory_boy.backends": [
        "Backend",
        "BatchRecord",
        "BatchWrite",
        "CallScope",
        "ContractOptions",
        "SeedError",
        "SeedTarget",
        "SeedWriter",
        "backend_named",
        "reached_from",
        "register",
        "take_lookup",
    ],
    "async_factory_boy.factory.sqlalchemy": [
        "AsyncSQLAlchemyFactory",  # async-factory-boy 1.0.1's class, deprecated
        "AsyncSQLAlchemyModelFactory",
        "AsyncSQLAlchemyOptions",
        "SESSION_PERSISTENCE_COMMIT",
        "SESSION_PERSISTENCE_FLUSH",
    ],
    "async_factory_boy.factory.mongo": ["AsyncMongoFactory", "PartialBatchError"],
    "async_factory_boy.factory.django": [
        "AsyncDjangoModelFactory",
        "DjangoDatabaseNotFoundError",
        "DjangoModelNotFoundError",
        "DjangoNotConfiguredError",
        "FileField",
        "ImageField",
        "Password",
        "mute_signals",
    ],
    "async_factory_boy.persistence": [
        "AsyncPersistence",
        "MemoryPersistence",
        "MissingPersistenceError",
        "MongoPersistence",
        "PersistenceError",
        "PersistenceFactory",
        "RepositoryPersistence",
        "SQLAlchemyPersistence",
        "SyncPersistence",
        "UniqueViolationError",
    ],
    "async_factory_boy.pytest": [
        "LazyFixture",
        "copy_into",
        "isolated_connection",
        "isolated_session",
        "register",
        "shared_data",
    ],
    "async_factory_boy.dask": ["SeedReport", "ShardProgress", "seed_on_dask"],
}

PUBLIC_MODULES = sorted(DOCUMENTED)


def _all_modules() -> list[str]:
    """Every module of the package (private ones included), by dotted name."""
    names = ["async_factory_boy"]
    for info in pkgutil.walk_packages(async_factory_boy.__path__, "async_factory_boy."):
        if not info.name.endswith("__main__"):
            names.append(info.name)
    return names


@pytest.mark.parametrize(
    ("module", "name"),
    [(module, name) for module, names in DOCUMENTED.items() for name in names],
)
def test_documented_name_imports(module: str, name: str) -> None:
    imported = importlib.import_module(module)
    assert hasattr(imported, name), f"`from {module} import {name}` no longer works"


def _documented_references() -> set[tuple[str, str]]:
    """(module, name) pairs the docs import or name in full (``async_factory_boy.x.Y``)."""
    found: set[tuple[str, str]] = set()
    for path in DOC_FILES:
        text = path.read_text()
        for module, grouped, names in re.findall(
            r"from (async_factory_boy[\w.]*) import (?:\(([^)]*)\)|([\w, ]+))", text
        ):
            listed = (grouped or names).replace("\n", " ").split(",")
            found.update((module, name.strip()) for name in listed if name.strip())
        for dotted in re.findall(r"\basync_factory_boy(?:\.\w+)+", text):
            if dotted not in LOGGER_NAMES:
                found.add(("", dotted))
    return found


#: Dotted names the docs give that are loggers' names (docs/logging.md), not import paths.
LOGGER_NAMES = frozenset({"async_factory_boy.seed"})


@pytest.mark.parametrize(("module", "name"), sorted(_documented_references()))
def test_docs_references_resolve(module: str, name: str) -> None:
    """Every ``from async_factory_boy... import X`` and dotted path in README.md / docs/."""
    if module:
        assert hasattr(importlib.import_module(module), name), f"from {module} import {name}"
        return
    # A dotted path is a module, or an attribute of the longest importable prefix.
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            assert hasattr(obj, attribute), f"the docs name {name}, which does not exist"
            obj = getattr(obj, attribute)
        return
    pytest.fail(f"the docs name {name}, which does not import")


@pytest.mark.parametrize("module", PUBLIC_MODULES)
def test_public_module_all(module: str) -> None:
    """``__all__`` exists, names only existing, public things, and lists the documented ones."""
    imported = importlib.import_module(module)
    exported = imported.__all__
    assert len(exported) == len(set(exported)), "duplicates in __all__"
    for name in exported:
        assert hasattr(imported, name), f"{module}.__all__ names {name!r}, which is missing"
        assert not name.startswith("_") or name == "__version__", f"{module} exports {name}"
    hidden = {"AsyncSQLAlchemyFactory"}  # deprecated: importable, not advertised by __all__
    assert set(DOCUMENTED[module]) - hidden <= set(exported)


@pytest.mark.parametrize("module", _all_modules())
def test_every_all_names_existing_things(module: str) -> None:
    """Private modules too: a stale ``__all__`` entry breaks ``import *`` and the docs."""
    imported = importlib.import_module(module)
    for name in getattr(imported, "__all__", ()):
        assert hasattr(imported, name), f"{module}.__all__ names {name!r}, which is missing"


def test_no_private_module_is_documented() -> None:
    """Users are never told to import from an ``_``-prefixed module."""
    for path in DOC_FILES:
        for dotted in re.findall(r"\basync_factory_boy(?:\.\w+)+", path.read_text()):
            modules = dotted.split(".")[1:-1]
            assert not any(part.startswith("_") for part in modules), f"{path.name}: {dotted}"


def test_version_is_the_distribution_version() -> None:
    from importlib.metadata import version

    assert async_factory_boy.__version__ == version("async-factory-boy")


def test_django_errors_are_the_backends_and_djangos() -> None:
    """``async_factory_boy.errors`` exports the Django backend's errors, Django's too."""
    from django.core.exceptions import ImproperlyConfigured
    from django.utils.connection import ConnectionDoesNotExist

    from async_factory_boy import errors
    from async_factory_boy.factory import django as backend

    assert errors.DjangoNotConfiguredError is backend.DjangoNotConfiguredError
    assert issubclass(errors.DjangoNotConfiguredError, ImproperlyConfigured)
    assert issubclass(errors.DjangoDatabaseNotFoundError, ConnectionDoesNotExist)
    assert issubclass(errors.DjangoModelNotFoundError, (LookupError, errors.AsyncFactoryError))
