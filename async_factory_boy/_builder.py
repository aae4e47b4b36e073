"""factory_boy's builder, taught to await values.

factory_boy's ``StepBuilder.build`` names ``BuildStep`` and ``Resolver`` at module level, so
awaiting declaration values needs these three small subclasses. ``StepBuilder.recurse`` uses
``self.__class__``, so every SubFactory / RelatedFactory reached from an async call is built by
them too. Everything else (parsing declarations, sequences, Traits, ``__`` overrides) is
factory_boy's own code, unchanged.
"""

from __future__ import annotations

import types
import weakref
from typing import Any, NoReturn

from ._bridge import await_, in_bridge, run_coroutine
from ._compat import BuildStepLike, builder, resolver_step, resolver_values
from .errors import DeclarationExhaustedError, SyncCallError

__all__ = ["AsyncStepBuilder", "is_awaitable", "treat_as_value"]

# ``inspect.isawaitable`` costs an ABC check on every resolved attribute; a per-type cache
# keeps the async layer's overhead on plain values (ints, strings, models) to a dict lookup.
_awaitable_types: dict[type, bool] = {}
# Classes whose instances are awaitable but stand for themselves (see ``treat_as_value``).
_value_bases: tuple[type, ...] = ()


def treat_as_value(base: type) -> None:
    """Take instances of ``base`` (and its subclasses) as plain values, never awaiting them.

    For classes that define ``__await__`` only so that ``await obj`` gives ``obj`` back (an
    ORM model such as Tortoise's): awaiting them would cost a loop round trip per object,
    and a sync ``build()`` would refuse them. Backends call it once for their model base.
    """
    global _value_bases
    if base not in _value_bases:
        _value_bases = (*_value_bases, base)
        _awaitable_types.clear()


def is_awaitable(value: object) -> bool:
    """Whether ``value`` is awaitable (a coroutine, a Task, a Future, any ``__await__``)."""
    kind = type(value)
    known = _awaitable_types.get(kind)
    if known is None:
        known = _awaitable_types[kind] = hasattr(kind, "__await__") and not issubclass(
            kind, _value_bases
        )
    return known


def resolve_awaitable(value: Any, what: str, step: BuildStepLike) -> Any:
    """Await ``value`` through the bridge, or explain why a sync step cannot."""
    if not in_bridge():
        close = getattr(value, "close", None)
        if close is not None:
            close()
        factory_name = step.builder.factory_meta.factory.__name__
        raise SyncCallError(
            f"{factory_name}: {what} is awaitable, which a sync build() cannot wait for; "
            f"use `await {factory_name}.build_async()` (or create_async) instead."
        )
    if isinstance(value, types.CoroutineType):
        # Run the coroutine's frames inside the call's greenlet, so that sync code it
        # reaches (a SQLAlchemy lazy load in an ``async def`` hook) can await too.
        return run_coroutine(value)
    return await_(value)


def exhausted(exc: StopIteration, what: str, field: str, step: BuildStepLike) -> NoReturn:
    """Raise a named error for a declaration's StopIteration in an async step.

    Inside a factory call the StopIteration would leave the driver coroutine, which Python
    turns into a bare ``RuntimeError('coroutine raised StopIteration')``. A sync
    ``build()`` (outside the bridge) keeps factory_boy's behaviour: the StopIteration.
    """
    if not in_bridge():
        raise exc
    factory_name = step.builder.factory_meta.factory.__name__
    raise DeclarationExhaustedError(
        f"{factory_name}.{field}: {what} ran out of values (StopIteration), e.g. a "
        f"factory.Iterator(..., cycle=False) used more times than it has items; pass "
        f"{field}=... to the call, give the declaration more values or let it cycle.",
        factory_name=factory_name,
        field=field,
    ) from exc


# factory_boy re-parses a factory's declarations for every object it builds. Without
# overrides (every SubFactory without ``sub__field`` values, every object of a batch without
# keyword arguments) the result is the same each time, so it is parsed once per factory.
# Declaration sets are only read during a build (their contexts are copied before use).
_parsed_without_overrides: weakref.WeakKeyDictionary[Any, tuple[Any, Any]] = (
    weakref.WeakKeyDictionary()
)


def parse_declarations(factory_meta: Any, extras: dict[str, Any]) -> tuple[Any, Any]:
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
        super().__init__(declarations=declarations, step=step, sequence=sequence)  # type: ignore[no-untyped-call]

    def __getattr__(self, name: str) -> Any:
        try:
            value = super().__getattr__(name)  # type: ignore[no-untyped-call]
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
        super().__init__(builder=builder, sequence=sequence, parent_step=parent_step)  # type: ignore[no-untyped-call]

    def resolve(self, declarations: Any) -> None:
        self.stub = AsyncResolver(declarations=declarations, step=self, sequence=self.sequence)
        for field_name in declarations:
            self.attributes[field_name] = getattr(self.stub, field_name)


class AsyncStepBuilder(builder.StepBuilder):
    """factory_boy's StepBuilder, with awaitable attribute and post-generation values."""

    def __init__(self, factory_meta: Any, extras: dict[str, Any], strategy: str) -> None:
        super().__init__(factory_meta, extras, strategy)  # type: ignore[no-untyped-call]

    def build(self, parent_step: Any = None, force_sequence: int | None = None) -> Any:
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
        instance = self.factory_meta.instantiate(step=step, args=args, kwargs=kwargs)

        postgen_results = {}
        for declaration_name in post.sorted():
            declaration = post[declaration_name]
            try:
                result = declaration.declaration.evaluate_post(
                    instance=instance, step=step, overrides=declaration.context
                )
            except StopIteration as exc:
                exhausted(exc, "the post-generation declaration", declaration_name, step)
            if is_awaitable(result):  # an ``async def`` post_generation hook or method
                result = resolve_awaitable(
                    result, f"the post-generation hook {declaration_name!r}", step
                )
            postgen_results[declaration_name] = result
        self.factory_meta.use_postgeneration_results(
            instance=instance, step=step, results=postgen_results
        )
        return instance
