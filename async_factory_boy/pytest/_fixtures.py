"""Turn one factory into fixtures: the factory, one model, one per attribute.

``register(UserFactory)`` writes into the caller's namespace (a test module, a conftest or
a class body) exactly as pytest-factoryboy does:

* ``user_factory``: the factory class (override it to swap the factory for a test);
* ``user__<attr>``: one fixture per declaration and Params entry, holding the value the
  model fixture passes to the factory; override it with a fixture of the same name or
  ``@pytest.mark.parametrize("user__name", [...])``;
* ``user``: an async fixture that awaits ``create_async`` with the overrides and the
  session fixture (``db_session`` for SQLAlchemy factories).

An attribute fixture whose value is the factory's own declaration is *not* passed on, so
everything nobody overrode is resolved by factory_boy itself (Traits, Maybe, sequences, and
SubFactories whose model has no fixture of its own).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

import pytest

from .._compat import declarations
from ._lazy import LazyFixture
from ._naming import SEPARATOR, model_fixture_name

__all__ = ["NOT_PROVIDED", "Registration", "define_fixtures"]

# Models too generic to stand for a fixture name (``factory.List`` builds a ``list``).
_GENERIC_MODELS = (dict, list, set, tuple, frozenset)


class _NotProvided:
    """An attribute fixture value meaning "let the factory decide"."""

    def __repr__(self) -> str:
        return "NOT_PROVIDED"


#: Value of attribute fixtures for post-generation hooks, RelatedFactories and Params:
#: nothing is passed to the factory unless a test overrides the fixture.
NOT_PROVIDED: Any = _NotProvided()


@dataclass(frozen=True)
class Registration:
    """What ``register()`` decided for one factory: names and where the session comes from."""

    factory_class: type[Any]
    factory_name: str
    model_name: str
    #: Fixture handing over the connection, or ``None`` for factories that need none.
    session_fixture: str | None
    #: Keyword the connection is passed as (``sqlalchemy_session``, ``mongo_database``...).
    connection_argument: str | None


def define_fixtures(
    registration: Registration,
    overrides: Mapping[str, Any],
    namespace: MutableMapping[str, Any],
) -> None:
    """Write the factory, attribute and model fixtures of ``registration`` into ``namespace``."""
    factory_class = registration.factory_class
    model_name = registration.model_name
    defaults: dict[str, Any] = {}
    attribute_fixtures: dict[str, str] = {}

    for attr, declaration in _declarations(factory_class):
        argname = f"{model_name}{SEPARATOR}{attr}"
        attribute_fixtures[attr] = argname
        if attr in overrides:
            fixture = _value_fixture(argname, overrides[attr])
        else:
            sub_model = _registrable_sub_model(declaration, model_name)
            if sub_model is not None:
                fixture = _sub_model_fixture(argname, sub_model, namespace)
            else:
                defaults[attr] = _default_value(factory_class, attr, declaration)
                fixture = _value_fixture(argname, defaults[attr])
        _inject(namespace, argname, fixture)

    # Keyword overrides that name no declaration are passed to every call as they are.
    constants = {key: value for key, value in overrides.items() if key not in attribute_fixtures}

    if registration.factory_name not in namespace:
        _inject(
            namespace,
            registration.factory_name,
            _make_fixture(registration.factory_name, lambda: factory_class, ()),
        )
    _inject(
        namespace,
        model_name,
        _model_fixture(registration, attribute_fixtures, defaults, constants),
    )
    _sub_model_defined(namespace, model_name)


def _declarations(factory_class: type[Any]) -> Iterable[tuple[str, Any]]:
    """Every declaration of the factory, then every Params entry (traits included)."""
    meta = factory_class._meta
    seen = set()
    for attr, declaration in meta.declarations.items():
        seen.add(attr)
        yield attr, declaration
    for attr, parameter in meta.parameters.items():
        if attr not in seen:
            yield attr, parameter


def _default_value(factory_class: type[Any], attr: str, declaration: Any) -> Any:
    """The attribute fixture's value when nobody overrides it."""
    if attr in factory_class._meta.parameters:
        return NOT_PROVIDED
    if isinstance(declaration, declarations.PostGenerationDeclaration):
        return NOT_PROVIDED  # the hook runs with its own default (RelatedFactory included)
    return declaration


def _registrable_sub_model(declaration: Any, model_name: str) -> str | None:
    """The fixture name a SubFactory's object is taken from, if it may come from one."""
    if not isinstance(declaration, declarations.SubFactory):
        return None
    sub_factory = declaration.get_factory()
    model = sub_factory._meta.model
    if model is None or model in _GENERIC_MODELS:
        return None
    name = model_fixture_name(sub_factory)
    # A self-referencing SubFactory (``parent = SubFactory("UserFactory")``) would make the
    # fixture depend on itself: leave it to the factory.
    return None if name == model_name else name


def _value_fixture(argname: str, value: Any) -> Any:
    if isinstance(value, LazyFixture):
        lazy = value
        return _make_fixture(argname, lambda **kwargs: lazy.evaluate(kwargs), lazy.argnames)
    return _make_fixture(argname, lambda: value, ())


def _sub_model_fixture(argname: str, sub_model: str, namespace: MutableMapping[str, Any]) -> Any:
    """``user__company``: the ``company`` fixture's object, if such a fixture exists.

    When ``company`` is defined in the same namespace (before or after this call) or by a
    conftest, it is a static dependency, so ``company__name`` can be parametrized for a
    test that only asks for ``user``. Otherwise it is looked up when the test runs, and
    if there is none the SubFactory is left to factory_boy.
    """

    def sub_model_value(**kwargs: Any) -> Any:
        if sub_model in kwargs:
            return kwargs[sub_model]
        request: pytest.FixtureRequest = kwargs["request"]
        try:
            return request.getfixturevalue(sub_model)
        except pytest.FixtureLookupError as exc:
            if exc.argname != sub_model:
                raise
            return NOT_PROVIDED

    static = sub_model in namespace or sub_model in _conftest_models
    fixture = _make_fixture(argname, sub_model_value, (sub_model,) if static else ("request",))
    if not static:
        _waiting.setdefault(id(namespace), {}).setdefault(sub_model, []).append(sub_model_value)
    return fixture


# Sub-model fixtures whose model fixture may still be registered in the same namespace
# (keyed by the namespace's id, then the awaited model fixture name), and the model fixtures
# registered by conftests, which every test module below them sees.
_waiting: dict[int, dict[str, list[Callable[..., Any]]]] = {}
_conftest_models: set[str] = set()


def _sub_model_defined(namespace: MutableMapping[str, Any], model_name: str) -> None:
    """``model_name`` now exists in ``namespace``: make it a static dependency there."""
    if str(namespace.get("__file__", "")).endswith("conftest.py"):
        _conftest_models.add(model_name)
    for function in _waiting.get(id(namespace), {}).pop(model_name, []):
        _set_signature(function, (model_name,))


def _model_fixture(
    registration: Registration,
    attribute_fixtures: Mapping[str, str],
    defaults: Mapping[str, Any],
    constants: Mapping[str, Any],
) -> Any:
    """``user``: one object created with ``create_async`` from the attribute fixtures."""
    factory_name = registration.factory_name
    session_fixture = registration.session_fixture
    connection_argument = registration.connection_argument
    argnames = [factory_name]
    if session_fixture is not None:
        argnames.append(session_fixture)
    argnames.extend(name for name in attribute_fixtures.values() if name not in argnames)

    async def create_model(**kwargs: Any) -> Any:
        factory_class = kwargs[factory_name]
        call_kwargs = dict(constants)
        for attr, argname in attribute_fixtures.items():
            value = kwargs[argname]
            if value is NOT_PROVIDED or (attr in defaults and value is defaults[attr]):
                continue
            call_kwargs[attr] = value
        if session_fixture is not None and connection_argument is not None:
            call_kwargs[connection_argument] = kwargs[session_fixture]
        return await factory_class.create_async(**call_kwargs)

    create_model.__doc__ = (
        f"One {registration.factory_class.__name__} object, created with create_async()."
    )
    # Read by the event-loop routing in ``_pytest_loop``; the pytest-asyncio mark keeps its
    # strict mode from warning that an asyncio test requested an unmarked async fixture.
    create_model._async_factory_boy_fixture = True  # type: ignore[attr-defined]
    create_model._force_asyncio_fixture = True  # type: ignore[attr-defined]
    create_model._async_factory_boy_registration = registration  # type: ignore[attr-defined]
    return _make_fixture(registration.model_name, create_model, argnames)


def _make_fixture(name: str, function: Callable[..., Any], argnames: Iterable[str]) -> Any:
    """A pytest fixture called ``name`` that receives the fixtures ``argnames`` as keywords."""
    _set_signature(function, argnames)
    function.__name__ = function.__qualname__ = name
    return pytest.fixture(name=name)(function)


def _set_signature(function: Callable[..., Any], argnames: Iterable[str]) -> None:
    """Make pytest pass the fixtures ``argnames`` (it reads the signature to know them)."""
    function.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(arg, inspect.Parameter.KEYWORD_ONLY) for arg in argnames]
    )


def _inject(namespace: MutableMapping[str, Any], name: str, fixture: Any) -> None:
    # In a class body, a plain function would be bound to the test instance.
    namespace[name] = staticmethod(fixture) if "__qualname__" in namespace else fixture
