"""One exception tree: every error of the library is an ``AsyncFactoryError``.

Each keeps the built-in base users caught before (``RuntimeError``, ``TypeError``,
``ImportError``), and a backend imported without its driver names the extra to install.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys
import textwrap

import pytest

import async_factory_boy
from async_factory_boy import errors
from async_factory_boy.errors import AsyncFactoryError


def _exception_classes() -> list[type[BaseException]]:
    """Every exception class defined in the package (private modules included)."""
    found: dict[str, type[BaseException]] = {}
    modules = [async_factory_boy.__name__] + [
        info.name
        for info in pkgutil.walk_packages(async_factory_boy.__path__, "async_factory_boy.")
        if not info.name.endswith("__main__")
    ]
    for name in modules:
        module = importlib.import_module(name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__.startswith(
                "async_factory_boy"
            ):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[key] for key in sorted(found)]


# Private control-flow exceptions (``_seed._run._Interrupted``) never reach a user.
_PUBLIC = [cls for cls in _exception_classes() if not cls.__name__.startswith("_")]
EXCEPTIONS = [cls for cls in _PUBLIC if not issubclass(cls, Warning)]
WARNINGS = [cls for cls in _PUBLIC if issubclass(cls, Warning)]


def test_the_walk_finds_the_errors_of_every_module() -> None:
    names = {cls.__name__ for cls in EXCEPTIONS}
    assert {
        "SeedError",
        "PersistenceError",
        "UniqueViolationError",
        "DjangoModelNotFoundError",
        "PartialBatchError",
        "MissingDependencyError",
    } <= names


@pytest.mark.parametrize("cls", EXCEPTIONS, ids=lambda cls: cls.__qualname__)
def test_every_library_error_is_an_async_factory_error(cls: type[BaseException]) -> None:
    assert issubclass(cls, AsyncFactoryError), f"{cls.__module__}.{cls.__qualname__}"


@pytest.mark.parametrize("cls", WARNINGS, ids=lambda cls: cls.__qualname__)
def test_every_library_warning_is_an_async_factory_warning(cls: type[Warning]) -> None:
    assert issubclass(cls, errors.AsyncFactoryWarning), f"{cls.__module__}.{cls.__qualname__}"
    assert not issubclass(cls, AsyncFactoryError)  # a warning, never raised as an error


@pytest.mark.parametrize(
    ("cls", "builtin"),
    [
        (errors.MissingSessionError, RuntimeError),
        (errors.AwaitOutsideFactoryError, RuntimeError),
        (errors.SessionTypeError, TypeError),
        (errors.SyncCallError, TypeError),
        (errors.FactoryConfigurationError, TypeError),
        (errors.MissingPersistenceError, RuntimeError),
        (errors.MissingPersistenceError, TypeError),
        (errors.MissingDependencyError, ModuleNotFoundError),
    ],
)
def test_builtin_bases_are_kept(cls: type[BaseException], builtin: type[BaseException]) -> None:
    assert issubclass(cls, builtin)


def test_missing_dependency_error_carries_name_and_extra() -> None:
    error = errors.MissingDependencyError("message", name="pymongo", extra="mongo")
    assert (error.name, error.extra, str(error)) == ("pymongo", "mongo", "message")


# A meta-path finder that makes the listed top-level packages look uninstalled, so the test
# needs no second environment.
_HIDE = """
import sys

HIDDEN = {hidden!r}


class HideDrivers:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in HIDDEN:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None


sys.meta_path.insert(0, HideDrivers())
"""


def _run_without(hidden: set[str], code: str) -> subprocess.CompletedProcess[str]:
    script = _HIDE.format(hidden=sorted(hidden)) + textwrap.dedent(code)
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )


def test_the_core_needs_no_driver() -> None:
    """A persistence-only (or Mongo-only) user needs neither SQLAlchemy nor Django."""
    result = _run_without(
        {"sqlalchemy", "pymongo", "bson", "motor", "django"},
        """
        import asyncio

        import factory
        from async_factory_boy import AsyncFactory
        from async_factory_boy.persistence import MemoryPersistence

        store = MemoryPersistence()

        class PointFactory(AsyncFactory[dict]):
            class Meta:
                model = dict
                persistence = store

            x = factory.Sequence(int)

        print(asyncio.run(PointFactory.create_async())["x"], len(store.all(dict)))
        """,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "1"]
