"""The collection a Mongo factory writes to when its ``Meta`` does not name one.

The rule follows MongoEngine and ODMantic, so a project moving between them keeps its data:
the model class name in snake_case (``BlogPost`` -> ``blog_post``). A ``dict`` model has no
name of its own, so the factory's name stands in, without its ``Factory`` suffix
(``AuthorFactory`` -> ``author``).

An explicit ``Meta.collection`` is inherited by subclasses; a derived name follows the model,
so a subclass with another model class gets that model's collection.
"""

from __future__ import annotations

import re
from typing import Any

from ..._types import FactoryClass, ModelClass

__all__ = ["derive_collection_name", "resolve_collection"]

_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def snake_case(name: str) -> str:
    """``BlogPost`` -> ``blog_post``, ``HTTPLog`` -> ``http_log``."""
    return _WORD_BOUNDARY.sub("_", name).lower()


def derive_collection_name(model: ModelClass, factory: FactoryClass) -> str:
    """The default collection of ``factory`` whose ``Meta.model`` is ``model``."""
    if model is dict:
        name = factory.__name__
        if name.endswith("Factory") and name != "Factory":
            name = name[: -len("Factory")]
        return snake_case(name)
    return snake_case(model.__name__)


def resolve_collection(options: Any, meta: Any, base_meta: Any) -> tuple[str | None, bool]:
    """The collection of a factory's options, and whether it was derived (not explicit).

    ``options`` are the factory's freshly filled options, ``meta`` its own ``class Meta``
    (or ``None``) and ``base_meta`` the parent factory's options (or ``None``).
    """
    if meta is not None and "collection" in vars(meta):
        return options.collection, False
    base_derived = getattr(base_meta, "collection_derived", True)
    if options.collection is not None and not base_derived:
        return options.collection, False  # explicit on an ancestor: inherited
    if (
        options.collection is not None
        and base_meta is not None
        and not base_meta.abstract
        and base_meta.model is options.model
    ):
        return options.collection, True  # same model as a concrete parent: same collection
    if options.abstract or options.model is None:
        return None, True
    return derive_collection_name(options.model, options.factory), True
