"""Fields derived from the model's schema: ``class Meta: auto_fields = True``.

With factory_boy every required column is declared by hand in every factory, and a new
NOT NULL column breaks every factory that forgot it. With ``auto_fields`` a factory declares
only what its tests care about: every *required* field of the model that the factory does
not declare gets a declaration derived from the schema (a Faker provider, a Sequence where the
value must be unique, a SubFactory for a required many-to-one relationship). Declared fields,
``Params``, traits and call overrides always win, because derived declarations only fill the
names nobody declared.

The backend knows the schema: each backend's factory class implements
``_derive_declarations(model, mode)`` (SQLAlchemy from the mapper, plain classes from type
hints). This module holds what they share: the options, the registry of factories per model
(so a derived SubFactory uses the project's own ``CompanyFactory``), the lazily resolved
SubFactory, and the error for a field that cannot be derived.
"""

from __future__ import annotations

import weakref
from typing import Any, ClassVar, Literal

from ._compat import FactoryOptions, OptionDefault, builder, declarations
from ._field_values import (
    LATEST_DERIVED_MOMENT,
    Readable,
    derived_date,
    derived_datetime,
    derived_time,
)
from ._types import FactoryClass, Kwargs, ReadKwargs
from .errors import FactoryConfigurationError

__all__ = [
    "LATEST_DERIVED_MOMENT",
    "AutoFieldsMode",
    "AutoFieldsOptions",
    "ModelSubFactory",
    "Underivable",
    "cannot_derive",
    "check_auto_fields",
    "derived_date",
    "derived_datetime",
    "derived_time",
    "factory_for_model",
    "register_model_factory",
]

#: ``True`` fills required fields; ``"all"`` optional (nullable or defaulted) ones too.
AutoFieldsMode = Literal[True, "all"]

# Factories per model class, in definition order, weakly: a factory made at run time (a test's
# subclass) must not be kept alive by the registry.
_factories: weakref.WeakKeyDictionary[type, list[weakref.ref[type]]] = weakref.WeakKeyDictionary()


def check_auto_fields(meta: object, value: object) -> None:
    """``Meta.auto_fields`` is ``False``, ``True`` or ``"all"``."""
    if not (value is False or value is True or value == "all"):
        owner = getattr(meta, "__qualname__", "Meta").rsplit(".", 1)[0]
        raise FactoryConfigurationError(
            f"{owner}: Meta.auto_fields must be False, True (derive required fields) or "
            f'"all" (optional fields too), got {value!r}.'
        )


# Factories whose model is still a string ('app_label.ModelName', resolved at first use).
_unresolved: list[weakref.ref[type]] = []


def register_model_factory(factory: type, model: Any) -> None:
    """Remember that ``factory`` makes ``model`` objects (for derived SubFactories).

    Factories made at run time (a test's subclass) come and go: dead entries are dropped as
    new ones arrive, so the registry does not grow with them.
    """
    if isinstance(model, str):
        _unresolved[:] = [ref for ref in _unresolved if ref() is not None]
        _unresolved.append(weakref.ref(factory))
        return
    if not isinstance(model, type):
        return
    try:
        known = _factories.setdefault(model, [])
    except TypeError:  # a model class that cannot be weakly referenced: nothing to find
        return
    known[:] = [ref for ref in known if ref() is not None]
    known.append(weakref.ref(factory))


def _resolve_pending() -> None:
    """Move factories whose string model now resolves into the registry."""
    for ref in list(_unresolved):
        factory = ref()
        if factory is None:
            _unresolved.remove(ref)
            continue
        try:
            model = factory._meta.get_model_class()  # type: ignore[attr-defined]  # factory_boy sets _meta at class creation, untyped
        except Exception:  # not resolvable yet (apps not ready): try again next time
            continue
        _unresolved.remove(ref)
        register_model_factory(factory, model)


def factory_for_model(model: type, family: type) -> type | None:
    """The first factory defined for ``model`` in the backend ``family``, if any."""
    if _unresolved:
        _resolve_pending()
    for ref in _factories.get(model, ()):
        factory = ref()
        if (
            factory is not None and issubclass(factory, family) and not factory._meta.abstract  # type: ignore[attr-defined]  # factory_boy sets _meta at class creation, untyped
        ):
            return factory
    return None


class _ModelFactoryWrapper(declarations._FactoryWrapper):
    """factory_boy's ``_FactoryWrapper`` for a model: resolved at first use, not at import.

    The target's factory may be defined after the factory that needs it (or never: then an
    auto factory is made for it).
    """

    def __init__(self, model: type, family: type, registered: bool) -> None:
        # factory_boy's wrapper takes a class or an import path; this one a model.
        self.model = model
        self.family = family
        self.registered = registered
        self.factory: type | None = None

    def get(self) -> type:
        if self.factory is None:
            found = factory_for_model(self.model, self.family) if self.registered else None
            if found is None:
                found = _auto_factory(self.model, self.family)
            self.factory = found
        return self.factory

    def __repr__(self) -> str:
        return f"<factory for {self.model.__name__}>"


class ModelSubFactory(declarations.SubFactory):
    """A SubFactory of "the factory of ``model``": the project's own, else an auto factory.

    ``family`` is the backend's factory class the target factory must belong to;
    ``registered=False`` always uses an auto factory (for nested objects that are built, not
    stored on their own).
    """

    def __init__(
        self,
        model: type,
        family: type,
        registered: bool = True,
        covers: tuple[str, ...] = (),
        **kwargs: object,
    ) -> None:
        declarations.BaseDeclaration.__init__(self, **kwargs)
        self.model = model
        #: The fields whose value this SubFactory provides (a relationship's foreign-key
        #: columns): a factory declaring one of them gets no such SubFactory.
        self.covers = covers
        self.factory_wrapper = _ModelFactoryWrapper(model, family, registered)

    def __repr__(self) -> str:
        return f"SubFactory(<factory of {self.model.__name__}>)"


_auto_factories: weakref.WeakKeyDictionary[type, dict[type, type]] = weakref.WeakKeyDictionary()


def _auto_factory(model: type, family: type) -> type:
    """A factory of ``family`` for ``model`` with every required field derived (made once)."""
    made = _auto_factories.setdefault(model, {})
    factory = made.get(family)
    if factory is None:
        meta = type("Meta", (), {"model": model, "auto_fields": True})
        factory = made[family] = type(f"{model.__name__}AutoFactory", (family,), {"Meta": meta})
    return factory


def cannot_derive(factory: str, model: type, field: str, kind: object) -> FactoryConfigurationError:
    """The error for a required field whose type has no generator: declare it by hand."""
    return FactoryConfigurationError(
        f"{factory}: Meta.auto_fields cannot derive a value for {model.__name__}.{field} "
        f"({kind}): declare it on the factory, e.g. `{field} = factory.Faker(...)` or "
        f"`{field} = factory.LazyFunction(...)`, leave it out with "
        f"`auto_fields_exclude = ({field!r},)`, or teach auto_fields the type once for "
        f"every factory: `FIELD_PROVIDERS[<the type>] = factory.Faker(...)` "
        f"(from async_factory_boy import FIELD_PROVIDERS)."
    )


class Underivable:
    """What a deriver puts in place of a field it has no value for.

    The error is raised only if nobody declared or excluded the field: the declared and
    excluded names are removed before the derived ones are used, so a field the table cannot
    fill never stops a factory that declares it.
    """

    __slots__ = ("error",)

    def __init__(self, error: FactoryConfigurationError) -> None:
        self.error = error


def describe(derived: ReadKwargs) -> dict[str, str]:
    """A readable view of derived declarations, for docs and debugging."""
    return {name: _describe(value) for name, value in derived.items()}


def _describe(value: object) -> str:
    if isinstance(value, ModelSubFactory):
        return repr(value)
    function = getattr(value, "function", None)
    if isinstance(function, Readable):
        return f"Faker({function.kind!r})"
    if isinstance(value, declarations.SubFactory):
        return f"SubFactory({value.get_factory().__name__})"
    name = type(value).__name__
    provider = getattr(value, "provider", None)
    if provider is not None:
        return f"Faker({provider!r})"
    return name


class _DeclarationsOnRead:
    """``pre_declarations`` / ``post_declarations`` of options whose derived fields may wait
    for a model string (see :meth:`AutoFieldsOptions.contribute_to_class`).

    A non-data descriptor: while fields wait, the parsed set lives in ``_<name>`` and a read
    derives them first; otherwise (and from the first read after they are derived) the set is
    a plain instance attribute, which wins over this descriptor, so the per-object reads of
    a batch cost an attribute look-up, not a property call.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.aside = f"_{name}"

    def __get__(self, options: AutoFieldsOptions | None, owner: type) -> Any:
        if options is None:
            return self
        if options._auto_fields_pending is not None:
            options._derive_pending()
        if self.name in options.__dict__:  # derived just now: set as a plain attribute
            return options.__dict__[self.name]
        value = getattr(options, self.aside)
        if options._auto_fields_pending is None:
            options.__dict__[self.name] = value
        return value


class AutoFieldsOptions(FactoryOptions):
    """``class Meta`` options ``auto_fields`` and ``auto_fields_exclude``, for every backend.

    After factory_boy collected the factory's declarations, the backend derives one for each
    field of the model nobody declared; they are merged *under* the declared ones (so a
    trait's or a ``Maybe``'s other branch falls back to the derived value) and parsed into the
    declaration sets factory_boy builds from.
    """

    auto_fields: bool | str
    auto_fields_exclude: tuple[str, ...]
    exclude: tuple[str, ...]
    #: The declarations derived for this factory (empty without ``auto_fields``).
    auto_declarations: Kwargs

    def _build_default_options(self) -> list[OptionDefault]:
        return [
            *super()._build_default_options(),  # type: ignore[no-untyped-call]  # factory_boy's method is unannotated
            OptionDefault("auto_fields", False, inherit=True, checker=check_auto_fields),
            OptionDefault("auto_fields_exclude", (), inherit=True),
        ]

    @property
    def declarations(self) -> Kwargs:
        """factory_boy's declarations, with the derived ones under the declared ones.

        Everything that reads a factory's declarations (factory_boy's parsing, the pytest
        plugin's attribute fixtures) sees the derived fields too; a ``Trait`` or ``Maybe``
        falls back to the derived value of a field it does not set.
        """
        if self._auto_fields_pending is not None:
            self._derive_pending()
        merged = {**getattr(self, "auto_declarations", {}), **self.base_declarations}
        for name, parameter in self.parameters.items():
            merged.update(parameter.as_declarations(name, merged))
        return merged

    #: Whether a model string may resolve after the class is defined (Django's
    #: ``'app_label.ModelName'`` once the app registry is ready): ``auto_fields`` then waits
    #: for it instead of failing at definition.
    resolves_model_later: ClassVar[bool] = False
    #: The ``auto_fields`` mode still to derive once the model resolves, else ``None``.
    _auto_fields_pending: AutoFieldsMode | None = None

    def model_if_ready(self) -> Any:
        """The model class if it is known now, else ``None`` (a string not resolvable yet).

        Backends whose ``Meta.model`` may be a string override it (Django's options).
        """
        model = self.model
        return model if isinstance(model, type) else None

    def contribute_to_class(
        self,
        factory: FactoryClass,
        meta: object = None,
        base_meta: object = None,
        base_factory: FactoryClass | None = None,
        params: Any = None,
    ) -> None:
        self.auto_declarations = {}
        self._auto_fields_pending = None
        super().contribute_to_class(  # type: ignore[no-untyped-call]  # factory_boy's method is unannotated
            factory, meta=meta, base_meta=base_meta, base_factory=base_factory, params=params
        )
        model = self.model
        if not self.abstract:
            register_model_factory(factory, model)
        if not self.auto_fields or self.abstract:
            return
        mode: AutoFieldsMode = "all" if self.auto_fields == "all" else True
        if not isinstance(model, type):
            model = self.model_if_ready()
        if model is None and self.resolves_model_later:
            self._auto_fields_pending = mode  # derived when the declarations are first read
            # factory_boy's parsed sets move aside: the reads go through the descriptor,
            # which derives first.
            for name in ("pre_declarations", "post_declarations"):
                setattr(self, f"_{name}", self.__dict__.pop(name))
            return
        if not isinstance(model, type):
            raise FactoryConfigurationError(
                f"{factory.__name__}: Meta.auto_fields needs the model class in Meta.model "
                f"(got {self.model!r}): the fields are derived when the factory is defined."
            )
        self._derive_auto_fields(model, mode)

    def _derive_auto_fields(self, model: type, mode: AutoFieldsMode) -> None:
        """Derive the missing fields' declarations from ``model`` and parse them in."""
        factory: Any = self.factory
        derived, hidden = factory._derive_declarations(model, mode)
        skip = set(self.base_declarations) | set(self.parameters) | set(self.auto_fields_exclude)
        self.auto_declarations = kept = {
            name: value
            for name, value in derived.items()
            if name not in skip and skip.isdisjoint(getattr(value, "covers", ()))
        }
        for value in kept.values():
            if isinstance(value, Underivable):
                raise value.error
        self.exclude = (*self.exclude, *(name for name in hidden if name in self.auto_declarations))
        self.pre_declarations, self.post_declarations = builder.parse_declarations(
            self.declarations
        )

    def _derive_pending(self) -> None:
        """Derive the fields waiting for a model string to resolve, if it resolves now."""
        mode = self._auto_fields_pending
        if mode is None:
            return
        model = self.model_if_ready()
        if model is None:
            return  # not yet: the first call reports a model that never resolves
        self._auto_fields_pending = None
        self._derive_auto_fields(model, mode)

    # factory_boy reads the parsed declarations at every call: a factory whose derived fields
    # wait for its model string derives them at the first read that can resolve it. Once
    # nothing waits, they are plain instance attributes (read once per object in a batch).
    pre_declarations = _DeclarationsOnRead("pre_declarations")
    post_declarations = _DeclarationsOnRead("post_declarations")
