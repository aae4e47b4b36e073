"""Code generated once per plan for the builder's per-object work (as attrs and cattrs do).

:func:`._plan.build` walks a plan's fields in a loop: per field it reads the field's kind,
dispatches on it, calls :func:`._plan._resolve`, and per object it sets up a
:class:`~._plan.FastResolver` and goes through :func:`._plan.finish_build`. For a batch of
thousands of objects of one plan the loop, the dispatch and those calls are most of the
cost of an object whose model constructor is cheap (a dataclass). Here, once per plan, the
loop is unrolled into the source of one function (``exec``), with each field's kind, name
and payload as constants: the sequence number, the fields in order as locals, the model
called with its keyword arguments spelled out when the core's ``instantiate`` would call it
(or the backend scope's ``make`` when it would call that), and the builder, ``BuildStep``
and resolver made without a Python ``__init__``.

What the generated function keeps, so that nothing observable changes:

* a :class:`~._plan.FastResolver` whenever a field can read it (``LazyAttribute``,
  ``SelfAttribute``, a ``SubFactory`` whose object may read ``factory_parent``) or the
  options' ``instantiate`` is not inlined; each field checks first whether a LazyAttribute
  read it already, and the kinds that read the resolver are marked pending, so on-demand
  resolution, ``CyclicDefinitionError`` and the resolver's AttributeError messages are
  the resolver's own;
* factory_boy's sequence semantics: ``force_sequence``, ``__sequence``, and
  ``next_sequence`` (inlined as ``_Counter.next`` on the options' counter only when both
  are factory_boy's own and the counter is set up, else called: a subclass shares its
  parent's counter object and ``reset_sequence`` resets that object, so both read the
  same ``seq``);
* the awaiting of awaitable values and the ``exhausted`` report of a ``StopIteration``;
* ``SubFactory`` objects built as the child's builder builds them: without overrides, the
  child's ``recurse`` / ``__init__`` / ``build`` / plan look-up are inlined down to the
  child plan's own generated function when it has one (``build`` itself otherwise).

A plan gets a generated function only when every field is of a kind inlined here
(``VALUE``, ``OVERRIDE``, ``SEQUENCE``, ``LAZY_FUNCTION``, ``LAZY_ATTRIBUTE``,
``SELF_ATTRIBUTE``, ``SUB_FACTORY``), it has no post-generation declaration, and its
keyword arguments need no ``prepare_arguments`` (see :attr:`._plan.Plan.keyword_names`);
every other plan keeps :func:`._plan.build`. ``ASYNC_FACTORY_BOY_CODEGEN=0`` in the
environment, or :data:`ENABLED` set to ``False``, turns generated code off (the plans and
their loop stay); ``ASYNC_FACTORY_BOY_FAST_PATH=0`` turns off the plans and so this too.
"""

from __future__ import annotations

import hashlib
import keyword
import linecache
import os
import sys
from collections.abc import Callable
from types import CodeType
from typing import Any

from . import _plan
from ._awaiting import awaitable_types, exhausted, is_awaitable, resolve_awaitable
from ._compat import (
    SKIP,
    BaseFactory,
    BuildStep,
    BuildStepLike,
    FactoryOptions,
    FactoryOptionsLike,
    FactoryWrapper,
    SequenceCounter,
    StepBuilder,
    deepgetattr,
    enums,
)

__all__ = ["ENABLED", "HOT_AFTER", "Generated", "GeneratedChild", "generate", "inline_options"]

#: Whether plans get generated code. ``ASYNC_FACTORY_BOY_CODEGEN=0`` turns it off for the
#: whole process; tests and the oracle flip this flag instead.
ENABLED: bool = os.environ.get("ASYNC_FACTORY_BOY_CODEGEN", "1") != "0"

#: A plan gets its generated build at its ``HOT_AFTER``-th object; the objects before go
#: through :func:`._plan.build`. Compiling a build costs about 1 ms, the loop's overhead of a
#: few hundred objects: a plan built a handful of times (a test's one ``create_async``) would
#: never win it back, a batch wins it back within its first thousand objects. Tests set 1.
HOT_AFTER = 32

#: Compiled builds by their source: plans of one shape (the same factory and override keys
#: with new declaration objects in the extras, a factory class made again at run time) share
#: one code object, each with its own constants. At most :data:`_MAX_CODES` are kept.
_codes: dict[str, CodeType] = {}
_MAX_CODES = 512

#: A plan's generated build (its type lives with :class:`._plan.Plan`, which holds it).
Generated = _plan.Generated
GeneratedChild = _plan.GeneratedChild

_K = _plan.Kind
# The kinds whose evaluation may read the resolver (and so resolve later fields first).
_READS_RESOLVER = (_K.LAZY_ATTRIBUTE, _K.SELF_ATTRIBUTE, _K.SUB_FACTORY)
_GENERATED_KINDS = (_K.VALUE, _K.OVERRIDE, _K.SEQUENCE, _K.LAZY_FUNCTION, *_READS_RESOLVER)

# factory_boy's counter, as the inlined ``next_sequence`` expects it.
_COUNTER_NEXT = SequenceCounter.next
_NEXT_SEQUENCE = FactoryOptions.next_sequence
_INITIALIZE_COUNTER = FactoryOptions._initialize_counter
_GET_MODEL_CLASS = FactoryOptions.get_model_class
_WRAPPER_GET = FactoryWrapper.get
# The constructors the generated code inlines.
_BUILD_STEP_INIT = BuildStep.__init__
_RESOLVER_INIT = _plan.FastResolver.__init__


def generate(
    plan: _plan.Plan,
    factory_meta: FactoryOptionsLike,
    builder_class: type[StepBuilder],
    refuse_sync_persistence: Callable[[FactoryOptionsLike, BuildStepLike], None],
) -> tuple[Generated, GeneratedChild | None] | None:
    """The generated build of ``plan`` for options of ``factory_meta``'s type, with its
    entry for a SubFactory's object when it has one (see :data:`._plan.GeneratedChild`:
    plans whose build reads no step), or ``None`` when the plan has something only
    :func:`._plan.build` does.

    ``builder_class`` (:class:`._builder.AsyncStepBuilder`) and ``refuse_sync_persistence``
    are what its ``build`` does for a SubFactory's object, which the generated code inlines
    (passed in: the builder imports this module).
    """
    if (
        plan.post
        or plan.keyword_names is None
        or any(field.kind not in _GENERATED_KINDS for field in plan.fields)
        or BuildStep.__init__ is not _BUILD_STEP_INIT  # patched: its own __init__ runs
        or _plan.FastResolver.__init__ is not _RESOLVER_INIT
    ):
        return None
    options_class = type(factory_meta)
    source, namespace = _Source(
        plan, options_class, builder_class, refuse_sync_persistence
    ).render()
    label = _label(factory_meta)
    source = f"# {label!r}\n{source}"  # shared by the plans of one factory only
    code = _codes.get(source)
    if code is None:
        if len(_codes) >= _MAX_CODES:
            _codes.clear()
        code = _codes[source] = compile(source, _filename(label, source), "exec")
    exec(code, namespace)  # our own source, built from the plan's constants
    generated: Generated = namespace["build"]
    return generated, namespace.get("build_child")


def _filename(label: str, source: str) -> str:
    """The generated build's file name, with its source put where tracebacks, ``inspect``
    and profilers look for it (``linecache``, as attrs and dataclasses do): an error raised
    through a generated build shows its lines. The digest keeps two shapes of one factory's
    plans apart."""
    digest = hashlib.blake2b(source.encode(), digest_size=4).hexdigest()
    filename = f"<generated build: {label} {digest}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    return filename


def _label(factory_meta: FactoryOptionsLike) -> str:
    factory = getattr(factory_meta, "factory", None)
    return getattr(factory, "__qualname__", repr(factory))


#: The core's options class (``_factory.ContractOptions``), whose ``instantiate`` and
#: ``use_postgeneration_results`` the generated code runs inline; ``_factory`` names it with
#: :func:`inline_options` when it defines it (it imports the builder, which imports this).
_contract_options: type | None = None


def inline_options(options_class: type) -> None:
    """Name the core's options class (see :data:`_contract_options`)."""
    global _contract_options
    _contract_options = options_class


def _inlines_contract(options_class: type) -> bool:
    """Whether ``options_class`` has the core's own ``instantiate`` and
    ``use_postgeneration_results`` (which the generated code then runs inline)."""
    contract = _contract_options
    if contract is None:
        return False
    return all(
        getattr(options_class, name, None) is getattr(contract, name)
        for name in ("instantiate", "use_postgeneration_results", "factory_steps")
    )


def _is_keyword(name: str) -> bool:
    """Whether ``name`` can be spelled as a keyword argument in generated source."""
    return name.isidentifier() and not keyword.iskeyword(name)


class _Source:
    """The source of one plan's generated build, and the constants it names."""

    def __init__(
        self,
        plan: _plan.Plan,
        options_class: type,
        builder_class: type[StepBuilder],
        refuse_sync_persistence: Callable[[FactoryOptionsLike, BuildStepLike], None],
    ) -> None:
        self.plan = plan
        self.lines: list[str] = []
        self.namespace: dict[str, Any] = {
            "BuildStep": BuildStep,
            "BaseFactory": BaseFactory,
            "AsyncStepBuilder": builder_class,
            "FastResolver": _plan.FastResolver,
            "set_resolver_state": _plan.FastResolver._FastResolver__state.__set__,  # type: ignore[attr-defined]  # the slot's descriptor
            "new": object.__new__,
            "finish_build": _plan.finish_build,
            "refuse_sync_persistence": refuse_sync_persistence,
            "exhausted": exhausted,
            "is_awaitable": is_awaitable,
            "resolve_awaitable": resolve_awaitable,
            "awaitable_types": awaitable_types,
            "deepgetattr": deepgetattr,
            "SKIP": SKIP,
            "str": str,
            "Counter": SequenceCounter,
            "BUILD": enums.BUILD_STRATEGY,
            "CREATE": enums.CREATE_STRATEGY,
            "plan": plan,
            "plan_module": _plan,
            "codegen_module": sys.modules[__name__],
        }
        self.inline_contract = _inlines_contract(options_class)
        self.inline_sequence = (
            getattr(options_class, "next_sequence", None) is _NEXT_SEQUENCE
            and getattr(options_class, "_initialize_counter", None) is _INITIALIZE_COUNTER
            and SequenceCounter.next is _COUNTER_NEXT
        )
        self.plain_model = getattr(options_class, "get_model_class", None) is _GET_MODEL_CLASS
        self.inline_child = builder_class.recurse is StepBuilder.recurse
        kinds = [field.kind for field in plan.fields]
        self.with_resolver = not self.inline_contract or any(
            kind in _READS_RESOLVER for kind in kinds
        )
        # Without a resolver, and with the core's ``instantiate`` inlined, nothing reads
        # the object's BuildStep on the plain build path: it is made only where something
        # does (an error message, an awaited value, the create path, a backend's ``make``).
        self.stepless = not self.with_resolver
        self.names = {field.name: f"v{index}" for index, field in enumerate(plan.fields)}
        #: Whether the function being rendered is the child entry (``build_child``): no
        #: builder until a step is needed, the strategy an argument, no sequence forced.
        self.child_entry = False
        self.strategy = "builder.strategy"
        #: How the SubFactory field being rendered spells its child's keywords dict.
        self.extra = "extra"

    def constant(self, prefix: str, index: int, value: object) -> str:
        name = f"{prefix}{index}"
        self.namespace[name] = value
        return name

    def line(self, depth: int, text: str) -> None:
        self.lines.append("    " * depth + text)

    def ensure_step(self, depth: int) -> None:
        """Where the BuildStep is read: made first, if the function goes without one (in
        the child entry, with the builder ``builder.recurse`` would have made)."""
        if self.stepless:
            self.line(depth, "if step is None:")
            if self.child_entry:
                self.line(depth + 1, "builder = new(AsyncStepBuilder)")
                self.line(depth + 1, "builder.factory_meta = factory_meta")
                self.line(depth + 1, "builder.strategy = strategy")
                self.line(depth + 1, "builder.extras = {}")
                self.line(depth + 1, "builder.force_init_sequence = None")
            self.line(depth + 1, "step = BuildStep(builder, sequence, parent_step)")

    def attributes(self, depth: int) -> None:
        """``step.attributes``: every field's value, as factory_boy's step holds them, for
        the paths that hand the step on (``instantiate``, ``finish_build``); on the plain
        build path nothing reads them."""
        pairs = ", ".join(f"{name!r}: {value}" for name, value in self.names.items())
        self.line(depth, f"step.attributes = {{{pairs}}}")

    def render(self) -> tuple[str, dict[str, Any]]:
        self.render_build()
        if self.stepless and not any(field.kind is _K.OVERRIDE for field in self.plan.fields):
            # A SubFactory's object without overrides reads no builder until it makes its
            # step: the same body, entered without one.
            self.line(0, "")
            self.child_entry = True
            self.strategy = "strategy"
            self.line(0, "def build_child(factory_meta, strategy, parent_step):")
            self.counter(1)
            self.body()
        return "\n".join(self.lines) + "\n", self.namespace

    def render_build(self) -> None:
        self.line(0, "def build(builder, parent_step, force_sequence):")
        self.line(1, "factory_meta = builder.factory_meta")
        self.sequence()
        self.body()

    def body(self) -> None:
        """The function's body after the sequence number."""
        if self.stepless:
            self.line(1, "step = None")
        else:
            # ``BuildStep(builder, sequence, parent_step)``: its __init__ is five assignments.
            self.line(1, "step = new(BuildStep)")
            self.line(1, "step.builder = builder")
            self.line(1, "step.sequence = sequence")
            self.line(1, "step.attributes = {}")
            self.line(1, "step.parent_step = parent_step")  # ``stub``: the resolver, below
        if self.with_resolver:
            self.line(1, "extras = builder.extras")
            self.line(1, "pending = []")
            # ``FastResolver(plan, step, extras, pending)`` without a Python __init__.
            self.line(1, "resolver = step.stub = new(FastResolver)")
            self.line(1, "set_resolver_state(resolver, (plan, step, extras, pending))")
            self.line(1, "resolved = resolver.__dict__")
        elif any(field.kind is _K.OVERRIDE for field in self.plan.fields):
            self.line(1, "extras = builder.extras")
        read_before = False  # whether an earlier field may have resolved later ones
        for index, field in enumerate(self.plan.fields):
            self.field(index, field, read_before)
            read_before = read_before or field.kind in _READS_RESOLVER
        if not self.inline_contract:
            self.attributes(1)
        self.keywords()
        self.instantiate()
        if self.with_resolver:
            self.line(1, "step.stub = None  # untied: see _plan.build")
        self.line(1, "return instance")

    def sequence(self) -> None:
        """``StepBuilder.build``'s choice of the sequence number."""
        self.line(1, "if force_sequence is not None:")
        self.line(2, "sequence = force_sequence")
        self.line(1, "elif builder.force_init_sequence is not None:")
        self.line(2, "sequence = builder.force_init_sequence")
        self.line(1, "else:")
        self.counter(2)

    def counter(self, depth: int) -> None:
        """The next number of the factory's sequence counter."""
        if not self.inline_sequence:
            self.line(depth, "sequence = factory_meta.next_sequence()")
            return
        # ``next_sequence`` is ``_initialize_counter()`` (nothing once ``_counter`` is set)
        # then ``_counter.next()``: both inlined on a set-up factory_boy counter.
        self.line(depth, "counter = factory_meta._counter")
        self.line(depth, "if type(counter) is Counter:  # not None, not a subclass")
        self.line(depth + 1, "sequence = counter.seq")
        self.line(depth + 1, "counter.seq = sequence + 1")
        self.line(depth, "else:")
        self.line(depth + 1, "sequence = factory_meta.next_sequence()")

    def field(self, index: int, field: _plan.Field, read_before: bool) -> None:
        """One field into ``v<index>``, as :func:`._plan._resolve` evaluates it."""
        value = f"v{index}"
        name = field.name
        kind = field.kind
        depth = 1
        if read_before and self.with_resolver:
            self.line(1, f"if {name!r} in resolved:")
            self.line(2, f"{value} = resolved[{name!r}]")
            self.line(1, "else:")
            depth = 2
        if kind is _K.VALUE:  # as _plan.build: used as it is, never awaited
            self.line(depth, f"{value} = {self.constant('c', index, field.payload)}")
            if self.with_resolver:
                self.line(depth, f"resolved[{name!r}] = {value}")
            return
        self.line(depth, "try:")
        inner = depth + 1
        if kind is _K.SEQUENCE:
            function = self.constant("f", index, field.payload)
            # ``int(n)`` of an int is ``n`` itself: the call only for anything else.
            self.line(
                inner,
                f"{value} = {function}(sequence if type(sequence) is int else int(sequence))",
            )
        elif kind is _K.LAZY_FUNCTION:
            self.line(inner, f"{value} = {self.constant('f', index, field.payload)}()")
        elif kind is _K.OVERRIDE:
            self.line(inner, f"{value} = extras[{field.payload!r}]")
        else:  # reads the resolver: pending while it runs
            self.line(inner, f"pending.append({name!r})")
            self.line(inner, "try:")
            self.resolver_kind(inner + 1, index, field, value)
            self.line(inner, "finally:")
            self.line(inner + 1, "pending.pop()")
        self.line(depth, "except StopIteration as exc:")
        self.ensure_step(depth + 1)
        self.line(depth + 1, f"exhausted(exc, 'the declaration', {name!r}, step)")
        self.line(depth, f"kind_of_value = type({value})")
        # A ``str`` (what most Sequence and LazyAttribute fields give) is never awaitable:
        # one identity test instead of the per-type cache's look-up.
        self.line(
            depth,
            "if kind_of_value is not str and (awaitable_types[kind_of_value] "
            f"if kind_of_value in awaitable_types else is_awaitable({value})):",
        )
        self.ensure_step(depth + 1)
        what = f"the value of {name!r}"
        self.line(depth + 1, f"{value} = resolve_awaitable({value}, {what!r}, step)")
        if self.with_resolver:
            self.line(depth, f"resolved[{name!r}] = {value}")

    def resolver_kind(self, depth: int, index: int, field: _plan.Field, value: str) -> None:
        """A LazyAttribute, SelfAttribute or SubFactory field, as :func:`._plan._evaluate`."""
        kind = field.kind
        if kind is _K.LAZY_ATTRIBUTE:
            self.line(depth, f"{value} = {self.constant('f', index, field.payload)}(resolver)")
            return
        if kind is _K.SELF_ATTRIBUTE:
            attribute, default = field.payload
            self.line(
                depth,
                f"{value} = deepgetattr(resolver, {attribute!r}, "
                f"{self.constant('d', index, default)})",
            )
            return
        get_factory, defaults, force_sequence = field.payload
        # ``{**defaults, **context}`` then the call's values in their slots.
        merged = {**defaults, **field.context}
        if merged:
            self.line(depth, f"extra = dict({self.constant('m', index, merged)})")
        elif field.slots:
            self.line(depth, "extra = {}")
        else:
            # No overrides for the child: its keywords dict is made only by the paths that
            # hand one on (the child entry takes none).
            self.extra = "{}"
        for sub, key in field.slots:
            self.line(depth, f"extra[{sub!r}] = extras[{key!r}]")
        known = None
        if self.inline_child and not merged and not field.slots and not force_sequence:
            # The child's entry as last found for this field: (factory, its options,
            # their parsed declarations, the entry). Taken again while the factory and its
            # declarations are the same objects (a plan of a declaration set never changes)
            # and the switches are on; anything else looks it up below and notes it.
            known = self.constant("known", index, [None, None, None, None])
        wrapper = getattr(get_factory, "__self__", None)
        if type(wrapper) is FactoryWrapper and FactoryWrapper.get is _WRAPPER_GET:
            # ``FactoryWrapper.get``: the factory once imported, else the import.
            wrapper_name = self.constant("w", index, wrapper)
            self.line(depth, f"factory = {wrapper_name}.factory")
            self.line(depth, "if factory is None:")
            self.line(depth + 1, f"factory = {wrapper_name}.get()")
        else:
            self.line(depth, f"factory = {self.constant('g', index, get_factory)}()")
        sequence = "step.sequence" if force_sequence else "None"
        if known is not None:
            self.line(
                depth,
                f"if (factory is {known}[0] and type(builder) is AsyncStepBuilder "
                f"and {known}[1].pre_declarations is {known}[2] and plan_module.ENABLED "
                "and not plan_module.LOGGED and codegen_module.ENABLED):",
            )
            self.line(depth + 1, f"child_meta = {known}[1]")
            self.line(depth + 1, "strategy = builder.strategy")
            self.line(depth + 1, "if strategy == CREATE:")
            self.line(depth + 2, "refuse_sync_persistence(child_meta, step)")
            self.line(depth + 1, f"{value} = {known}[3](child_meta, strategy, step)")
            self.line(depth, "elif not issubclass(factory, BaseFactory):  # factory_boy's error")
        else:
            self.line(depth, "if not issubclass(factory, BaseFactory):  # factory_boy's error")
        self.line(
            depth + 1, f"{value} = step.recurse(factory, {self.extra}, force_sequence={sequence})"
        )
        if not self.inline_child or merged or field.slots:
            # ``BuildStep.recurse`` without its per-call import.
            self.line(depth, "else:")
            self.line(
                depth + 1,
                f"{value} = builder.recurse(factory._meta, {self.extra}).build(step, {sequence})",
            )
            self.extra = "extra"
            return
        self.child(depth, value, sequence, known)
        self.extra = "extra"

    def child(self, depth: int, value: str, sequence: str, known: str | None) -> None:
        """A SubFactory's object without overrides: ``builder.recurse(...).build(...)``
        with both inlined, down to the child's own generated build when it has one.

        ``recurse`` is ``type(builder)(child_meta, extra, strategy=builder.strategy)``;
        :class:`~._builder.AsyncStepBuilder`'s ``__init__`` sets four attributes (no
        ``__sequence`` in an empty ``extra``); its ``build`` refuses a sync persistence
        factory under the create strategy, then looks the child's plan up (``()``, the key
        of empty extras, as :func:`._plan.plan_for` finds it) and runs its generated build.
        Anything else (another builder class, no plan or no generated code yet, factory
        debugging on) goes through ``build`` itself.
        """
        self.line(depth, "else:")
        depth += 1
        self.line(depth, "child_meta = factory._meta")
        self.line(depth, "if type(builder) is AsyncStepBuilder:")
        self.line(depth + 1, "child_plan = None")
        self.line(
            depth + 1,
            "if plan_module.ENABLED and not plan_module.LOGGED and codegen_module.ENABLED:",
        )
        self.line(depth + 2, "try:")
        self.line(
            depth + 3,
            "child_plan = child_meta.pre_declarations._async_factory_boy_plans[()]",
        )
        self.line(depth + 2, "except (AttributeError, KeyError):")
        self.line(depth + 3, "pass")
        self.line(
            depth + 1,
            "if child_plan is not None and child_plan.generated_for is type(child_meta):",
        )
        self.line(depth + 2, "strategy = builder.strategy")
        self.line(depth + 2, "if strategy == CREATE:")
        self.line(depth + 3, "refuse_sync_persistence(child_meta, step)")
        self.line(depth + 2, "entry = child_plan.generated_child")
        if sequence == "None":
            # The child's entry: its builder made only if its build reads one.
            self.line(depth + 2, "if entry is not None:")
            self.line(depth + 3, f"{value} = entry(child_meta, strategy, step)")
            if known is not None:
                self.line(
                    depth + 3,
                    f"{known}[:] = (factory, child_meta, child_meta.pre_declarations, entry)",
                )
            self.line(depth + 2, "else:")
            self.make_child(depth + 3)
            self.line(depth + 3, f"{value} = child_plan.generated(child, step, None)")
        else:
            self.make_child(depth + 2)
            self.line(depth + 2, f"{value} = child_plan.generated(child, step, {sequence})")
        self.line(depth + 1, "else:")
        self.make_child(depth + 2)
        self.line(depth + 2, f"{value} = child.build(step, {sequence})")
        self.line(depth, "else:")
        self.line(
            depth + 1,
            f"{value} = builder.recurse(child_meta, {self.extra}).build(step, {sequence})",
        )

    def make_child(self, depth: int) -> None:
        """``AsyncStepBuilder(child_meta, extra, strategy=builder.strategy)``, inlined."""
        self.line(depth, "child = new(AsyncStepBuilder)")
        self.line(depth, "child.factory_meta = child_meta")
        self.line(depth, "child.strategy = builder.strategy")
        self.line(depth, f"child.extras = {self.extra}")
        self.line(depth, "child.force_init_sequence = None")

    def keywords(self) -> None:
        """Whether a keyword argument is ``SKIP`` (left out of the model's arguments)."""
        keyword_names = self.plan.keyword_names or ()
        # A plain value is known now: only the computed ones are tested per object.
        fields = {field.name: field for field in self.plan.fields}
        tests = []
        for name in keyword_names:
            field = fields[name]
            if field.kind is _K.VALUE:
                if field.payload is SKIP:
                    tests = ["True"]
                    break
                continue
            tests.append(f"{self.names[name]} is SKIP")
        self.line(1, f"kwargs_skipped = {' or '.join(tests) or 'False'}")

    def kwargs(self, depth: int) -> None:
        """The model's keyword arguments: the plan's keyword names, without ``SKIP``."""
        keyword_names = self.plan.keyword_names or ()
        pairs = ", ".join(f"{name!r}: {self.names[name]}" for name in keyword_names)
        self.line(depth, f"kwargs = {{{pairs}}}")
        if keyword_names:
            self.line(depth, "if kwargs_skipped:")
            self.line(depth + 1, "kwargs = {k: v for k, v in kwargs.items() if v is not SKIP}")

    def instantiate(self) -> None:
        """``finish_build`` without post-generation declarations; the core's ``instantiate``
        and ``use_postgeneration_results`` inlined for the build strategy."""
        finish = "finish_build(step, (), kwargs, (), plan.builds_plainly)"
        if not self.inline_contract:
            self.kwargs(1)
            self.line(1, f"instance = {finish}")
            return
        model = "factory_meta.model" if self.plain_model else "factory_meta.get_model_class()"
        self.line(1, f"if {self.strategy} == BUILD:")
        self.line(2, "steps = factory_meta.steps or factory_meta.factory_steps()")
        self.line(2, "if steps.builds_plainly:")
        keyword_names = self.plan.keyword_names or ()
        if keyword_names and all(_is_keyword(name) for name in keyword_names):
            # The keywords spelled out: no dict to build and unpack (the same call).
            self.line(3, "if kwargs_skipped:")
            self.kwargs(4)
            self.line(4, f"instance = {model}(**kwargs)")
            self.line(3, "else:")
            arguments = ", ".join(f"{name}={self.names[name]}" for name in keyword_names)
            self.line(4, f"instance = {model}({arguments})")
        else:
            self.kwargs(3)
            self.line(3, f"instance = {model}(**kwargs)")
        self.line(2, "else:")
        # ContractOptions.instantiate's build path: the backend scope's ``make`` (the
        # SQLAlchemy backend's loader-style constructor, say), which takes no step.
        self.kwargs(3)
        self.line(3, "factory = factory_meta.factory")
        self.line(3, f"instance = factory._backend.scope.make(factory, {model}, (), kwargs)")
        self.line(2, "if steps.overridden:  # ContractOptions.use_postgeneration_results")
        self.line(
            3, "factory_meta.factory._after_postgeneration(instance, create=False, results={})"
        )
        self.line(1, "else:")
        self.ensure_step(2)
        self.attributes(2)
        self.kwargs(2)
        self.line(2, f"if {self.strategy} == CREATE:")
        # ``finish_build`` of an object without post-generation declarations, for options
        # that are not factory_boy's own: ``instantiate``, then the core's
        # ``use_postgeneration_results`` inline.
        self.line(3, "instance = factory_meta.instantiate(step=step, args=(), kwargs=kwargs)")
        self.line(3, "steps = factory_meta.steps or factory_meta.factory_steps()")
        self.line(3, "if steps.scope_after or steps.overridden:")
        self.line(
            4, "factory_meta.factory._after_postgeneration(instance, create=True, results={})"
        )
        self.line(2, "else:")
        self.line(3, f"instance = {finish}")
