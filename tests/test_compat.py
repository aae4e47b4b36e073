"""factory_boy's internals are reached through ``async_factory_boy._compat`` only.

Run on both ends of the supported factory-boy range (``noxfile.py``), these tests say whether
the surface the package leans on is still there.
"""

from __future__ import annotations

import ast
import pathlib
import typing

import factory
import pytest

import async_factory_boy
from async_factory_boy import _compat

PACKAGE = pathlib.Path(async_factory_boy.__file__).parent


def _factory_imports(path: pathlib.Path) -> list[str]:
    """The ``import factory...`` / ``from factory... import`` statements of a module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.split(".")[0] == "factory"]
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").split(".")[0] == "factory"
        ):
            found.append(str(node.module))
    return found


@pytest.mark.parametrize(
    "path",
    [p for p in sorted(PACKAGE.rglob("*.py")) if p.name != "_compat.py"],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_only_compat_imports_factory_boy(path: pathlib.Path) -> None:
    assert _factory_imports(path) == [], "import factory_boy's names from async_factory_boy._compat"


def test_every_compat_name_exists() -> None:
    pytest.importorskip("django")
    for name in _compat.__all__:
        assert getattr(_compat, name) is not None, name


class _Point(factory.Factory):
    class Meta:
        model = dict

    x = factory.Sequence(int)
    label = factory.LazyAttribute(lambda o: f"p{o.x}")

    @factory.post_generation
    def tagged(obj, create, extracted, **kwargs):
        return None


def _protocol_members(protocol: type) -> set[str]:
    members = set(typing.get_type_hints(protocol)) if protocol.__annotations__ else set()
    members |= {
        name
        for name, value in vars(protocol).items()
        if not name.startswith("_") and (callable(value) or isinstance(value, property))
    }
    return members


def test_factory_options_have_what_the_package_reads() -> None:
    meta = _Point._meta
    for name in _protocol_members(_compat.FactoryOptionsLike):
        assert hasattr(meta, name), f"FactoryOptions.{name}"
    for name in _protocol_members(_compat.DeclarationSetLike):
        assert hasattr(meta.pre_declarations, name), f"DeclarationSet.{name}"
    assert "tagged" in meta.post_declarations.sorted()


def test_builder_internals_have_what_the_package_reads() -> None:
    step_builder = _compat.StepBuilder(_Point._meta, {}, _compat.enums.BUILD_STRATEGY)
    for name in _protocol_members(_compat.StepBuilderLike):
        assert hasattr(step_builder, name), f"StepBuilder.{name}"
    pre, _post = _compat.parse_declarations(
        {"x": 5}, base_pre=_Point._meta.pre_declarations, base_post=_Point._meta.post_declarations
    )
    step = _compat.BuildStep(builder=step_builder, sequence=0, parent_step=None)
    step.resolve(pre)
    for name in _protocol_members(_compat.BuildStepLike):
        assert hasattr(step, name), f"BuildStep.{name}"
    assert step.attributes == {"x": 5, "label": "p5"}
    assert _compat.resolver_step(step.stub) is step
    assert _compat.resolver_values(step.stub) == {"x": 5, "label": "p5"}
    entry = pre["label"]
    assert (entry.name, entry.context) == ("label", {})
