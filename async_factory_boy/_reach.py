"""The factories a factory reaches through its declarations (no database library needed)."""

from __future__ import annotations

from ._compat import (
    declaration_defaults,
    declarations,
    declared_values,
    maybe_parts,
    trait_overrides,
)
from ._types import FactoryClass

__all__ = ["reached_factories", "reached_from"]


def reached_from(factory: FactoryClass) -> list[FactoryClass]:
    """Every factory class the declarations of ``factory`` name, transitively; ``factory``
    itself only when some declaration names it again (a tree's parent, say).

    SubFactory, RelatedFactory(List), List/Dict items, Maybe branches and Traits are
    followed; factories called from hooks cannot be seen.
    """
    seen: list[FactoryClass] = []
    factories: list[FactoryClass] = []
    values: list[object] = declared_values(factory)
    while factories or values:
        if values:
            value = values.pop()
            if isinstance(value, (declarations.SubFactory, declarations.RelatedFactory)):
                factories.append(value.get_factory())  # type: ignore[no-untyped-call]  # factory_boy's method is unannotated
                values.extend(declaration_defaults(value).values())
            elif isinstance(value, declarations.Maybe):
                values.extend(maybe_parts(value)[1:])
            elif isinstance(value, declarations.Trait):
                values.extend(trait_overrides(value).values())
            continue
        current = factories.pop()
        if current in seen or not isinstance(current, type):
            continue
        seen.append(current)
        values.extend(declared_values(current))
    return seen


def reached_factories(factory: FactoryClass) -> list[FactoryClass]:
    """``factory`` and every factory it reaches, each once, ``factory`` first."""
    return [factory, *(reached for reached in reached_from(factory) if reached is not factory)]
