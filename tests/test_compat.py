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
_EVERY_MODULE_BUT_COMPAT = pytest.mark.parametrize(
    "path",
    [p for p in sorted(PACKAGE.rglob("*.py")) if p.name != "_compat.py"],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)


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


@_EVERY_MODULE_BUT_COMPAT
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


# factory_boy's private declaration state: read through _compat's functions only, so that a
# factory-boy release that renames one breaks one module (and the tests of this file).
_INTERNAL_NAMES = frozenset({"_defaults", "depth", "attribute_name", "FORCE_SEQUENCE"})


def _internal_reads(path: pathlib.Path) -> list[str]:
    """Where a module touches one of ``_INTERNAL_NAMES``: ``x.depth``, ``getattr(x, "depth")``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Attribute) and node.attr in _INTERNAL_NAMES:
            found.append((node.lineno, f".{node.attr}"))
        elif isinstance(node, ast.Constant) and node.value in _INTERNAL_NAMES:
            found.append((node.lineno, repr(node.value)))
    return [f"line {line}: {what}" for line, what in sorted(found)]


@_EVERY_MODULE_BUT_COMPAT
def test_only_compat_reads_declaration_internals(path: pathlib.Path) -> None:
    assert _internal_reads(path) == [], "read them through async_factory_boy._compat's functions"


def test_internal_reads_are_found(tmp_path: pathlib.Path) -> None:
    module = tmp_path / "module.py"
    module.write_text("a = d.depth\nb = getattr(d, '_defaults', {})\nc = d.FORCE_SEQUENCE\n")
    assert _internal_reads(module) == [
        "line 1: .depth",
        "line 2: '_defaults'",
        "line 3: .FORCE_SEQUENCE",
    ]


class _Item(factory.Factory):
    class Meta:
        model = dict

    n = 1


def test_declaration_readers_on_factory_boys_classes() -> None:
    self_attribute = factory.SelfAttribute("..a.b", default=3)
    assert _compat.self_attribute_parts(self_attribute) == (2, "a.b", 3)
    get_factory, defaults, force_sequence = _compat.sub_factory_parts(
        factory.SubFactory(_Item, n=2)
    )
    assert (get_factory(), defaults, force_sequence) == (_Item, {"n": 2}, False)
    assert _compat.sub_factory_parts(factory.List([1]))[2] is True
    assert _compat.declaration_defaults(factory.SubFactory(_Item, n=2)) == {"n": 2}
    assert _compat.declaration_defaults(factory.RelatedFactory(_Item, "owner", n=3)) == {"n": 3}
    assert _compat.declaration_defaults(factory.LazyFunction(int)) == {}
    assert _compat.declaration_function(factory.LazyFunction(int)) is int
    decider, yes, no = _compat.maybe_parts(factory.Maybe("flag", 1, 2))
    assert (_compat.self_attribute_parts(decider), yes, no) == ((0, "flag", None), 1, 2)
    assert _compat.transformer_default(factory.Transformer("x", transform=str.upper)) == "x"
    assert _compat.trait_overrides(factory.Trait(n=4)) == {"n": 4}
    assert _compat.declared_values(_Point)[0] is _Point._meta.base_declarations["x"]
    assert _compat.declared_values(object) == []


@pytest.mark.parametrize(
    ("protocol", "declaration"),
    [
        (_compat.DeclarationLike, factory.LazyFunction(int)),
        (_compat.FunctionDeclarationLike, factory.Sequence(int)),
        (_compat.SelfAttributeLike, factory.SelfAttribute("a")),
        (_compat.SubFactoryLike, factory.SubFactory(_Item)),
        (_compat.RelatedFactoryLike, factory.RelatedFactory(_Item)),
        (_compat.MaybeLike, factory.Maybe("flag", 1, 2)),
        (_compat.TransformerLike, factory.Transformer(1, transform=str)),
        (_compat.TraitLike, factory.Trait(n=1)),
    ],
    ids=lambda value: getattr(value, "__name__", type(value).__name__),
)
def test_declarations_have_what_the_package_reads(protocol: type, declaration: object) -> None:
    for name in _protocol_members(protocol) | set(protocol.__annotations__):
        assert hasattr(declaration, name), f"{type(declaration).__name__}.{name}"
