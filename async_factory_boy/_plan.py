"""The fast resolution path: a plan per (factory, override keys), evaluated by a lean resolver.

factory_boy builds every object the same generic way: it re-parses the factory's declarations
with the call's overrides into fresh ``DeclarationSet`` copies, then resolves each field
through ``Resolver.__getattr__`` and the declaration's ``evaluate_pre`` (which copies and
inspects a context dict even when it is empty). For a batch most of that work gives the same
answer for every object. Here it is done once:

* :func:`plan_for` parses the declarations once per factory and *set of override keys*,
  with a placeholder (:class:`_Slot`) in place of each override value. factory_boy's parse
  depends on the values only through their builder phase, so the parse of placeholders has
  the shape of every parse of plain values with those keys; each build substitutes its own
  values into the few places that hold a placeholder.
* :class:`FastResolver` resolves a field at most once, on demand, exactly where factory_boy's
  ``Resolver`` does (a LazyAttribute reading a later field resolves it first; a read of a
  field under resolution raises factory_boy's ``CyclicDefinitionError``). Resolved values
  live in the resolver's ``__dict__``, so reading one (``o.name`` in a LazyAttribute) is a
  plain attribute read.
* The commonest kinds (plain values, ``Sequence``, ``LazyFunction``, ``LazyAttribute``,
  ``SelfAttribute`` on the object itself, ``SubFactory``), with no per-field context, are
  evaluated inline as their own ``evaluate`` would; every other kind of factory_boy's
  (Faker, Iterator, Maybe and Traits, Dict / List, Transformer, RelatedFactory,
  post-generation, ...) through its own ``evaluate_pre`` / ``evaluate_post``, with this
  resolver as the ``instance`` factory_boy passes.

Declarations among the extras (a SubFactory's ``SelfAttribute("..x")`` defaults, a Trait's
``sub__field`` values, ``name=factory.Sequence(...)`` in a call) are part of the plan, keyed
by identity (see :func:`plan_for`). A factory with a declaration of a kind factory_boy does
not define (a user's subclass, another library's declaration) gets no plan: it is built by
factory_boy's resolver (:mod:`._builder`), as before this module existed. The same happens
for everything when ``ASYNC_FACTORY_BOY_FAST_PATH=0`` is set in the environment
or :data:`ENABLED` is set to ``False`` (for debugging, and for the oracle that runs factory_boy's
own suite both ways: ``tools/port_factory_boy_suite.py``).

A plan of the inline kinds only, without post-generation declarations, also gets :func:`build`
unrolled into a function generated once for it (:mod:`._codegen`, held by the plan:
:attr:`Plan.generated`); :func:`build` stays the path of every other plan, and of all of them
with ``ASYNC_FACTORY_BOY_CODEGEN=0``.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Callable, Iterable
from typing import Any

from ._awaiting import awaitable_types, exhausted, is_awaitable, resolve_awaitable
from ._compat import (
    SKIP,
    BaseFactory,
    BuildStep,
    BuildStepLike,
    DeclarationSetLike,
    FactoryOptions,
    FactoryOptionsLike,
    LazyAttribute,
    LazyFunction,
    Maybe,
    SelfAttribute,
    Sequence,
    StepBuilderLike,
    SubFactory,
    Transformer,
    adjusts_kwargs,
    builds_plainly,
    declaration_defaults,
    declaration_function,
    deepgetattr,
    enums,
    factory_errors,
    get_builder_phase,
    maybe_parts,
    parse_declarations,
    plans_of,
    prepares_arguments_plainly,
    self_attribute_parts,
    sub_factory_parts,
    transformer_default,
)
from ._logging import DEBUG, FACTORY_LOGGER, LOGGER
from ._types import Args, Instance, Kwargs

__all__ = [
    "ENABLED",
    "LOGGED",
    "NOT_GENERATED",
    "FastResolver",
    "Field",
    "Generated",
    "Kind",
    "Plan",
    "PostField",
    "build",
    "finish_build",
    "plan_for",
    "refresh_logged",
]

#: Whether factories get a plan at all. ``ASYNC_FACTORY_BOY_FAST_PATH=0`` turns the fast path
#: off for the whole process; tests and the oracle flip this flag instead.
ENABLED: bool = os.environ.get("ASYNC_FACTORY_BOY_FAST_PATH", "1") != "0"


class Kind(enum.Enum):
    """How a field is evaluated; each member says what its :attr:`Field.payload` is."""

    #: A plain value from the factory, used as it is (payload: the value).
    VALUE = enum.auto()
    #: A plain value from the factory that must be awaited, once (payload: the value).
    AWAITABLE_VALUE = enum.auto()
    #: A plain value passed to the call (payload: its key in the builder's extras).
    OVERRIDE = enum.auto()
    #: ``factory.Sequence`` (payload: its function, called with the sequence number).
    SEQUENCE = enum.auto()
    #: ``factory.LazyFunction`` (payload: its function, called without arguments).
    LAZY_FUNCTION = enum.auto()
    #: ``factory.LazyAttribute`` (payload: its function, called with the resolver).
    LAZY_ATTRIBUTE = enum.auto()
    #: ``factory.SelfAttribute`` on the object itself, one dot or none (payload:
    #: ``(attribute_name, default)``, the arguments of ``deepgetattr`` after the resolver).
    SELF_ATTRIBUTE = enum.auto()
    #: ``factory.SubFactory`` (payload: ``(get_factory, defaults, force_sequence)``, see
    #: :func:`._compat.sub_factory_parts`).
    SUB_FACTORY = enum.auto()
    #: Any other declaration of factory_boy's, or one of the above with a ``__`` context to
    #: unroll (payload: the declaration, evaluated by its own ``evaluate_pre``).
    GENERIC = enum.auto()


# The kinds as module globals: the resolver compares them by identity in its loop.
_VALUE = Kind.VALUE
_AWAITABLE_VALUE = Kind.AWAITABLE_VALUE
_OVERRIDE = Kind.OVERRIDE
_SEQUENCE = Kind.SEQUENCE
_LAZY_FUNCTION = Kind.LAZY_FUNCTION
_LAZY_ATTRIBUTE = Kind.LAZY_ATTRIBUTE
_SELF_ATTRIBUTE = Kind.SELF_ATTRIBUTE
_SUB_FACTORY = Kind.SUB_FACTORY
_GENERIC = Kind.GENERIC

# The kinds that are values, not declarations: nothing of factory_boy's evaluates them.
_PLAIN_KINDS = (_VALUE, _AWAITABLE_VALUE, _OVERRIDE)

# The declarations factory_boy's ``evaluate`` of which is inlined, only for exactly these
# classes (a subclass may override ``evaluate``).
_INLINE = {
    Sequence: _SEQUENCE,
    LazyFunction: _LAZY_FUNCTION,
    LazyAttribute: _LAZY_ATTRIBUTE,
    SubFactory: _SUB_FACTORY,
}


class _Slot:
    """Where an override value goes in a parsed plan: stands for ``extras[key]``."""

    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        self.key = key

    def __repr__(self) -> str:
        return f"<override {self.key!r}>"


#: Where a call's override values go in a field's context: (context key, extras key) pairs.
_Slots = tuple[tuple[str, str], ...]


class Field:
    """One pre-declaration of a plan, in the order factory_boy resolves them.

    A small class with ``__slots__`` rather than a tuple or ``NamedTuple``: the build loop
    reads ``kind``, ``name`` and ``payload`` of every field of every object, and a slot read
    is as fast as indexing a tuple (a NamedTuple's named read is slower, and so is unpacking
    one), without slicing a new tuple per field.
    """

    __slots__ = ("context", "kind", "name", "payload", "slots")

    def __init__(self, kind: Kind, name: str, payload: Any, context: Kwargs, slots: _Slots) -> None:
        #: How the field is evaluated.
        self.kind = kind
        #: The field's name (a model argument, a parameter or an excluded helper).
        self.name = name
        #: What evaluating ``kind`` needs, read off the declaration once (see :class:`Kind`).
        self.payload = payload
        #: The field's ``__`` context (``company__name=...``), placeholders for overrides.
        self.context = context
        #: Where this call's override values go in ``context`` (often empty).
        self.slots = slots

    def __repr__(self) -> str:
        return f"<Field {self.name!r}: {self.kind.name}>"


class PostField:
    """One post-generation declaration of a plan, in factory_boy's order."""

    __slots__ = ("context", "declaration", "name", "slots")

    def __init__(self, name: str, declaration: Any, context: Kwargs, slots: _Slots) -> None:
        self.name = name
        #: factory_boy's declaration: evaluated by its own ``evaluate_post``.
        self.declaration = declaration
        #: As :attr:`Field.context` and :attr:`Field.slots`.
        self.context = context
        self.slots = slots

    def __repr__(self) -> str:
        return f"<PostField {self.name!r}: {type(self.declaration).__name__}>"


#: A plan's generated build (see :mod:`._codegen`): ``(builder, parent_step, force_sequence)
#: -> instance``, what :func:`build` computes for the same arguments.
Generated = Callable[[StepBuilderLike, "BuildStepLike | None", "int | None"], Instance]

#: The entry of a generated build for a SubFactory's object without overrides, of a plan
#: whose build reads no step: ``(factory_meta, strategy, parent_step) -> instance``, what
#: the generated build gives for a fresh builder of ``factory_meta`` with ``strategy``
#: and no sequence forced; the builder (and step) are made only where something reads them.
GeneratedChild = Callable[[Any, str, "BuildStepLike | None"], Instance]


class Plan:
    """How one factory resolves with one set of override keys, computed once.

    What it reads off the factory class (``_adjust_kwargs``, ``_build``, ``Meta``) is read
    when the plan is made, at the factory's first build with these keys.
    """

    __slots__ = (
        "builds_plainly",
        "by_name",
        "fields",
        "generated",
        "generated_child",
        "generated_for",
        "keyword_names",
        "post",
        "uses",
    )

    def __init__(
        self,
        fields: tuple[Field, ...],
        post: tuple[PostField, ...],
        keyword_names: tuple[str, ...] | None,
        builds_plainly: bool,
    ) -> None:
        self.fields = fields
        self.by_name = {field.name: field for field in fields}
        self.post = post
        #: The fields passed to the model, when factory_boy's ``prepare_arguments`` would
        #: only drop parameters and ``Meta.exclude`` (no ``rename``, ``inline_args`` or
        #: ``_adjust_kwargs``); ``None`` to call ``prepare_arguments``.
        self.keyword_names = keyword_names
        #: Whether the factory's ``_build`` is factory_boy's own: the build strategy then
        #: calls the model class itself.
        self.builds_plainly = builds_plainly
        #: The options class :attr:`generated` was generated for (``None``: not tried yet;
        #: :data:`NOT_GENERATED`: the plan has something only :func:`build` does). Plans
        #: are shared by the wrappers of a factory's options, and the generated code
        #: inlines what the options class does, so it serves that one class.
        self.generated_for: object = None
        #: The plan's generated build (see :mod:`._codegen`), for ``generated_for``.
        self.generated: Generated | None = None
        #: Its entry for a SubFactory's object, when it has one (see :data:`GeneratedChild`).
        self.generated_child: GeneratedChild | None = None
        #: Objects built along the plan before it had generated code (see
        #: :data:`._codegen.HOT_AFTER`).
        self.uses = 0


def plan_for(factory_meta: FactoryOptionsLike, extras: Kwargs) -> Plan | None:
    """The plan of ``factory_meta`` for a call with ``extras``, or ``None`` for the slow path.

    Plain override values are placeholders in the plan. Declarations among the extras (a
    SubFactory's ``SelfAttribute("..x")`` defaults, a Trait's ``sub__field`` override) are
    part of it: they are the same objects at every call, so the plan is keyed by them too
    (by identity, holding them), up to :data:`_MAX_DECLARED_PLANS` such plans per factory;
    past that (new declaration objects at every call), calls take the slow path.
    """
    if not ENABLED:
        return None
    if not extras and not LOGGED:  # the commonest key, ``()``, found without building it
        try:
            found: Plan | None = factory_meta.pre_declarations._async_factory_boy_plans[()]  # type: ignore[attr-defined]  # our own attribute, see plans_of
        except (AttributeError, KeyError):
            pass  # no plan made yet: made below
        else:
            return found
    key: Args = tuple(extras)
    logged = LOGGED
    if logged:
        key = (_LOGGED, key)
    declared: Args | None = None
    if extras:
        for value in extras.values():
            if get_builder_phase(value) is not None:
                if type(value).__hash__ is not _IDENTITY_HASH:
                    return None  # cannot be keyed by identity
                declared = (*declared, value) if declared else (value,)
    # Kept on the factory's own declaration set (not its options), so that wrappers of a
    # factory's options (the seed command's capturing options) share the plans of the
    # factory they wrap, and so that a factory class made at run time takes its plans with
    # it when it dies: nothing in a plan refers back to the factory or its options.
    plans = plans_of(factory_meta.pre_declarations)
    if declared is not None:
        key = (key, declared)
    if key in plans:
        plan: Plan | None = plans[key]
        return plan
    if declared is not None and len(plans) >= _MAX_DECLARED_PLANS:
        return None
    plan = plans[key] = _make_plan(factory_meta, extras, inline=not logged)
    if LOGGER.isEnabledFor(DEBUG):
        LOGGER.debug(
            "%s: %s for override keys %s",
            factory_meta.factory.__name__,
            "no plan (factory_boy's resolver builds it)"
            if plan is None
            else f"resolved along a plan of {len(plan.fields)} fields "
            f"({'every declaration evaluated by factory_boy' if logged else 'fast path'})",
            sorted(extras),
        )
    return plan


_IDENTITY_HASH: object = object.__hash__

#: :attr:`Plan.generated_for` of a plan that gets no generated code.
NOT_GENERATED = object()

#: Whether factory_boy's declarations log their evaluations (``factory.debug()`` turns the
#: ``factory`` logger to DEBUG), as :func:`refresh_logged` last found. Plans made then
#: evaluate every declaration through factory_boy's own ``evaluate_pre``, so the fast path
#: shows the lines factory_boy's resolver shows; they are kept apart from the other plans
#: by the first element of their key.
LOGGED = False
_LOGGED = object()


def refresh_logged() -> None:
    """Read :data:`LOGGED` off the ``factory.generate`` logger again.

    Called once per factory call (and per sync ``build()`` / ``create()``), not per object:
    a logger check costs ~0.1 us, which per object (SubFactories included) would show in
    the benchmarks. Concurrent calls all read the same process-wide logging state.
    """
    global LOGGED
    LOGGED = FACTORY_LOGGER.isEnabledFor(DEBUG)


#: How many plans a factory keeps (for calls whose extras hold declarations, see plan_for).
_MAX_DECLARED_PLANS = 256


def _make_plan(
    factory_meta: FactoryOptionsLike, extras: Kwargs, inline: bool = True
) -> Plan | None:
    """The plan; with ``inline`` false, every declaration is a ``GENERIC`` field (its
    own ``evaluate_pre`` runs, and logs as factory_boy's resolver would have it)."""
    try:
        pre, post = parse_declarations(
            {
                key: value if get_builder_phase(value) is not None else _Slot(key)
                for key, value in extras.items()
            },
            base_pre=factory_meta.pre_declarations,
            base_post=factory_meta.post_declarations,
        )
    except factory_errors.FactoryError:
        return None  # the slow path raises the same error, with the real values
    fields = []
    for name in pre:
        declaration = pre.declarations[name]
        if not _is_own_kind(declaration):
            return None
        context, slots = _template(pre.contexts[name])
        kind = _kind(declaration, context)
        if not inline and kind not in _PLAIN_KINDS:
            kind = _GENERIC
        fields.append(Field(kind, name, _payload(kind, declaration), context, slots))
    post_fields = []
    for name in post.sorted():
        declaration = post.declarations[name]
        if not _is_own_kind(declaration):
            return None
        post_fields.append(PostField(name, declaration, *_template(post.contexts[name])))
    return Plan(
        tuple(fields),
        tuple(post_fields),
        _keyword_names(factory_meta, pre),
        builds_plainly(factory_meta.factory),
    )


def _keyword_names(
    factory_meta: FactoryOptionsLike, pre: DeclarationSetLike
) -> tuple[str, ...] | None:
    if (
        not prepares_arguments_plainly(factory_meta)
        or adjusts_kwargs(factory_meta.factory)
        or factory_meta.rename
        or factory_meta.inline_args
    ):
        return None
    hidden = set(factory_meta.exclude) | set(factory_meta.parameters)
    return tuple(name for name in pre if name not in hidden)


def _is_own_kind(declaration: object) -> bool:
    """Whether ``declaration`` is a plain value or one of factory_boy's own declarations."""
    if isinstance(declaration, _Slot) or get_builder_phase(declaration) is None:
        return True
    if type(declaration).__module__.partition(".")[0] != "factory":
        return False
    if isinstance(declaration, Maybe):
        return all(map(_is_own_kind, maybe_parts(declaration)))
    if isinstance(declaration, Transformer):
        return _is_own_kind(transformer_default(declaration))
    return True


def _template(context: Kwargs) -> tuple[Kwargs, _Slots]:
    slots = tuple((sub, value.key) for sub, value in context.items() if isinstance(value, _Slot))
    return dict(context), slots


def _kind(declaration: Any, context: Kwargs) -> Kind:
    if isinstance(declaration, _Slot):
        return _OVERRIDE
    if get_builder_phase(declaration) is None:
        # An awaitable class attribute is awaited (once) like any value: not inlined.
        return _AWAITABLE_VALUE if is_awaitable(declaration) else _VALUE
    kind = _INLINE.get(type(declaration), _GENERIC)
    if kind is _SUB_FACTORY:
        return kind  # SubFactory passes its context on unevaluated: nothing to unroll
    if context or declaration_defaults(declaration):
        return _GENERIC  # a context to unroll: factory_boy's evaluate_pre does it
    if type(declaration) is SelfAttribute and self_attribute_parts(declaration)[0] <= 1:
        kind = _SELF_ATTRIBUTE
    return kind


def _payload(kind: Kind, declaration: Any) -> Any:
    """What evaluating a field of ``kind`` needs, read off the declaration once."""
    if kind is _OVERRIDE:
        return declaration.key
    if kind in (_SEQUENCE, _LAZY_FUNCTION, _LAZY_ATTRIBUTE):
        return declaration_function(declaration)
    if kind is _SELF_ATTRIBUTE:
        return self_attribute_parts(declaration)[1:]
    if kind is _SUB_FACTORY:
        return sub_factory_parts(declaration)
    return declaration


def _context(template: Kwargs, slots: _Slots, extras: Kwargs) -> Kwargs:
    """A fresh context (declarations may consume it) with this call's override values."""
    context = dict(template)
    for sub, key in slots:
        context[sub] = extras[key]
    return context


class FastResolver:
    """The ``instance`` LazyAttribute & co. see: resolves a factory's fields on demand.

    It offers what factory_boy's ``Resolver`` offers: an attribute per declared field,
    computed once; ``factory_parent``; AttributeError for an unknown name; no assignment.
    Its own state is one name-mangled slot (one store per object), so that no field name
    can shadow it.
    """

    __slots__ = ("_FastResolver__state", "__dict__")

    def __init__(self, plan: Plan, step: BuildStepLike, extras: Kwargs, pending: list[str]) -> None:
        object.__setattr__(self, "_FastResolver__state", (plan, step, extras, pending))

    @property
    def factory_parent(self) -> object:
        """The resolver of the object this one is built for (through a SubFactory), if any."""
        parent = self.__state[1].parent_step
        return parent.stub if parent else None

    def __repr__(self) -> str:
        return f"<Resolver for {self.__state[1]!r}>"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Setting of object attributes is not allowed")

    def __getattr__(self, name: str) -> Any:
        plan, step, extras, pending = self.__state
        if name in pending:
            raise factory_errors.CyclicDefinitionError(
                f"Cyclic lazy attribute definition for {name!r}; cycle found in {pending!r}."
            )
        field = plan.by_name.get(name)
        if field is None:
            raise AttributeError(
                f"The parameter {name!r} is unknown. Evaluated attributes are "
                f"{self.__dict__!r}, definitions are {list(plan.by_name)!r}."
            )
        return _resolve(self, self.__dict__, field, step, extras, pending)


def _resolve(
    resolver: FastResolver,
    resolved: Kwargs,
    field: Field,
    step: BuildStepLike,
    extras: Kwargs,
    pending: list[str],
) -> Any:
    """Evaluate ``field`` as factory_boy would, await its value, keep it on ``resolver``.

    Only the kinds that can read the resolver (and so reach back into a field under
    resolution) are marked pending: a Sequence or LazyFunction never sees it.
    """
    kind = field.kind
    payload = field.payload
    name = field.name
    try:
        if kind is _SEQUENCE:
            value = payload(int(step.sequence))
        elif kind is _LAZY_FUNCTION:
            value = payload()
        elif kind is _OVERRIDE:
            value = extras[payload]
        elif kind is _VALUE or kind is _AWAITABLE_VALUE:
            value = payload
        else:
            pending.append(name)
            try:
                if kind is _LAZY_ATTRIBUTE:
                    value = payload(resolver)
                else:
                    value = _evaluate(field, resolver, step, extras)
            finally:
                pending.pop()
    except StopIteration as exc:
        exhausted(exc, "the declaration", name, step)
    kind_of_value = type(value)
    if awaitable_types[kind_of_value] if kind_of_value in awaitable_types else is_awaitable(value):
        value = resolve_awaitable(value, f"the value of {name!r}", step)
    resolved[name] = value
    return value


def _evaluate(field: Field, resolver: FastResolver, step: BuildStepLike, extras: Kwargs) -> Any:
    """Evaluate a declaration that may read ``resolver`` (its field is marked pending)."""
    kind = field.kind
    payload = field.payload
    if kind is _SELF_ATTRIBUTE:
        return deepgetattr(resolver, *payload)
    if kind is _SUB_FACTORY:
        get_factory, defaults, force_sequence = payload
        extra = {**defaults, **field.context}
        for sub, key in field.slots:
            extra[sub] = extras[key]
        factory = get_factory()
        sequence = step.sequence if force_sequence else None
        if not issubclass(factory, BaseFactory):
            return step.recurse(factory, extra, force_sequence=sequence)  # factory_boy's error
        # ``BuildStep.recurse`` without its per-call ``from . import base``.
        return step.builder.recurse(factory._meta, extra).build(
            parent_step=step, force_sequence=sequence
        )
    return payload.evaluate_pre(
        instance=resolver, step=step, overrides=_context(field.context, field.slots, extras)
    )


# Options classes whose ``instantiate`` and ``use_postgeneration_results`` are factory_boy's
# own (checked once per class): ``finish_build`` runs their bodies inline.
_PLAIN_OPTIONS: set[type] = set()
# ... and those whose methods are not (the core's ``ContractOptions``): found once too.
_OWN_OPTIONS: set[type] = set()


def _is_plain(options_class: type) -> bool:
    plain = (
        getattr(options_class, "instantiate", None) is FactoryOptions.instantiate
        and getattr(options_class, "use_postgeneration_results", None)
        is FactoryOptions.use_postgeneration_results
    )
    (_PLAIN_OPTIONS if plain else _OWN_OPTIONS).add(options_class)
    return plain


def build(
    builder: StepBuilderLike,
    plan: Plan,
    parent_step: BuildStepLike | None,
    force_sequence: int | None,
) -> Instance:
    """``StepBuilder.build`` along ``plan``: the object, its post-generation done."""
    factory_meta = builder.factory_meta
    if force_sequence is not None:
        sequence = force_sequence
    elif builder.force_init_sequence is not None:
        sequence = builder.force_init_sequence
    else:
        sequence = factory_meta.next_sequence()
    step: BuildStepLike = BuildStep(builder, sequence, parent_step)
    extras = builder.extras
    pending: list[str] = []
    resolver = step.stub = FastResolver(plan, step, extras, pending)
    resolved = resolver.__dict__
    attributes = step.attributes
    for field in plan.fields:
        name = field.name
        if field.kind is _VALUE:  # the commonest kind, without a call
            resolved[name] = attributes[name] = field.payload
            continue
        if name in resolved:  # read, so resolved, by an earlier field
            attributes[name] = resolved[name]
        else:
            attributes[name] = _resolve(resolver, resolved, field, step, extras, pending)
    names = plan.keyword_names
    if names is None:
        args, kwargs = factory_meta.prepare_arguments(attributes)
    else:
        args = ()
        kwargs = {name: attributes[name] for name in names if attributes[name] is not SKIP}
    post = (
        [
            (field.name, field.declaration, _context(field.context, field.slots, extras))
            for field in plan.post
        ]
        if plan.post
        else ()
    )
    instance = finish_build(step, args, kwargs, post, plan.builds_plainly)
    # The step and its resolver refer to each other; untied, both go with their last
    # reference instead of waiting for the cycle collector (its passes over a large batch
    # cost ~2 us per user-with-company). Nothing reads a finished step's resolver; a
    # resolver a declaration kept past the build answers ``factory_parent`` with None.
    step.stub = None
    return instance


def finish_build(
    step: BuildStepLike,
    args: Args,
    kwargs: Kwargs,
    post: Iterable[tuple[str, Any, Kwargs]],
    plain_build: bool = False,
) -> Instance:
    """Instantiate the model of ``step`` and run its post-generation declarations.

    Both resolution paths end here, so instantiation, awaiting async hooks and naming an
    exhausted post-generation declaration are one piece of code. ``plain_build``: the
    factory's ``_build`` is factory_boy's own (see :class:`Plan`).
    """
    factory_meta = step.builder.factory_meta
    options_class = type(factory_meta)
    plain_options = options_class in _PLAIN_OPTIONS or (
        options_class not in _OWN_OPTIONS and _is_plain(options_class)
    )
    if plain_options:
        # factory_boy's ``FactoryOptions.instantiate`` inlined (a wrapper of the options,
        # such as the seed command's, or a backend's own options class keeps its method).
        factory = factory_meta.factory
        strategy = step.builder.strategy
        model = factory_meta.get_model_class()
        if strategy == enums.BUILD_STRATEGY:
            instance = (
                model(*args, **kwargs) if plain_build else factory._build(model, *args, **kwargs)
            )
        elif strategy == enums.CREATE_STRATEGY:
            instance = factory._create(model, *args, **kwargs)
        else:
            instance = factory_meta.instantiate(step=step, args=args, kwargs=kwargs)
    else:
        instance = factory_meta.instantiate(step=step, args=args, kwargs=kwargs)
    results = {}
    for name, declaration, context in post:
        try:
            result = declaration.evaluate_post(instance=instance, step=step, overrides=context)
        except StopIteration as exc:
            exhausted(exc, "the post-generation declaration", name, step)
        if is_awaitable(result):  # an ``async def`` post_generation hook or method
            result = resolve_awaitable(result, f"the post-generation hook {name!r}", step)
        results[name] = result
    if plain_options:
        # ``FactoryOptions.use_postgeneration_results`` inlined, as ``instantiate`` above.
        create = step.builder.strategy == enums.CREATE_STRATEGY
        factory_meta.factory._after_postgeneration(instance, create=create, results=results)
    else:
        factory_meta.use_postgeneration_results(instance=instance, step=step, results=results)
    return instance
