"""Unknown keywords in a call: ``UserFactory.create_async(admn=True)`` is an error.

factory_boy passes every override it does not declare to the model's constructor, and what
happens next depends on the model: SQLAlchemy's default constructor raises a ``TypeError``
that names neither the factory nor the fix, a SQLModel (pydantic) model silently drops the
keyword, a misspelled connection argument (``sqlalchemy_sesion=``) ends as a confusing
"no session" error. Here a call's overrides are checked against what the factory and its
model accept, before anything is built, and a miss names the factory, the keyword and the
nearest valid name.

What is accepted is found once per factory class (:func:`keywords_of`, kept on its options):
the factory's declarations (derived ones included), ``Params``, ``Meta.rename`` names,
factory_boy's ``__sequence``, the connection arguments, and what the model's constructor
takes: a mapped class's attributes (SQLAlchemy declarative, imperative, SQLModel), a pydantic
model's fields and aliases, a dataclass's or attrs class's ``__init__`` parameters, a Django
model's fields (and the keywords of its own ``__init__`` or its manager's own ``create``).
A per-call check is then one subset test of the override names; only a name outside the
set is looked at further (``x__y`` by its root ``x``; SQLAlchemy's and Django's
constructors accept any class attribute, so such a name is accepted too).

Nothing is checked where the factory or the model may consume any keyword: a model whose
``__init__`` takes ``**kwargs`` it does not describe, a ``Meta.model`` that is not a class,
or a factory overriding ``_adjust_kwargs``, ``_build``, ``_create`` or ``_create_async``
(such a hook may pop keywords of its own).
"""

from __future__ import annotations

import dataclasses
import difflib
import inspect
import typing
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import UnknownKeywordError

__all__ = ["KnownKeywords", "check_keywords", "keywords_of"]

#: Hooks of factory_boy's that receive the model's keyword arguments: a factory overriding
#: one may take keywords of its own out of them.
_CONSUMING_HOOKS = ("_adjust_kwargs", "_build", "_create", "_create_async")

#: What factory_boy itself takes out of a call's keywords.
_FACTORY_BOY_KEYWORDS = frozenset({"__sequence"})


@dataclasses.dataclass(frozen=True)
class KnownKeywords:
    """The keywords a factory's calls accept.

    Attributes:
        names: every accepted name (a call whose names are all here is fine).
        connection: every connection argument name (suggested, not part of ``names``:
            they are taken out of a call before the check).
        own_connection: the factory's own backend's ones (listed in the message).
        attribute_owner: a class whose any attribute is accepted too (the constructor of
            SQLAlchemy's declarative base and Django's ``Model`` set any attribute the class
            has); ``None`` if not.
        checked: ``False`` when anything goes (see the module docstring).
    """

    names: frozenset[str]
    connection: frozenset[str] = frozenset()
    own_connection: frozenset[str] = frozenset()
    attribute_owner: type | None = None
    checked: bool = True


_ANYTHING = KnownKeywords(frozenset(), checked=False)


def _is_user_hook(factory: type, name: str) -> bool:
    """Whether ``factory`` overrides ``name`` in a class outside this package and factory_boy."""
    for klass in factory.__mro__:
        if name in klass.__dict__:
            module = klass.__module__ or ""
            return not (module.startswith("async_factory_boy") or module.startswith("factory."))
    return False


def _mapped_names(model: type) -> tuple[set[str], bool] | None:
    """A SQLAlchemy-mapped class's attribute names, and whether its constructor is the
    declarative one (which accepts any class attribute); ``None`` if not mapped."""
    try:
        from sqlalchemy import inspect as sa_inspect
    except ImportError:  # pragma: no cover - SQLAlchemy is a factory_boy dependency
        return None
    mapper: Any = sa_inspect(model, raiseerr=False)
    attrs = getattr(mapper, "all_orm_descriptors", None)
    if attrs is None:
        return None
    names = {key for key in attrs.keys() if not key.startswith("__")}  # noqa: SIM118  # a view
    names.update(prop.key for prop in mapper.attrs)
    # The mapper wraps ``__init__``; the constructor it wraps is the class manager's.
    original = getattr(getattr(mapper, "class_manager", None), "original_init", None)
    init = getattr(original, "__qualname__", "")  # its __name__ is "__init__"
    return names, init == "_declarative_constructor"


def _pydantic_names(model: type) -> set[str] | None:
    """A pydantic model's field names and aliases; ``None`` if not pydantic or if it
    accepts extra keywords."""
    fields = getattr(model, "model_fields", None)
    if not isinstance(fields, Mapping):
        return None
    config = getattr(model, "model_config", {}) or {}
    if config.get("extra") == "allow":
        return None
    names: set[str] = set()
    for name, info in fields.items():
        names.add(name)
        for alias in (getattr(info, "alias", None), getattr(info, "validation_alias", None)):
            if isinstance(alias, str):
                names.add(alias)
    names.update(getattr(model, "__sqlmodel_relationships__", {}) or {})
    return names


def _parameters(function: Any) -> set[str]:
    """The names ``function`` takes by keyword (``self`` left out)."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return set()
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return {p.name for p in signature.parameters.values() if p.kind in kinds} - {"self"}


def _overridden(klass: type, names: Iterable[str]) -> set[str]:
    """The keyword parameters of the methods ``names`` that ``klass`` or a base outside
    Django defines (a model's own ``__init__``, a custom manager's ``create``)."""
    taken: set[str] = set()
    for name in names:
        for base in klass.__mro__:
            if name in base.__dict__:
                if not (base.__module__ or "").startswith("django."):
                    taken |= _parameters(base.__dict__[name])
                break
    return taken


def _django_names(model: type) -> set[str] | None:
    options = getattr(model, "_meta", None)
    get_fields = getattr(options, "get_fields", None)
    if get_fields is None or not hasattr(options, "concrete_fields"):
        return None
    names: set[str] = set()
    for field in get_fields():
        names.add(field.name)
        attname = getattr(field, "attname", None)
        if attname:
            names.add(attname)
    # A model's own ``__init__`` and its manager's own ``create`` may take keywords that are
    # no field (factory_boy passes every keyword to ``manager.create()``).
    names |= _overridden(model, ("__init__",))
    manager = getattr(model, "_default_manager", None)
    if manager is not None:
        names |= _overridden(type(manager), ("create", "acreate"))
    return names


def _signature_names(model: type) -> set[str] | None:
    """The keyword parameters of ``model(...)``; ``None`` if it takes ``**kwargs``."""
    if typing.is_typeddict(model):
        return set(typing.get_type_hints(model))
    try:
        signature = inspect.signature(model)
    except (TypeError, ValueError):
        return None
    names: set[str] = set()
    for parameter in signature.parameters.values():
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            return None
        if parameter.kind in (
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            inspect.Parameter.KEYWORD_ONLY,
        ):
            names.add(parameter.name)
    return names


def _model_keywords(model: type) -> tuple[set[str], type | None] | None:
    """What ``model``'s constructor accepts, and the class whose attributes it accepts too;
    ``None`` if it accepts anything."""
    pydantic_names = _pydantic_names(model)
    mapped = _mapped_names(model)
    if pydantic_names is not None:  # SQLModel: pydantic decides, the mapper adds nothing new
        return pydantic_names | (mapped[0] if mapped else set()), None
    if mapped is not None:
        names, declarative = mapped
        if declarative:
            return names, model
        own = _signature_names(model)  # an imperative mapping's own ``__init__``
        return None if own is None else (own | names, None)
    django = _django_names(model)
    if django is not None:
        return django, model
    own = _signature_names(model)
    return None if own is None else (own, None)


def keywords_of(factory: Any, connection: Iterable[str]) -> KnownKeywords:
    """What calls of ``factory`` accept (see the module docstring)."""
    if any(_is_user_hook(factory, hook) for hook in _CONSUMING_HOOKS):
        return _ANYTHING
    options = factory._meta
    try:
        model = options.get_model_class()
    except Exception:  # a Django string model not resolvable yet: nothing to check against
        return _ANYTHING
    if not isinstance(model, type):
        return _ANYTHING
    accepted = _model_keywords(model)
    if accepted is None:
        return _ANYTHING
    names, owner = accepted
    names |= set(options.declarations)
    names |= set(options.parameters)
    names |= set(options.pre_declarations.declarations)
    names |= set(options.post_declarations.declarations)
    rename = getattr(options, "rename", {}) or {}
    names |= set(rename) | set(rename.values())
    names |= _FACTORY_BOY_KEYWORDS
    own = {
        name
        for klass in factory.__mro__
        for name in klass.__dict__.get("_connection_arguments", ())
    }
    return KnownKeywords(frozenset(names), frozenset(connection), frozenset(own), owner)


def check_keywords(
    factory: Any,
    known: KnownKeywords,
    overrides: Mapping[str, Any],
    reached_from: type | None = None,
) -> None:
    """Raise :class:`UnknownKeywordError` for the first keyword of ``overrides`` that
    ``factory`` does not accept (``reached_from``: the outer factory whose SubFactory or
    RelatedFactory passed them, named in the message)."""
    names = known.names
    for key in overrides:
        if key in names:
            continue
        root = key.split("__", 1)[0] if "__" in key.lstrip("_") else key
        if root in names:
            continue
        owner = known.attribute_owner
        if owner is not None and hasattr(owner, root):
            continue
        raise _unknown(factory, key, root, known, reached_from)


def _unknown(
    factory: Any, key: str, root: str, known: KnownKeywords, reached_from: type | None
) -> UnknownKeywordError:
    model = factory._meta.get_model_class()
    fields = sorted(name for name in known.names if not name.startswith("_"))
    candidates = [*fields, *sorted(known.connection)]
    close = difflib.get_close_matches(root, candidates, n=1, cutoff=0.6)
    hint = f" did you mean {close[0]!r}?" if close else ""
    listed = [*fields, *(f"{name}=" for name in sorted(known.own_connection))]
    shown = ", ".join(listed[:15]) + (", ..." if len(listed) > 15 else "")
    via = (
        ""
        if reached_from is None
        else f", passed by a SubFactory or RelatedFactory of {reached_from.__name__}"
    )
    return UnknownKeywordError(
        f"{factory.__name__}: unknown keyword {key!r}{via} (not a field of "
        f"{getattr(model, '__name__', model)}, a declaration, a parameter or a connection "
        f"argument of the factory);{hint} Valid names: {shown}. Fix the name, or declare it "
        f"on {factory.__name__} if the model takes it some other way.",
        factory_name=factory.__name__,
        keyword=key,
        suggestion=close[0] if close else None,
    )
