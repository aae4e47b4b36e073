"""factory_boy's builder, taught to await values.

factory_boy's ``StepBuilder.build`` names ``BuildStep`` and ``Resolver`` at module level, so
awaiting declaration values needs these three small subclasses. ``StepBuilder.recurse`` uses
``self.__class__``, so every SubFactory / RelatedFactory reached from an async call is built by
them too. A factory made only of factory_boy's own declaration kinds is resolved along a plan
computed once (:mod:`._plan`); anything else is resolved here by factory_boy's own code
(parsing declarations, sequences, Traits, ``__`` overrides), unchanged.
"""

from __future__ import annotations

import weakref
from typing import Any

from . import _codegen, _plan
from ._awaiting import exhausted, is_awaitable, resolve_awaitable, treat_as_value
from ._bridge import cooperate
from ._compat import (
    BuildStepLike,
    FactoryOptions,
    builder,
    enums,
    resolver_step,
    resolver_values,
)
from ._sync_factories import refuse_sync_persistence
from ._types import Instance, Kwargs

__all__ = ["AsyncStepBuilder", "is_awaitable", "treat_as_value"]

# factory_boy re-parses a factory's declarations for every object it builds. Without
# overrides (every SubFactory without ``sub__field`` values, every object of a batch without
# keyword arguments) the result is the same each time, so it is parsed once per factory.
# Declaration sets are only read during a build (their contexts are copied before use).
_parsed_without_overrides: weakref.WeakKeyDictionary[Any, tuple[Any, Any]] = (
    weakref.WeakKeyDictionary()
)


def parse_declarations(factory_meta: Any, extras: Kwargs) -> tuple[Any, Any]:
    """The (pre, post) declaration sets of ``factory_meta`` with ``extras`` applied."""
    base_pre = factory_meta.pre_declarations
    base_post = factory_meta.post_declarations
    if extras:
        fresh: tuple[Any, Any] = builder.parse_declarations(
            extras, base_pre=base_pre, base_post=base_post
        )
        return fresh
    # Keyed by the factory's own declaration set, so that wrappers of a factory's options
    # (the seed command's collecting builder) share the entry of the factory they wrap.
    parsed = _parsed_without_overrides.get(base_pre)
    if parsed is None:
        parsed = _parsed_without_overrides[base_pre] = builder.parse_declarations(
            {}, base_pre=base_pre, base_post=base_post
        )
    return parsed


class AsyncResolver(builder.Resolver):
    """A Resolver that awaits awaitable declaration values, once, and keeps the result."""

    def __init__(self, declarations: Any, step: builder.BuildStep, sequence: int) -> None:
        super().__init__(declarations=declarations, step=step, sequence=sequence)  # type: ignore[no-untyped-call]  # factory_boy's method is unannotated

    def __getattr__(self, name: str) -> Any:
        try:
            value = super().__getattr__(name)  # type: ignore[no-untyped-call]  # factory_boy's method is unannotated
        except StopIteration as exc:
            exhausted(exc, "the declaration", name, resolver_step(self))
        if is_awaitable(value):
            value = resolve_awaitable(value, f"the value of {name!r}", resolver_step(self))
            # Store the result so a spent coroutine is never awaited twice.
            resolver_values(self)[name] = value
        return value


class AsyncBuildStep(builder.BuildStep):
    """A BuildStep that resolves its declarations with :class:`AsyncResolver`."""

    def __init__(
        self, builder: AsyncStepBuilder, sequence: int, parent_step: builder.BuildStep | None
    ) -> None:
        super().__init__(builder=builder, sequence=sequence, parent_step=parent_step)  # type: ignore[no-untyped-call]  # factory_boy's method is unannotated

    def resolve(self, declarations: Any) -> None:
        self.stub = AsyncResolver(declarations=declarations, step=self, sequence=self.sequence)
        for field_name in declarations:
            self.attributes[field_name] = getattr(self.stub, field_name)


class AsyncStepBuilder(builder.StepBuilder):
    """factory_boy's StepBuilder, with awaitable attribute and post-generation values."""

    def __init__(self, factory_meta: Any, extras: Kwargs, strategy: str) -> None:
        # factory_boy's __init__, without a second call per object.
        self.factory_meta = factory_meta
        self.strategy = strategy
        self.extras = extras
        self.force_init_sequence = extras.pop("__sequence") if "__sequence" in extras else None

    def _generate_and_build(
        self, plan: _plan.Plan, parent_step: BuildStepLike | None, force_sequence: int | None
    ) -> Instance:
        """A build along ``plan`` before it has generated code (with code generation on):
        the plan's loop, until its :data:`._codegen.HOT_AFTER`-th object generates it."""
        plan.uses += 1
        if plan.uses < _codegen.HOT_AFTER:
            return _plan.build(self, plan, parent_step, force_sequence)
        builds = _codegen.generate(
            plan, self.factory_meta, AsyncStepBuilder, refuse_sync_persistence
        )
        if builds is None:
            plan.generated_for = _plan.NOT_GENERATED
            return _plan.build(self, plan, parent_step, force_sequence)
        generated, plan.generated_child = builds
        plan.generated = generated
        plan.generated_for = type(self.factory_meta)
        return generated(self, parent_step, force_sequence)

    def build(self, parent_step: Any = None, force_sequence: int | None = None) -> Any:
        if parent_step is not None:
            if self.strategy == enums.CREATE_STRATEGY:
                refuse_sync_persistence(self.factory_meta, parent_step)
            if self.extras:  # ``company__nmae=``: the sub-factory's keywords, checked as its own
                check_nested = getattr(self.factory_meta.factory, "_check_keywords", None)
                if check_nested is not None:
                    check_nested(self.extras, parent_step.builder.factory_meta.factory)
        plan = _plan.plan_for(self.factory_meta, self.extras)
        if plan is not None:
            if _codegen.ENABLED:
                generated = plan.generated
                if generated is not None and plan.generated_for is type(self.factory_meta):
                    return generated(self, parent_step, force_sequence)
                if plan.generated_for is None:
                    return self._generate_and_build(plan, parent_step, force_sequence)
            return _plan.build(self, plan, parent_step, force_sequence)
        pre, post = parse_declarations(self.factory_meta, self.extras)

        if force_sequence is not None:
            sequence = force_sequence
        elif self.force_init_sequence is not None:
            sequence = self.force_init_sequence
        else:
            sequence = self.factory_meta.next_sequence()

        step = AsyncBuildStep(builder=self, sequence=sequence, parent_step=parent_step)
        step.resolve(pre)
        args, kwargs = self.factory_meta.prepare_arguments(step.attributes)
        return _plan.finish_build(
            step,
            args,
            kwargs,
            ((name, post[name].declaration, post[name].context) for name in post.sorted()),
        )


def build_many(
    factory_meta: FactoryOptions, overrides: Kwargs, strategy: str, size: int
) -> list[Instance]:
    """``AsyncStepBuilder(factory_meta, dict(overrides), strategy).build()`` ``size`` times.

    Without overrides (the commonest batch), each object goes straight to its plan's
    generated build, as :meth:`AsyncStepBuilder.build` would send it there (no parent
    step, so no check before the plan), without the builder's ``__init__``, its ``build``
    and :func:`._plan.plan_for` per object (and without a builder at all where the plan
    has an entry that reads none, see :data:`._plan.GeneratedChild`); anything else takes
    ``build``.
    """
    objects: list[Instance] = []
    append = objects.append
    if overrides:
        for index in range(size):
            append(AsyncStepBuilder(factory_meta, dict(overrides), strategy).build())
            if not index & 7:
                cooperate()
        return objects
    options_class = type(factory_meta)
    new = object.__new__
    # The plan's generated build (or its entry without a builder) as last found, with the
    # declaration set it was found for: taken again while that set is the factory's (the
    # plan of a set never changes) and the switches are on.
    known_declarations: object = None
    known_entry: _plan.GeneratedChild | None = None
    known_build: _plan.Generated | None = None
    for index in range(size):
        if (
            known_declarations is not None
            and factory_meta.pre_declarations is known_declarations
            and _plan.ENABLED
            and not _plan.LOGGED
            and _codegen.ENABLED
        ):
            if known_entry is not None:  # a build that reads no builder: none made
                append(known_entry(factory_meta, strategy, None))
            else:
                builder = new(AsyncStepBuilder)
                builder.factory_meta = factory_meta
                builder.strategy = strategy
                builder.extras = {}
                builder.force_init_sequence = None
                append(known_build(builder, None, None))  # type: ignore[misc]  # noted with the set
        else:
            plan = None
            if _plan.ENABLED and not _plan.LOGGED and _codegen.ENABLED:
                # ``plan_for``'s look-up of the key ``()``, without the call (and without
                # ``contextlib.suppress``, a context manager per object).
                try:
                    declarations = factory_meta.pre_declarations
                    plan = declarations._async_factory_boy_plans[()]  # type: ignore[attr-defined]  # our own attribute, see plans_of
                except (AttributeError, KeyError):
                    pass  # no plan made yet: ``build`` makes it
                else:
                    if plan is not None and plan.generated_for is options_class:
                        known_declarations = declarations
                        known_entry, known_build = plan.generated_child, plan.generated
            append(AsyncStepBuilder(factory_meta, {}, strategy).build())
        if not index & 7:  # an event-loop turn every ~10 ms (the clock read every 8th
            cooperate()  # object): timeouts, cancellation and other tasks get through
    return objects
