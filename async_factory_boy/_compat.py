"""Every use of factory_boy's internals, in one place.

async_factory_boy runs factory_boy's own resolution and so leans on parts of factory_boy that
are not its documented API: the builder (``StepBuilder``, ``BuildStep``, ``Resolver``,
``parse_declarations``, ``DeclarationSet``), ``FactoryOptions`` and ``OptionDefault``, the
strategy constants of ``factory.enums``, the Resolver's name-mangled attributes and
``factory.django``'s options class. The rest of the package imports them from here only
(``tests/test_compat.py`` checks it), so a factory_boy release that moves one of them is
fixed in this file, and the supported range (``factory-boy>=3.3.0,<3.4`` in pyproject, both
ends run by ``noxfile.py``) is tested against exactly this surface.

The Protocols below name the attributes the package reads on factory_boy's untyped objects
(factory_boy ships ``py.typed`` but leaves them unannotated), so code that reaches them can be
typed against the Protocol instead of ``Any``; ``tests/test_compat.py`` checks that
factory_boy's real classes still have them. The attributes of declarations that factory_boy
keeps for its own evaluation (a declaration's ``_defaults``, a SelfAttribute's ``depth`` and
``attribute_name``, a SubFactory's ``FORCE_SEQUENCE``, ...) are read through the small
functions of the second part, never directly (``tests/test_compat.py`` checks that too).

``factory.django`` imports Django, so its names are loaded on first access (PEP 562): the core
must import without Django.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from factory import builder, declarations, enums
from factory import errors as factory_errors
from factory.base import BaseFactory, Factory, FactoryOptions, OptionDefault
from factory.base import _Counter as SequenceCounter
from factory.builder import BuildStep, DeclarationSet, Resolver, StepBuilder
from factory.declarations import (
    SKIP,
    BaseDeclaration,
    Dict,
    LazyAttribute,
    LazyFunction,
    List,
    Maybe,
    PostGeneration,
    PostGenerationDeclaration,
    RelatedFactory,
    SelfAttribute,
    Sequence,
    SubFactory,
    Trait,
    Transformer,
    deepgetattr,
)
from factory.declarations import _FactoryWrapper as FactoryWrapper
from factory.enums import get_builder_phase
from factory.errors import AssociatedClassError, FactoryError
from factory.faker import Faker
from factory.random import get_random_state, randgen, reseed_random, set_random_state

from ._types import Args, FactoryClass, Function, Instance, Kwargs, ModelClass

if TYPE_CHECKING:
    from factory import django as factory_django
    from factory.django import DjangoOptions, FileField, ImageField, Password

__all__ = [
    "SKIP",
    "AssociatedClassError",
    "BaseDeclaration",
    "BaseFactory",
    "BuildStep",
    "BuildStepLike",
    "DeclarationLike",
    "DeclarationSet",
    "DeclarationSetLike",
    "DeclarationWithContextLike",
    "Dict",
    "DjangoOptions",
    "Factory",
    "FactoryError",
    "FactoryOptions",
    "FactoryOptionsLike",
    "FactoryWrapper",
    "Faker",
    "FileField",
    "FunctionDeclarationLike",
    "ImageField",
    "LazyAttribute",
    "LazyFunction",
    "List",
    "Maybe",
    "MaybeLike",
    "OptionDefault",
    "Password",
    "PostGeneration",
    "PostGenerationDeclaration",
    "RelatedFactory",
    "RelatedFactoryLike",
    "Resolver",
    "SelfAttribute",
    "SelfAttributeLike",
    "Sequence",
    "SequenceCounter",
    "StepBuilder",
    "StepBuilderLike",
    "SubFactory",
    "SubFactoryLike",
    "Trait",
    "TraitLike",
    "Transformer",
    "TransformerLike",
    "adjusts_kwargs",
    "builder",
    "builds_plainly",
    "declaration_defaults",
    "declaration_function",
    "declarations",
    "declared_values",
    "deepgetattr",
    "default_faker_locale",
    "enums",
    "factory_django",
    "factory_errors",
    "get_builder_phase",
    "get_random_state",
    "maybe_parts",
    "parse_declarations",
    "plans_of",
    "prepares_arguments_plainly",
    "randgen",
    "reseed_fakers",
    "reseed_random",
    "resolver_step",
    "resolver_values",
    "self_attribute_parts",
    "sequence_counter",
    "sequence_next",
    "set_random_state",
    "set_sequence_next",
    "sub_factory_parts",
    "trait_overrides",
    "transformer_default",
]

# -- the shapes of factory_boy's untyped objects that the package reads -------------------------


class DeclarationWithContextLike(Protocol):
    """``factory.builder.DeclarationWithContext``: one entry of a declaration set."""

    @property
    def name(self) -> str: ...
    @property
    def declaration(self) -> object: ...
    @property
    def context(self) -> Kwargs: ...


class DeclarationSetLike(Protocol):
    """``factory.builder.DeclarationSet``: a factory's pre- or post-declarations."""

    declarations: Kwargs
    contexts: Mapping[str, Kwargs]

    def sorted(self) -> list[str]: ...
    def as_dict(self) -> Kwargs: ...
    def __getitem__(self, key: str) -> DeclarationWithContextLike: ...
    def __iter__(self) -> Iterator[str]: ...
    def __contains__(self, key: object) -> bool: ...


class FactoryOptionsLike(Protocol):
    """``factory.base.FactoryOptions`` (a factory's ``_meta``), as far as the package reads it."""

    factory: FactoryClass
    model: object  # a model class, or a name the backend resolves (Django's "app.Model")
    abstract: bool
    parameters: Kwargs
    pre_declarations: DeclarationSetLike
    post_declarations: DeclarationSetLike
    counter_reference: FactoryOptionsLike  # the options whose counter the sequences share
    exclude: Collection[str]  # Meta.exclude: fields not passed to the model
    rename: Mapping[str, str]  # Meta.rename: a field name to the model's argument name
    inline_args: Collection[str]  # Meta.inline_args: fields passed positionally

    def get_model_class(self) -> ModelClass: ...
    def next_sequence(self) -> int: ...
    def prepare_arguments(self, attributes: Kwargs) -> tuple[Args, Kwargs]: ...
    def instantiate(self, step: BuildStepLike, args: Args, kwargs: Kwargs) -> Instance: ...
    def use_postgeneration_results(
        self, step: BuildStepLike, instance: Instance, results: Kwargs
    ) -> None: ...


class StepBuilderLike(Protocol):
    """``factory.builder.StepBuilder``: one factory's build within a call."""

    factory_meta: FactoryOptionsLike
    extras: Kwargs
    strategy: str
    force_init_sequence: int | None

    def recurse(self, factory_meta: object, extras: Kwargs) -> StepBuilderLike: ...
    def build(
        self, parent_step: BuildStepLike | None = None, force_sequence: int | None = None
    ) -> Instance: ...


class BuildStepLike(Protocol):
    """``factory.builder.BuildStep``: the object under construction and its parents."""

    builder: StepBuilderLike
    sequence: int
    attributes: Kwargs
    parent_step: BuildStepLike | None
    stub: Any  # factory_boy's Resolver over the attributes; the fast path sets its own

    def recurse(
        self, factory: FactoryClass, declarations: Kwargs, force_sequence: int | None = None
    ) -> Instance: ...


class DeclarationLike(Protocol):
    """``factory.declarations.BaseDeclaration``: any declaration of factory_boy's."""

    #: The keyword arguments it was made with: the context its evaluation receives (a
    #: SubFactory's: the field values it passes to its factory).
    _defaults: Kwargs


class FunctionDeclarationLike(Protocol):
    """``Sequence``, ``LazyFunction``, ``LazyAttribute``: a declaration around one function."""

    function: Function


class SelfAttributeLike(Protocol):
    """``factory.SelfAttribute("..name", default)``, parsed by its constructor."""

    depth: int  # how many leading dots: 1 reads the object itself, 2 its parent, ...
    attribute_name: str  # the dotted path without the leading dots

    @property
    def default(self) -> object: ...


class _FactoryWrapperLike(Protocol):
    def get(self) -> FactoryClass: ...


class SubFactoryLike(DeclarationLike, Protocol):
    """``factory.SubFactory`` (and ``Dict`` / ``List``, which subclass it)."""

    # ``Dict`` and ``List`` build their item "factory" with the parent's sequence number.
    @property
    def FORCE_SEQUENCE(self) -> bool: ...

    @property
    def factory_wrapper(self) -> _FactoryWrapperLike: ...


class RelatedFactoryLike(Protocol):
    """``factory.RelatedFactory`` (and ``RelatedFactoryList``)."""

    defaults: Kwargs  # the field values passed to the related factory

    def get_factory(self) -> FactoryClass: ...


class MaybeLike(Protocol):
    """``factory.Maybe(decider, yes, no)``."""

    @property
    def decider(self) -> object: ...
    @property
    def yes(self) -> object: ...
    @property
    def no(self) -> object: ...


class TransformerLike(Protocol):
    """``factory.Transformer(default, transform=...)``."""

    @property
    def default(self) -> object: ...


class TraitLike(Protocol):
    """``factory.Trait(**overrides)``."""

    overrides: Kwargs


# -- typed access to the internals ------------------------------------------------------------


def declaration_defaults(declaration: BaseDeclaration) -> Kwargs:
    """The keyword arguments ``declaration`` was made with (not a copy: do not change it).

    A SubFactory's or RelatedFactory's are the field values it passes to its factory (the
    RelatedFactory keeps them apart, as ``defaults``); any other declaration's are the context
    its evaluation receives.
    """
    if isinstance(declaration, RelatedFactory):
        related: RelatedFactoryLike = declaration
        return related.defaults
    base: DeclarationLike = declaration
    return base._defaults


def declaration_function(
    declaration: Sequence | LazyFunction | LazyAttribute,
) -> Function:
    """The function a ``Sequence`` / ``LazyFunction`` / ``LazyAttribute`` calls."""
    wrapped: FunctionDeclarationLike = declaration
    return wrapped.function


def self_attribute_parts(declaration: SelfAttribute) -> tuple[int, str, object]:
    """``(depth, attribute_name, default)`` of a SelfAttribute: ``"..a.b"`` is ``(2, "a.b")``."""
    parsed: SelfAttributeLike = declaration
    return parsed.depth, parsed.attribute_name, parsed.default


def sub_factory_parts(
    declaration: SubFactory,
) -> tuple[Callable[[], FactoryClass], Kwargs, bool]:
    """What building a SubFactory's object needs, read once.

    ``(get_factory, defaults, force_sequence)``: the function ``get_factory`` calls (the
    wrapper's ``get``: one call, not two), a copy of the field values it passes, and whether
    the object takes its parent's sequence number (``Dict`` / ``List``).
    """
    sub: SubFactoryLike = declaration
    return sub.factory_wrapper.get, dict(sub._defaults), bool(sub.FORCE_SEQUENCE)


def maybe_parts(declaration: Maybe) -> tuple[object, object, object]:
    """``(decider, yes, no)`` of a ``Maybe`` (each a declaration or a plain value)."""
    maybe: MaybeLike = declaration
    return maybe.decider, maybe.yes, maybe.no


def transformer_default(declaration: Transformer) -> object:
    """The value (or declaration) a ``Transformer`` transforms when not overridden."""
    transformer: TransformerLike = declaration
    return transformer.default


def trait_overrides(trait: Trait) -> Kwargs:
    """The field values a ``Trait`` sets when it is on (not a copy: do not change it)."""
    parsed: TraitLike = trait
    return parsed.overrides


def declared_values(factory: object) -> list[object]:
    """The declarations and parameters ``factory`` declares (with its bases'), as values.

    An object that is not a factory declares nothing.
    """
    meta = getattr(factory, "_meta", None)
    return [
        *getattr(meta, "base_declarations", {}).values(),
        *getattr(meta, "parameters", {}).values(),
    ]


def parse_declarations(
    extras: Kwargs,
    *,
    base_pre: DeclarationSetLike | None = None,
    base_post: DeclarationSetLike | None = None,
) -> tuple[DeclarationSetLike, DeclarationSetLike]:
    """``factory.builder.parse_declarations``: the (pre, post) sets with ``extras`` applied."""
    pre, post = builder.parse_declarations(extras, base_pre=base_pre, base_post=base_post)
    return pre, post


def plans_of(declarations: DeclarationSetLike) -> dict[Any, Any]:
    """A dict kept on a factory's own ``DeclarationSet``, for the fast path's plans.

    Kept on the object rather than in a weak map: it dies with the factory class, and
    reading it costs one attribute lookup where a ``WeakKeyDictionary`` makes a weak
    reference per lookup (once per object built).
    """
    try:
        plans: dict[Any, Any] = declarations._async_factory_boy_plans  # type: ignore[attr-defined]  # our own attribute, kept on factory_boy's object
    except AttributeError:
        plans = declarations._async_factory_boy_plans = {}  # type: ignore[attr-defined]  # our own attribute, kept on factory_boy's object
    return plans


def adjusts_kwargs(factory: FactoryClass) -> bool:
    """Whether ``factory`` overrides factory_boy's ``_adjust_kwargs`` extension point."""
    return getattr(factory._adjust_kwargs, "__func__", None) is not _BASE_ADJUST_KWARGS


def builds_plainly(factory: FactoryClass) -> bool:
    """Whether ``factory._build`` is factory_boy's own (``model_class(*args, **kwargs)``)."""
    return getattr(factory._build, "__func__", None) is _BASE_BUILD


def prepares_arguments_plainly(options: FactoryOptionsLike) -> bool:
    """Whether ``options.prepare_arguments`` is factory_boy's own, not an override."""
    return getattr(options.prepare_arguments, "__func__", None) is FactoryOptions.prepare_arguments


_BASE_ADJUST_KWARGS = Factory._adjust_kwargs.__func__  # type: ignore[attr-defined]  # mypy types a classmethod as a bound method, hiding __func__
_BASE_BUILD = Factory._build.__func__  # type: ignore[attr-defined]  # mypy types a classmethod as a bound method, hiding __func__


def resolver_step(resolver: Resolver) -> BuildStepLike:
    """The BuildStep a Resolver belongs to (factory_boy keeps it name-mangled)."""
    step: BuildStepLike = resolver._Resolver__step
    return step


def resolver_values(resolver: Resolver) -> Kwargs:
    """A Resolver's cache of resolved values (name-mangled), to store an awaited result."""
    values: Kwargs = resolver._Resolver__values
    return values


def sequence_counter(factory: FactoryClass) -> FactoryClass:
    """The factory whose counter ``factory``'s sequences draw from: factory_boy shares one
    counter between a factory and its subclasses for the same model (``counter_reference``)."""
    reference: FactoryClass = factory._meta.counter_reference.factory
    return reference


def sequence_next(factory: FactoryClass) -> int:
    """The sequence number ``factory`` will hand out next (without taking it)."""
    meta = factory._meta.counter_reference
    meta._initialize_counter()
    value: int = meta._counter.seq
    return value


def set_sequence_next(factory: FactoryClass, value: int) -> None:
    """Make ``value`` the next sequence number of ``factory``'s (shared) counter."""
    factory._meta.counter_reference.reset_sequence(value, force=True)


def default_faker_locale() -> str:
    """The locale ``factory.Faker("...")`` uses when none is given."""
    locale: str = Faker._DEFAULT_LOCALE
    return locale


def reseed_fakers(seed: int) -> None:
    """Reseed every Faker that ``factory.Faker`` made. Most share ``faker.generator.random``,
    which :func:`reseed_random` already set; one with ``seed_instance()`` has its own."""
    for proxy in Faker._FAKER_REGISTRY.values():
        for generator in proxy.factories:
            generator.seed_instance(seed)


_DJANGO_NAMES = frozenset({"DjangoOptions", "FileField", "ImageField", "Password"})


def __getattr__(name: str) -> object:
    # factory.django imports Django: only the Django backend asks for these names.
    if name == "factory_django" or name in _DJANGO_NAMES:
        from factory import django as factory_django

        return factory_django if name == "factory_django" else getattr(factory_django, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
