"""The pytest plugin: registered factories become async fixtures.

``register(UserFactory)`` defines ``user_factory`` (the factory bound to the session
fixture), ``user`` (awaited ``create_async`` with the session fixture) and ``user__<attr>``
fixtures, with pytest-factoryboy's names, override rules and public API (``register``,
``LazyFixture``, ``named_model``, ``get_model_name``, the ``factoryboy_request`` fixture and
the ``pytest_factoryboy_done`` hook). The plugin also reseeds factory_boy and Faker before
each test (``--factory-seed``) and prints the seed in the report header.

This module is imported at every pytest start (``pytest11`` entry point), so it imports no
backend and no factory_boy itself; ``register`` loads what it needs when it is first used.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, MutableMapping
from typing import Any, TypeVar, overload

import pytest

from . import _factory_seed, _loop, _session
from ._bound import FactoryFixture
from ._isolation import isolated_session
from ._lazy import LazyFixture
from ._naming import factory_fixture_name, get_model_name, named_model
from ._request import FactoryboyRequest, factoryboy_request

#: pytest-factoryboy's name for the ``factoryboy_request`` fixture's type.
Request = FactoryboyRequest

__all__ = [
    "FactoryFixture",
    "FactoryboyRequest",
    "LazyFixture",
    "Request",
    "factoryboy_request",
    "get_model_name",
    "isolated_session",
    "named_model",
    "register",
]

F = TypeVar("F", bound=type[Any])


@overload
def register(
    factory_class: F,
    _name: str | None = ...,
    *,
    session_fixture: str | None = ...,
    _caller_locals: MutableMapping[str, Any] | None = ...,
    **overrides: Any,
) -> F: ...


@overload
def register(
    factory_class: None = ...,
    _name: str | None = ...,
    *,
    session_fixture: str | None = ...,
    _caller_locals: MutableMapping[str, Any] | None = ...,
    **overrides: Any,
) -> Callable[[F], F]: ...


def register(
    factory_class: F | None = None,
    _name: str | None = None,
    *,
    session_fixture: str | None = None,
    _caller_locals: MutableMapping[str, Any] | None = None,
    **overrides: Any,
) -> F | Callable[[F], F]:
    """Define fixtures for an async factory in the calling module (or conftest, or class).

    ``register(UserFactory)`` defines ``user_factory`` (the factory, bound to the session
    fixture), ``user`` (one object, awaited ``create_async``) and one ``user__<attr>``
    fixture per declaration, as pytest-factoryboy's ``register`` does. Also a class
    decorator, bare (``@register``) or called (``@register(_name="admin")``).

    Args:
        factory_class: an :class:`~async_factory_boy.AsyncFactory` subclass with a model.
        _name: the model fixture's name; default: the model's name in snake_case.
        session_fixture: the fixture passed as the factory's connection argument; default:
            ``db_session`` for SQLAlchemy factories, ``mongo_database`` for Mongo ones (the
            ini option ``async_factory_boy_session_fixtures`` changes the defaults).
        overrides: attribute values for this model fixture (``register(UserFactory,
            "admin", is_admin=True)``); a :class:`LazyFixture` takes one from a fixture.

    Raises:
        RegistrationError: ``factory_class`` is not a concrete ``AsyncFactory``, or its
            model fixture would be named like its factory fixture.
    """
    namespace = _caller_locals if _caller_locals is not None else _caller_namespace()
    if factory_class is None:

        def register_class(cls: F) -> F:
            return register(
                cls,
                _name,
                session_fixture=session_fixture,
                _caller_locals=namespace,
                **overrides,
            )

        return register_class

    from ..errors import RegistrationError
    from ._fixtures import Registration, define_fixtures

    _check_registrable(factory_class)
    factory_name = factory_fixture_name(factory_class)
    model_name = _name if _name is not None else get_model_name(factory_class)
    if model_name == factory_name:
        raise RegistrationError(
            f"Naming collision for register({factory_class.__name__}): the model fixture and "
            f"the factory fixture would both be called {model_name!r}; pass another model "
            f"fixture name, register({factory_class.__name__}, 'some_name')."
        )
    fixture, argument, required = _session.session_for(factory_class, session_fixture)
    registration = Registration(
        factory_class=factory_class,
        factory_name=factory_name,
        model_name=model_name,
        session_fixture=fixture,
        connection_argument=argument,
        session_required=required,
    )
    define_fixtures(registration, overrides, namespace)
    return factory_class


def _caller_namespace() -> MutableMapping[str, Any]:
    import sys

    namespace: MutableMapping[str, Any] = sys._getframe(2).f_locals
    return namespace


def _check_registrable(factory_class: type[Any]) -> None:
    from ..errors import RegistrationError
    from ..factory import AsyncFactory

    name = getattr(factory_class, "__name__", repr(factory_class))
    if not (isinstance(factory_class, type) and issubclass(factory_class, AsyncFactory)):
        raise RegistrationError(
            f"register({name}): async_factory_boy registers AsyncFactory subclasses; "
            "for factory_boy's sync factories use pytest-factoryboy's register()."
        )
    if factory_class._meta.abstract or factory_class._meta.model is None:
        raise RegistrationError(
            f"register({name}): Can't register abstract factories: {name} is abstract or "
            "has no Meta.model; register a concrete factory."
        )


# -- hooks ------------------------------------------------------------------------------------


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from . import _hooks

    if not hasattr(pluginmanager.hook, "pytest_factoryboy_done"):  # pytest-factoryboy's
        pluginmanager.add_hookspecs(_hooks)


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    group = parser.getgroup("async_factory_boy", "async_factory_boy")
    group.addoption(
        _factory_seed.OPTION,
        dest="factory_seed",
        default=None,
        metavar="N",
        help="seed factory_boy's random and Faker with N before each test "
        "(default: a random seed, printed in the header).",
    )
    parser.addini(
        _factory_seed.INI_OPTION,
        "seed for factory_boy's random and Faker (like --factory-seed).",
        default="",
    )
    parser.addini(
        _session.INI_OPTION,
        "session fixture per connection argument, one 'argument = fixture' per line "
        "(default: sqlalchemy_session = db_session, mongo_database = mongo_database).",
        type="linelist",
        default=[],
    )
    # Conftests call register() before pytest_configure: give it the config right away.
    _session.use_pluginmanager(pluginmanager)


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_factory_seed.seed_key] = _factory_seed.chosen_seed(config)


def pytest_report_header(config: pytest.Config) -> str:
    seed = config.stash[_factory_seed.seed_key]
    return f"async_factory_boy: factory seed {seed} (replay with --factory-seed={seed})"


def pytest_unconfigure(config: pytest.Config) -> None:
    _session.use_pluginmanager(None)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _session.check_session_fixtures(item)
    _factory_seed.reseed(item.config.stash[_factory_seed.seed_key])


def _is_model_fixture(function: object) -> bool:
    """Whether ``function`` is a model fixture made by ``register()`` (imports nothing)."""
    return hasattr(function, "_async_factory_boy_spec")


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    definitions = metafunc._arg2fixturedefs.values()
    if not any(defs and _is_model_fixture(defs[-1].func) for defs in definitions):
        return  # a project without registered factories never loads factory_boy here
    from ._model import related_fixture_names

    metafunc.fixturenames.extend(related_fixture_names(metafunc))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    """Finish the deferred model-fixture work, then call ``pytest_factoryboy_done``."""
    request: pytest.FixtureRequest | None = getattr(item, "_request", None)
    if request is None:
        return
    pending: FactoryboyRequest = request.getfixturevalue("factoryboy_request")
    pending.evaluate(request)
    item.config.hook.pytest_factoryboy_done(request=request)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_fixture_setup(
    fixturedef: Any, request: pytest.FixtureRequest
) -> Generator[None, Any, Any]:
    function = fixturedef.func
    if not _is_model_fixture(function):
        return (yield)
    from ._model import link_related, prepare, spec_of

    spec = spec_of(function)
    assert spec is not None
    create, links = prepare(spec, request)
    fixturedef.func = _loop.route(function, create, request)
    try:
        result = yield
    finally:
        fixturedef.func = function
    link_related(request, fixturedef, links)
    return result
