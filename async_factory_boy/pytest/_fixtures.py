"""Turn one factory into fixtures: the factory, one model, one per attribute.

``register(UserFactory)`` writes into the caller's namespace (a test module, a conftest or
a class body) exactly as pytest-factoryboy does:

* ``user_factory``: the factory, bound to the session fixture (see ``_bound``);
* ``user__<attr>``: one fixture per declaration, holding the value the model fixture passes
  to the factory; override it with a fixture of the same name or
  ``@pytest.mark.parametrize("user__name", [...])``;
* ``user``: an async fixture that awaits ``create_async`` with the overrides and the
  session fixture (``db_session`` for SQLAlchemy factories).

An attribute fixture whose value is the factory's own declaration is *not* passed on, so
everything nobody overrode is resolved by factory_boy itself (Traits, Maybe, sequences, and
SubFactories whose model has no fixture of its own). What the model fixture does when it is
set up (LazyFixture values, RelatedFactory links) is in ``_model``.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from .._compat import declarations
from .._types import FactoryClass, Function, Kwargs, ReadKwargs
from ._bound import bind
from ._lazy import LazyFixture
from ._naming import GENERIC_MODELS, SEPARATOR, get_model_name

__all__ = ["NOT_PROVIDED", "ModelSpec", "Registration", "RelatedLink", "define_fixtures"]


class _NotProvided:
    """An attribute fixture value meaning "let the factory decide"."""

    def __repr__(self) -> str:
        return "NOT_PROVIDED"


#: Value of attribute fixtures for Params: nothing is passed to the factory unless a test
#: overrides the fixture.
NOT_PROVIDED = _NotProvided()

#: Whether ``register()`` has defined a model fixture in this process: async tests taking
#: ``request`` then run in a portal (``_portal``), where ``getfixturevalue`` reaches them.
model_fixtures_defined = False


@dataclass(frozen=True)
class Registration:
    """What ``register()`` decided for one factory: names and where the session comes from."""

    factory_class: FactoryClass
    factory_name: str
    model_name: str
    #: Fixture handing over the connection, or ``None`` for factories that need none.
    session_fixture: str | None
    #: Keyword the connection is passed as (``sqlalchemy_session``, ``mongo_database``...).
    connection_argument: str | None
    #: Whether the session fixture must exist (else it is used only where it is defined).
    session_required: bool = True


@dataclass(frozen=True)
class RelatedLink:
    """A RelatedFactory declaration that may be made through the related model's fixture.

    ``book_edition = RelatedFactory(EditionFactory, "book")`` on ``BookFactory``: when the
    ``edition`` fixture is ``register(EditionFactory)``'s and its ``book`` is the ``book``
    fixture, the ``book`` fixture creates no edition itself; ``book__book_edition`` is the
    ``edition`` fixture, whose ``book`` is this book: the same rows as ``create_async``
    makes. Whether that holds is known only when a test runs (``_model.follows``).
    """

    attr: str
    #: The attribute fixture, ``book__book_edition``.
    argname: str
    #: The related model fixture, ``edition``.
    model: str
    #: Attribute fixtures of the related model, so a test asking only for ``book`` can
    #: parametrize ``edition__year``.
    model_attributes: tuple[str, ...]
    #: The RelatedFactory's factory, ``EditionFactory``.
    factory: FactoryClass
    #: Its ``factory_related_name``, ``"book"``: the attribute that must point back.
    related_name: str


@dataclass(frozen=True)
class ModelSpec:
    """Everything the model fixture needs when it is set up (read by ``_model``)."""

    registration: Registration
    #: Declaration name -> attribute fixture name, RelatedFactory declarations excepted.
    attribute_fixtures: Mapping[str, str]
    #: Values meaning "not overridden": the fixture holds the factory's own default.
    defaults: ReadKwargs
    #: ``register()`` keywords that name no declaration, passed to every call.
    constants: ReadKwargs
    related: tuple[RelatedLink, ...] = field(default=())
    #: Every ``register()`` keyword (attribute values given at registration).
    registered: frozenset[str] = field(default=frozenset())


def define_fixtures(
    registration: Registration,
    overrides: ReadKwargs,
    namespace: MutableMapping[str, object],
) -> None:
    """Write the factory, attribute and model fixtures of ``registration`` into ``namespace``."""
    factory_class = registration.factory_class
    model_name = registration.model_name
    defaults: Kwargs = {}
    attribute_fixtures: dict[str, str] = {}
    related: list[RelatedLink] = []

    for attr, declaration in _declarations(factory_class):
        argname = f"{model_name}{SEPARATOR}{attr}"
        if attr in overrides:
            attribute_fixtures[attr] = argname
            _inject(namespace, argname, _value_fixture(argname, overrides[attr]))
            continue
        if isinstance(declaration, declarations.RelatedFactory):
            link = _related_link(factory_class, attr, argname, declaration, model_name, overrides)
            if link is not None:
                related.append(link)
                defaults[attr] = declaration
                fixture = _linked_fixture(argname, link.model, declaration, namespace)
                _inject(namespace, argname, fixture)
                continue
        attribute_fixtures[attr] = argname
        sub_model = _registrable_sub_model(declaration, model_name)
        if sub_model is not None and isinstance(declaration, declarations.SubFactory):
            defaults[attr] = NOT_PROVIDED
            # A user factory of a builtin container: its fixture name ("dict") is required,
            # as get_model_name's warning says (pytest-factoryboy's behaviour).
            required = declaration.get_factory()._meta.model in GENERIC_MODELS
            fixture = _linked_fixture(argname, sub_model, NOT_PROVIDED, namespace, required)
        else:
            defaults[attr] = _default_value(factory_class, attr, declaration)
            fixture = _value_fixture(argname, defaults[attr])
        _inject(namespace, argname, fixture)

    constants = {key: value for key, value in overrides.items() if key not in attribute_fixtures}
    spec = ModelSpec(
        registration, attribute_fixtures, defaults, constants, tuple(related), frozenset(overrides)
    )
    if registration.factory_name not in namespace:
        _inject(namespace, registration.factory_name, _factory_fixture(registration))
    _inject(namespace, model_name, _model_fixture(spec))
    _model_defined(namespace, model_name)
    global model_fixtures_defined
    model_fixtures_defined = True


def _declarations(factory_class: FactoryClass) -> Iterable[tuple[str, object]]:
    """Every declaration of the factory, then every Params entry (traits included)."""
    meta = factory_class._meta
    seen = set()
    for attr, declaration in meta.declarations.items():
        seen.add(attr)
        yield attr, declaration
    for attr, parameter in meta.parameters.items():
        if attr not in seen:
            yield attr, parameter


def _default_value(factory_class: FactoryClass, attr: str, declaration: object) -> object:
    """The attribute fixture's value when nobody overrides it (pytest-factoryboy's).

    A post-generation hook's fixture holds the value the hook gets when nothing is passed
    (``None``), a method call's the argument it is called with (or ``NotProvided``).
    """
    if attr in factory_class._meta.parameters:
        return NOT_PROVIDED
    if isinstance(declaration, declarations.PostGenerationMethodCall):
        return declaration.method_arg
    if isinstance(declaration, declarations.PostGeneration):
        return None
    return declaration


def _registrable_sub_model(declaration: object, model_name: str) -> str | None:
    """The fixture name a SubFactory's object is taken from, if it may come from one."""
    if not isinstance(declaration, declarations.SubFactory):
        return None
    sub_factory = declaration.get_factory()
    if type(declaration) is not declarations.SubFactory and sub_factory._meta.model in (
        GENERIC_MODELS
    ):
        return None  # factory.List / factory.Dict: factory_boy's own containers
    if sub_factory._meta.model is None:
        return None
    # get_model_name warns for a user factory of a container model, whose fixture name
    # ("dict") is what the SubFactory then needs, as in pytest-factoryboy.
    name = get_model_name(sub_factory)
    # A self-referencing SubFactory (``parent = SubFactory("UserFactory")``) would make the
    # fixture depend on itself: leave it to the factory.
    return None if name == model_name else name


def _related_link(
    factory_class: FactoryClass,
    attr: str,
    argname: str,
    declaration: declarations.RelatedFactory,
    model_name: str,
    overrides: ReadKwargs,
) -> RelatedLink | None:
    """How ``attr`` (a RelatedFactory) may link to its model fixture, if it ever can.

    One registered object stands for one plain ``RelatedFactory(F, "parent")`` call, so
    these are always left to the factory (``create_async`` makes them): a
    ``RelatedFactoryList`` (``size`` objects), a RelatedFactory with keywords of its own
    (``owner=True``) or extra values given for it (``owner__name=`` on the factory or in
    ``register()``), and one without ``factory_related_name`` (nothing points back).
    """
    if isinstance(declaration, declarations.RelatedFactoryList) or declaration.defaults:
        return None
    if not declaration.name or factory_class._meta.post_declarations.contexts.get(attr):
        return None
    if any(key.startswith(f"{attr}{SEPARATOR}") for key in overrides):
        return None
    related_factory = declaration.get_factory()
    if related_factory._meta.model is None:
        return None
    related_model = get_model_name(related_factory)
    if related_model == model_name:
        return None
    attributes = tuple(
        f"{related_model}{SEPARATOR}{name}" for name in related_factory._meta.declarations
    )
    return RelatedLink(attr, argname, related_model, attributes, related_factory, declaration.name)


def _value_fixture(argname: str, value: object) -> Function:
    """An attribute fixture holding ``value`` (a LazyFixture also asks for its fixtures)."""
    argnames = value.argnames if isinstance(value, LazyFixture) else ()
    return _make_fixture(argname, lambda **kwargs: value, argnames)


def _linked_fixture(
    argname: str,
    model: str,
    fallback: object,
    namespace: MutableMapping[str, object],
    required: bool = False,
) -> Function:
    """``user__company`` / ``book__book_edition``: the ``model`` fixture's object, if any.

    When ``model`` is defined in the same namespace (before or after this call) or by a
    conftest, it is a static dependency, so ``company__name`` can be parametrized for a
    test that only asks for ``user``. Otherwise it is looked up when the test runs, and
    if there is none the fixture holds ``fallback`` and the factory makes the object.
    """

    def linked_value(**kwargs: Any) -> object:
        if model in kwargs:
            return kwargs[model]
        request: pytest.FixtureRequest = kwargs["request"]
        try:
            return request.getfixturevalue(model)
        except pytest.FixtureLookupError as exc:
            if exc.argname != model:
                raise
            return fallback

    static = required or model in namespace or model in _conftest_models
    linked_value._async_factory_boy_links_to = model  # type: ignore[attr-defined]  # a marker attribute set on a function object
    fixture = _make_fixture(argname, linked_value, (model,) if static else ("request",))
    if not static:
        _waiting.setdefault(id(namespace), {}).setdefault(model, []).append(linked_value)
    return fixture


# Linked fixtures whose model fixture may still be registered in the same namespace
# (keyed by the namespace's id, then the awaited model fixture name), and the model fixtures
# registered by conftests, which every test module below them sees.
_waiting: dict[int, dict[str, list[Function]]] = {}
_conftest_models: set[str] = set()


def _model_defined(namespace: MutableMapping[str, object], model_name: str) -> None:
    """``model_name`` now exists in ``namespace``: make it a static dependency there."""
    if str(namespace.get("__file__", "")).endswith("conftest.py"):
        _conftest_models.add(model_name)
    for function in _waiting.get(id(namespace), {}).pop(model_name, []):
        _set_signature(function, (model_name,))


def _factory_fixture(registration: Registration) -> Function:
    """``user_factory``: the factory, bound to the session fixture when there is one."""
    factory_class = registration.factory_class
    fixture = registration.session_fixture
    argument = registration.connection_argument

    def factory_value(**kwargs: Any) -> object:
        if fixture is None or argument is None:
            return factory_class
        if fixture in kwargs:
            # A session fixture yielding None (Beanie's ``mongo_session`` outside a
            # transaction) still gives a callable factory: it passes no connection.
            return bind(factory_class, argument, kwargs[fixture])
        connection = optional_fixture(kwargs["request"], fixture)
        return factory_class if connection is None else bind(factory_class, argument, connection)

    factory_value.__doc__ = f"{factory_class.__name__}, bound to the test's session fixture."
    factory_value._async_factory_boy_factory_of = factory_class  # type: ignore[attr-defined]  # a marker on the fixture function
    argnames: tuple[str, ...] = ()
    if fixture is not None:
        argnames = (fixture,) if registration.session_required else ("request",)
    return _make_fixture(registration.factory_name, factory_value, argnames)


def optional_fixture(request: pytest.FixtureRequest, name: str) -> object:
    """The value of fixture ``name``, or ``None`` if no such fixture is defined."""
    try:
        return request.getfixturevalue(name)
    except pytest.FixtureLookupError as exc:
        if exc.argname != name:
            raise
        return None


def _model_fixture(spec: ModelSpec) -> Function:
    """``user``: one object created with ``create_async`` from the attribute fixtures.

    The function is what pytest sees (its parameters are the fixture's dependencies); the
    plugin's ``pytest_fixture_setup`` runs the object's creation in its place (``_model``).
    """
    registration = spec.registration
    argnames = [registration.factory_name]
    if registration.session_fixture is not None and registration.session_required:
        argnames.append(registration.session_fixture)
    argnames.extend(name for name in spec.attribute_fixtures.values() if name not in argnames)

    async def create_model(**kwargs: object) -> None:
        raise RuntimeError(  # pragma: no cover - replaced by the plugin's setup hook
            f"{registration.model_name}: model fixtures are set up by async_factory_boy's "
            "pytest plugin; is it disabled (-p no:async_factory_boy)?"
        )

    create_model.__doc__ = (
        f"One {registration.factory_class.__name__} object, created with create_async()."
    )
    # The pytest-asyncio mark keeps its strict mode from warning that an asyncio test
    # requested an unmarked async fixture (``_loop`` routes each request to its loop).
    create_model._force_asyncio_fixture = True  # type: ignore[attr-defined]  # a marker attribute set on a function object
    create_model._async_factory_boy_registration = registration  # type: ignore[attr-defined]  # a marker attribute set on a function object
    create_model._async_factory_boy_spec = spec  # type: ignore[attr-defined]  # a marker attribute set on a function object
    return _make_fixture(registration.model_name, create_model, argnames)


def _make_fixture(name: str, function: Function, argnames: Iterable[str]) -> Function:
    """``function``, ready to become fixture ``name`` receiving ``argnames`` as keywords.

    ``_inject`` makes it a fixture: how depends on where it goes.
    """
    _set_signature(function, argnames)
    function.__name__ = function.__qualname__ = name
    function._async_factory_boy_fixture = True  # type: ignore[attr-defined]  # a marker attribute set on a function object
    return function


def _set_signature(function: Function, argnames: Iterable[str]) -> None:
    """Make pytest pass the fixtures ``argnames`` (it reads the signature to know them)."""
    function.__signature__ = inspect.Signature(  # type: ignore[attr-defined]  # a marker attribute set on a function object
        [inspect.Parameter(arg, inspect.Parameter.KEYWORD_ONLY) for arg in argnames]
    )


# pytest 9 wants @pytest.fixture above @staticmethod (and warns about the other order);
# pytest 8 only finds the fixture with @staticmethod on top.
_FIXTURE_OVER_STATICMETHOD = pytest.version_tuple >= (9,)


def _inject(
    namespace: MutableMapping[str, object], name: str, function: Function, scope: str = "function"
) -> None:
    """Define fixture ``name`` from ``function`` in a module or class namespace."""
    make = pytest.fixture(name=name, scope=scope)  # type: ignore[call-overload]  # scope is a str: pytest types it as a Literal of the scope names
    if "__qualname__" not in namespace:
        namespace[name] = make(function)
    elif _FIXTURE_OVER_STATICMETHOD:
        # In a class body, a plain function would be bound to the test instance.
        namespace[name] = make(staticmethod(function))
    else:
        namespace[name] = staticmethod(make(function))
