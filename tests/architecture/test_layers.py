"""The package's layers, checked from its source: no import cycles, and each layer imports
only the layers below it (core <- backends <- persistence adapters / seed command / plugin).

Imports inside functions count too: a cycle hidden in a function is still a cycle. Imports
under ``if TYPE_CHECKING:`` do not: they never run.
"""

from __future__ import annotations

import ast
import pathlib
from collections.abc import Iterator

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "async_factory_boy"
ROOT = "async_factory_boy"


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, pathlib.Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


MODULES = _modules()


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> Iterator[str]:
    if node.level == 0:
        base = node.module or ""
    else:
        parts = module.split(".")
        if not is_package:
            parts.pop()
        parts = parts[: len(parts) - (node.level - 1)]
        base = ".".join([*parts, node.module] if node.module else parts)
    for alias in node.names:
        candidate = f"{base}.{alias.name}"
        yield candidate if candidate in MODULES else base


_TYPE_CHECKING = {"TYPE_CHECKING", "typing.TYPE_CHECKING"}


def imports_of(module: str) -> set[str]:
    """The package's own modules that ``module`` imports (anywhere in its code)."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(), str(path))
    for node in list(ast.walk(tree)):
        if isinstance(node, ast.If) and ast.unparse(node.test) in _TYPE_CHECKING:
            node.body = []
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.update(_resolve(module, path.name == "__init__.py", node))
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    own = set()
    for name in found:
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name and name != module:
            own.add(name)
    return own


GRAPH = {module: imports_of(module) for module in MODULES}


def test_no_module_imports_another_in_a_cycle() -> None:
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    stack: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for imported in sorted(GRAPH[module]):
            if state.get(imported) == 1:
                cycles.append([*stack[stack.index(imported) :], imported])
            elif imported not in state:
                visit(imported)
        stack.pop()
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module)
    assert cycles == []


CORE = {
    name
    for name in MODULES
    if name.count(".") == 1 and name.split(".")[1].startswith("_") and name != f"{ROOT}.__main__"
} | {ROOT, f"{ROOT}.errors", f"{ROOT}.factory", f"{ROOT}.backends"}

LAYERS = {
    "core": CORE,
    "backends": {name for name in MODULES if name.startswith(f"{ROOT}.factory.")},
    "persistence": {name for name in MODULES if name.startswith(f"{ROOT}.persistence")},
    "seed": {name for name in MODULES if name.startswith(f"{ROOT}._seed")} | {f"{ROOT}.__main__"},
    "pytest": {name for name in MODULES if name.startswith(f"{ROOT}.pytest")},
    # The seed command's shards on a Dask cluster: built on the command, nothing below it.
    "dask": {name for name in MODULES if name.startswith(f"{ROOT}.dask")},
}
# What each layer may import, besides itself.
ALLOWED = {
    "core": set(),
    "backends": {"core"},
    "persistence": {"core", "backends"},
    "seed": {"core", "backends"},
    "pytest": {"core", "backends", "persistence"},
    "dask": {"core", "seed"},
}


def _layer(module: str) -> str:
    return next(layer for layer, members in LAYERS.items() if module in members)


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_each_layer_imports_only_the_layers_below_it(layer: str) -> None:
    wrong = sorted(
        f"{module} -> {imported}"
        for module in LAYERS[layer]
        for imported in GRAPH[module]
        if _layer(imported) != layer and _layer(imported) not in ALLOWED[layer]
    )
    assert wrong == []


# Backends built on another backend's write path: the ODMs write through the Mongo backend.
BUILT_ON = {"beanie": {"mongo"}, "odmantic": {"mongo"}}


def test_backends_do_not_import_each_other() -> None:
    def family(module: str) -> str:
        return module.split(".")[2]

    wrong = sorted(
        f"{module} -> {imported}"
        for module in LAYERS["backends"]
        for imported in GRAPH[module]
        if imported in LAYERS["backends"]
        and family(imported) != family(module)
        and family(imported) not in BUILT_ON.get(family(module), set())
    )
    assert wrong == []


def test_every_module_belongs_to_a_layer() -> None:
    assert sorted(set(MODULES) - set().union(*LAYERS.values())) == []


def _backend_entry_points() -> set[str]:
    """What a backend offers the plug-ins: its package and its ``_api`` module."""
    return {name for name in LAYERS["backends"] if name.count(".") == 2 or name.endswith("._api")}


@pytest.mark.parametrize("layer", ["persistence", "seed", "pytest", "dask"])
def test_plug_ins_reach_a_backend_only_through_its_package_or_api(layer: str) -> None:
    allowed = _backend_entry_points()
    wrong = sorted(
        f"{module} -> {imported}"
        for module in LAYERS[layer]
        for imported in GRAPH[module]
        if imported in LAYERS["backends"] and imported not in allowed
    )
    assert wrong == []


# The core modules a plug-in may use: the public package, its errors, and the documented
# entry points for tools (the contract, the backend registry, handler dispatch, batch
# capture and the seed writers' contract for the seed command, the factories a factory
# reaches, naming the extra of a missing optional dependency).
PUBLIC_CORE = {
    ROOT,
    f"{ROOT}.errors",
    f"{ROOT}.factory",
    f"{ROOT}._scope",
    f"{ROOT}._backends",
    f"{ROOT}.backends",
    f"{ROOT}._handlers",
    f"{ROOT}._capture",
    f"{ROOT}._seeding",
    f"{ROOT}._reach",
    f"{ROOT}._factory",
    f"{ROOT}._compat",
    f"{ROOT}._dependencies",
    f"{ROOT}._types",
}


@pytest.mark.parametrize("layer", ["seed", "pytest", "dask"])
def test_the_seed_command_and_the_plugin_use_no_private_core_internals(layer: str) -> None:
    wrong = sorted(
        f"{module} -> {imported}"
        for module in LAYERS[layer]
        for imported in GRAPH[module]
        if imported in CORE and imported not in PUBLIC_CORE
    )
    assert wrong == []
