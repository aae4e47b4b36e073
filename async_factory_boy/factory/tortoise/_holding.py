"""What a Tortoise factory's declarations say about its call's writes (cached per class).

- :func:`writes_one_object`: a single create that can write only its own object needs no
  transaction of its own (one INSERT is atomic by itself);
- :func:`has_post_declarations`: an object with post-generation declarations cannot wait
  for the bulk insert (its key is needed while the call runs).
"""

from __future__ import annotations

import weakref

from ..._compat import Faker, declarations
from ..._types import FactoryClass, ReadKwargs

__all__ = ["has_post_declarations", "writes_one_object"]

# Weak keys: factory classes made at run time (per test, parametrized) must not live on.
_post_declarations: weakref.WeakKeyDictionary[type, bool] = weakref.WeakKeyDictionary()


def has_post_declarations(factory_class: FactoryClass) -> bool:
    """Whether the factory declares post-generation declarations (cached per class)."""
    known = _post_declarations.get(factory_class)
    if known is None:
        known = _post_declarations[factory_class] = bool(
            factory_class._meta.post_declarations.as_dict()
        )
    return known


# Declarations that compute a value and write nothing (a LazyFunction that awaits another
# factory's create_async makes a call of its own, with its own transaction).
_PLAIN_DECLARATIONS: tuple[type, ...] = (
    declarations.LazyFunction,
    declarations.LazyAttribute,
    declarations.SelfAttribute,
    declarations.Iterator,
    declarations.Sequence,
    Faker,
)
_single_writers: weakref.WeakKeyDictionary[type, bool] = weakref.WeakKeyDictionary()


def writes_one_object(factory_class: FactoryClass, params: ReadKwargs) -> bool:
    """Whether creating one object of ``factory_class`` with ``params`` writes only it.

    True when the factory declares no SubFactory, RelatedFactory, Trait, Maybe or
    post-generation declaration (anything but plain value declarations) and the overrides
    add none and name no parameter.
    """
    meta = factory_class._meta
    known = _single_writers.get(factory_class)
    if known is None:
        known = _single_writers[factory_class] = not meta.post_declarations.as_dict() and all(
            isinstance(value, _PLAIN_DECLARATIONS)
            or not isinstance(value, declarations.BaseDeclaration)
            for value in meta.pre_declarations.as_dict().values()
        )
    if not known:
        return False
    parameters = meta.parameters
    return not any(
        name in parameters
        or "__" in name
        or (
            isinstance(value, declarations.BaseDeclaration)
            and not isinstance(value, _PLAIN_DECLARATIONS)
        )
        for name, value in params.items()
    )
