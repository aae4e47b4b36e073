"""The backend contract, checked on the classes: the core drives, backends supply.

Every backend is one entry of the registry (``async_factory_boy._backends``) whose scope,
options class and factory agree with each other, and no class of a backend package
overrides one of the core's build or create steps: the core's create path calls the
backend's scope (``CallScope``), never the other way round.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

import pytest

from async_factory_boy import CallScope
from async_factory_boy._backends import HANDLER_ARGUMENT, all_backends, default_fixtures
from async_factory_boy._factory import AsyncFactory, ContractOptions
from async_factory_boy._scope import BUILTIN_CONNECTION_ARGUMENTS

#: The core's steps on the factory class: a backend overrides none of them.
CORE_STEPS = (
    "_build",
    "_call_async",
    "_create",
    "_create_async",
    "_create_in_scope",
    "_create_many_async",
    "_after_postgeneration",
    "_after_postgeneration_async",
    "_derive_declarations",
    "_exclusive_resources",
    "_generate",
    "_generate_many",
    "_prepare_call",
    "build_async",
    "build_batch_async",
    "create_async",
    "create_batch_async",
)
#: The core's steps on the options class.
OPTIONS_STEPS = ("instantiate", "use_postgeneration_results")
#: The deprecated 1.0.1 layers keep 1.0.1's awaitable public steps (the core's
#: ``_legacy.AwaitableSteps`` gives them); nothing else.
LEGACY_STEPS = ("create", "create_batch", "build", "build_batch")

BACKENDS = [backend for backend in all_backends() if backend.name != HANDLER_ARGUMENT]


def _backend_classes(package: str) -> list[type[Any]]:
    """Every class defined in the modules of a backend package (or in a backend's one
    module: a backend may be a single module, as the contract suite's JSON-lines store)."""
    found: dict[str, type[Any]] = {}
    root = importlib.import_module(package)
    modules = [root]
    for info in pkgutil.iter_modules(getattr(root, "__path__", ()), f"{package}."):
        modules.append(importlib.import_module(info.name))
    for module in modules:
        for value in vars(module).values():
            if inspect.isclass(value) and value.__module__.startswith(package):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return list(found.values())


def _package(backend: Any) -> str:
    return ".".join(backend.factory.__module__.split(".")[:3])


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda backend: backend.name)
def test_backend_classes_override_no_core_build_or_create_step(backend: Any) -> None:
    wrong = []
    for cls in _backend_classes(_package(backend)):
        own = set(vars(cls))
        if issubclass(cls, AsyncFactory):
            wrong += [f"{cls.__qualname__}.{name}" for name in CORE_STEPS if name in own]
            if not vars(cls).get("_deprecated_layer"):
                wrong += [f"{cls.__qualname__}.{name}" for name in LEGACY_STEPS if name in own]
        if issubclass(cls, ContractOptions):
            wrong += [f"{cls.__qualname__}.{name}" for name in OPTIONS_STEPS if name in own]
    assert wrong == []


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda backend: backend.name)
def test_each_registry_entry_agrees_with_its_factory(backend: Any) -> None:
    factory = backend.factory
    assert factory._backend is backend
    assert factory._options_class is backend.options
    assert issubclass(backend.options, ContractOptions)
    assert issubclass(backend.scope, CallScope)
    assert factory._connection_arguments == backend.connection_arguments


def test_the_core_names_no_backend_but_through_the_registry() -> None:
    registered = {name for backend in all_backends() for name in backend.connection_arguments}
    assert registered >= BUILTIN_CONNECTION_ARGUMENTS
    assert default_fixtures()["sqlalchemy_session"] == "db_session"
