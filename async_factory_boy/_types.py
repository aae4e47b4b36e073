"""The package's shared type aliases: the few places where ``Any`` is the honest type.

A factory builds objects of any model class of any library, from field values of any type:
what a model accepts is known to the model, not to this package. Those values are typed
``Any`` once, here, under a name that says what they are, instead of at every signature
that passes them along. Everything else in the package is typed with real types,
``object`` where nothing is assumed, or the Protocols of :mod:`._compat` for factory_boy's
untyped objects.

This module imports nothing at run time but :mod:`typing`: every layer may use it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

__all__ = [
    "Args",
    "FactoryClass",
    "Function",
    "Instance",
    "Kwargs",
    "ModelClass",
    "ReadKwargs",
]

#: The keyword arguments of a model or of a factory call: field (or option) name to value.
#: A call's overrides, a model's constructor arguments, a document's fields, the context of
#: a declaration, a backend's options by name: the values are whatever the model accepts.
Kwargs: TypeAlias = dict[str, Any]

#: :data:`Kwargs` that are only read (a call's connection arguments, a step's overrides).
ReadKwargs: TypeAlias = Mapping[str, Any]

#: The positional arguments of a model's constructor (factory_boy's ``inline_args``).
Args: TypeAlias = tuple[Any, ...]

#: A model class: any class of any library (an ORM model, a dataclass, a document, a dict).
ModelClass: TypeAlias = type[Any]

#: A factory class, as the core and the backends hand it around: factory_boy sets each
#: factory's ``_meta`` (options, among them each backend's own) at class creation, so the
#: options a backend reads are not known to type checkers.
FactoryClass: TypeAlias = type[Any]

#: One object a factory built: an instance of its model class, whose attributes the
#: backends read and set by the model's field names.
Instance: TypeAlias = Any

#: A user's function that factory_boy calls (a ``LazyFunction``, a ``Sequence``, a hook):
#: its arguments and result are the user's.
Function: TypeAlias = Callable[..., Any]
