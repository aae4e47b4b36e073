"""The pytest plugin: registered factories become async fixtures.

``register(UserFactory)`` defines ``user_factory`` (the factory bound to the session
fixture), ``user`` (awaited ``create_async`` with the session fixture) and ``user__<attr>``
fixtures, with pytest-factoryboy's names, override rules and public API (``register``,
``LazyFixture``, ``named_model``, ``get_model_name``, the ``factoryboy_request`` fixture and
the ``pytest_factoryboy_done`` hook). Model fixtures make the rows ``create_async`` makes,
and async tests may ask for them with ``request.getfixturevalue()`` (``_portal``). Tests
that use these fixtures (every test, once a seed is given) are reseeded from one seed
printed in the header, sequences included, so a test alone gets its full-run data
(``_factory_seed``); a suite that uses none runs as without the plugin.

This module is imported at every pytest start (``pytest11`` entry point), so it imports no
backend and no factory_boy itself; ``register`` loads what it needs when it is first used.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Generator, MutableMapping
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, overload

import pytest

from .._types import Function
from . import _factory_seed, _loop, _mongo_isolation, _portal, _session, _shared, _worker_db
from ._bound import FactoryFixture
from ._isolation import isolated_connection, isolated_session
from ._lazy import LazyFixture
from ._mongo_isolation import isolated_beanie, isolated_database, isolated_engine
from ._naming import factory_fixture_name, get_model_name, named_model
from ._request import PENDING, FactoryboyRequest, factoryboy_request
from ._request import async_factory_boy_request as async_factory_boy_request  # the fixture
from ._shared import copy_into, shared_data

if TYPE_CHECKING:
    from ._fixtures import RelatedLink

# -- Mongo test isolation: the plugin's fixtures ---------------------------------------------
# A database per test (its name carries the xdist worker), dropped after it, on the
# project's ``mongo_client`` fixture; ``beanie_document_models`` (what init_beanie binds) and
# ``odmantic_models`` (whose indexes to create) are for the project to override.
from ._mongo_isolation import (  # isort: skip
    beanie_document_models as beanie_document_models,
    beanie_test_database as beanie_test_database,
    mongo_test_database as mongo_test_database,
    odmantic_models as odmantic_models,
    odmantic_test_engine as odmantic_test_engine,
)

#: pytest-factoryboy's name for the ``factoryboy_request`` fixture's type.
Request = FactoryboyRequest

__all__ = [
    "FactoryFixture",
    "FactoryboyRequest",
    "LazyFixture",
    "Request",
    "copy_into",
    "factoryboy_request",
    "get_model_name",
    "isolated_beanie",
    "isolated_connection",
    "isolated_database",
    "isolated_engine",
    "isolated_session",
    "named_model",
    "register",
    "shared_data",
]

F = TypeVar("F", bound=type[object])


@overload
def register(
    factory_class: F,
    _name: str | None = ...,
    *,
    session_fixture: str | None = ...,
    _caller_locals: MutableMapping[str, object] | None = ...,
    **overrides: object,
) -> F: ...


@overload
def register(
    factory_class: None = ...,
    _name: str | None = ...,
    *,
    session_fixture: str | None = ...,
    _caller_locals: MutableMapping[str, object] | None = ...,
    **overrides: object,
) -> Callable[[F], F]: ...


def register(
    factory_class: F | None = None,
    _name: str | None = None,
    *,
    session_fixture: str | None = None,
    _caller_locals: MutableMapping[str, object] | None = None,
    **overrides: object,
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


def _caller_namespace() -> MutableMapping[str, object]:
    namespace: MutableMapping[str, object] = sys._getframe(2).f_locals
    return namespace


def _check_registrable(factory_class: type[object]) -> None:
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


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    _factory_seed.add_options(parser)
    parser.addini(
        _session.INI_OPTION,
        "session fixture per connection argument, one 'argument = fixture' per line "
        "(default: sqlalchemy_session = db_session, mongo_database = mongo_database).",
        type="linelist",
        default=[],
    )
    _worker_db.add_options(parser)
    # Conftests call register() before pytest_configure: give it the config right away.
    _session.use_pluginmanager(pluginmanager)


_pytest_factoryboy_key = pytest.StashKey[bool]()
_DJANGO_PLUGIN = "async_factory_boy.django"


@pytest.hookimpl(tryfirst=True)  # before pytest-randomly's: see _factory_seed.configure
def pytest_configure(config: pytest.Config) -> None:
    _factory_seed.configure(config)
    # pytest-factoryboy declares the same hook, and pluggy refuses a second declaration:
    # declare it here, once every plugin is loaded, only if pytest-factoryboy has not.
    manager = config.pluginmanager
    config.stash[_pytest_factoryboy_key] = any(
        getattr(plugin, "__name__", None) == "pytest_factoryboy.plugin"
        for plugin in manager.get_plugins()
    )
    caller = getattr(manager.hook, "pytest_factoryboy_done", None)
    if caller is None or caller.spec is None:
        from . import _hooks

        manager.add_hookspecs(_hooks)
    # pytest-django's plugin is named "django": with it come ``async_db``, the default
    # ``django_database`` and the check that Django fixtures roll back (``_django``).
    if manager.has_plugin("django") and not manager.has_plugin(_DJANGO_PLUGIN):
        from . import _django

        manager.register(_django, _DJANGO_PLUGIN)


def pytest_report_header(config: pytest.Config) -> str:
    return _factory_seed.header(config)


def pytest_unconfigure(config: pytest.Config) -> None:
    _session.use_pluginmanager(None)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _session.check_session_fixtures(item)
    _mongo_isolation.check_client(item)
    _factory_seed.setup_test(item, _uses_plugin_fixtures(item))


def _is_routed(function: object) -> bool:
    """Whether ``function`` is a fixture of the plugin's own that runs on the test's loop."""
    return hasattr(function, "_async_factory_boy_routed")


def _is_model_fixture(function: object) -> bool:
    """Whether ``function`` is a model fixture made by ``register()`` (imports nothing)."""
    return hasattr(function, "_async_factory_boy_spec")


def _uses_plugin_fixtures(item: pytest.Item) -> bool:
    """Whether the test sets up fixtures of this plugin (``register()``'s, the request's).

    A test taking ``request`` may ask for model fixtures with ``getfixturevalue()``: it
    counts too, once ``register()`` has made some.
    """
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    if "request" in info.argnames and _factory_seed.model_fixtures_defined():
        return True
    definitions = info.name2fixturedefs
    return any(
        hasattr(defs[-1].func, "_async_factory_boy_fixture")
        for name in info.names_closure
        if (defs := definitions.get(name))
    )


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    definitions = metafunc._arg2fixturedefs.values()
    if not any(defs and _is_model_fixture(defs[-1].func) for defs in definitions):
        return  # a project without registered factories never loads factory_boy here
    from ._model import related_fixture_names

    metafunc.fixturenames.extend(related_fixture_names(metafunc))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """Finish the deferred model-fixture work, call ``pytest_factoryboy_done``, run the test.

    The hook is left to pytest-factoryboy when it is installed too (it calls it for every
    test), so that it runs once. An async test that may ask for model fixtures with
    ``getfixturevalue`` runs in a portal (``_portal``).
    """
    request: pytest.FixtureRequest | None = getattr(item, "_request", None)
    if request is None:
        return (yield)
    pending = item.stash.get(PENDING, None)
    if pending is not None:
        pending.evaluate(request)
    if not item.config.stash[_pytest_factoryboy_key]:
        item.config.hook.pytest_factoryboy_done(request=request)
    _check_test_loop(item)
    if not _portal.wants_portal(item, _factory_seed.model_fixtures_defined):
        return (yield)
    assert isinstance(item, pytest.Function)
    function = item.obj
    item.obj = _portal.through_portal(function)
    try:
        return (yield)
    finally:
        item.obj = function


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[object], request: pytest.FixtureRequest
) -> Generator[None, object, object]:
    if fixturedef.scope == "function":
        return (yield from _set_up(fixturedef, request))
    with _factory_seed.around_fixture(fixturedef, request):
        return (yield from _set_up(fixturedef, request))


def _set_up(fixturedef: Any, request: pytest.FixtureRequest) -> Generator[None, object, object]:
    """Set one fixture up: a model fixture through ``_setup_function``, others as they are.

    ``fixturedef`` is untyped: pytest declares ``FixtureDef.func`` final, and the plugin
    swaps it for the time of the setup.
    """
    function = fixturedef.func
    suite_function = _suite_set_up(fixturedef, request)
    if suite_function is not None:
        fixturedef.func = suite_function
        try:
            return (yield)
        finally:
            fixturedef.func = function
    portal = _portal.in_portal()
    if (
        not _is_model_fixture(function)
        and not _is_routed(function)
        and not (
            _portal.is_async(function)
            and (portal or (_portal.loop_running() and _factory_seed.model_fixtures_defined()))
        )
    ):
        return (yield)
    links: list[RelatedLink] = []
    try:
        fixturedef.func = _setup_function(function, portal, request, links)
    except BaseException as exc:  # raised by pytest's setup itself, which caches it
        fixturedef.func = _raiser(exc)
    try:
        result = yield
    finally:
        fixturedef.func = function
    if links:
        from ._model import link_related

        link_related(request, fixturedef, links)
    return result


def _setup_function(
    function: Function, portal: bool, request: pytest.FixtureRequest, links: list[RelatedLink]
) -> Function:
    """What pytest calls in place of fixture ``function`` for this request.

    A model fixture creates its object on the test's loop (``_loop``) or, asked for with
    ``getfixturevalue()`` inside an async test, through the test's portal (``_portal``).
    Other fixtures are left alone, except an async one set up in a portal, which is awaited
    there too, or while an event loop runs (``getfixturevalue`` in an async fixture), which
    fails with what to do instead.
    """
    if not _is_model_fixture(function):  # an async fixture, in a portal or a running loop
        if portal:
            return _portal.async_fixture(function, request)
        _portal.check_no_running_loop(request)
        return _loop.route(function, function, request) if _is_routed(function) else function
    from ._model import prepare, spec_of

    spec = spec_of(function)
    assert spec is not None
    if not portal:
        _portal.check_no_running_loop(request)
    create, related = prepare(spec, request)
    links.extend(related)
    if portal:  # asked for with getfixturevalue() in an async test: its task awaits it
        return _portal.made_in_portal(create)
    return _loop.route(function, create, request)


def _raiser(error: BaseException) -> Function:
    """A fixture function raising ``error``: pytest then caches the failure as its own.

    Raising from this hook before pytest's own ``pytest_fixture_setup`` ran would leave the
    fixture half set up (finalizers registered, nothing cached).
    """

    def fail(**kwargs: object) -> NoReturn:
        raise error

    return fail


# -- whole suites (issue 21): shared data, loop scopes ---------------------------------------
# Kept apart from the rest of the hooks above: they call in here, and only here.


def _suite_set_up(
    fixturedef: pytest.FixtureDef[object], request: pytest.FixtureRequest
) -> Function | None:
    """What pytest calls in place of a fixture for the suite features, or ``None``.

    The once-per-scope half of a ``@shared_data`` fixture runs on the test's loop
    (``_shared.route``); any async fixture first has its event loop checked (``_loop``):
    one wider than its loop, or given an engine of another loop, fails with the setting to
    change, instead of a ``ScopeMismatch`` or "attached to a different loop" later.
    """
    function = fixturedef.func
    try:
        if _shared.is_shared_fixture(function):
            routed: Function = _shared.route(function, fixturedef, request)
            return routed
        if _is_model_fixture(function) or not _portal.is_async(function):
            return None  # a model fixture runs on its test's loop (``_loop.route``)
        _loop.check_fixture_loop(fixturedef, function, request)
        config = request.config
        loop_scope = _loop.asyncio_fixture_loop_scope(function, fixturedef.scope, config)
        _loop.check_arguments(
            f"fixture {fixturedef.argname!r}",
            loop_scope,
            fixturedef.argnames,
            request._arg2fixturedefs,
            config,
        )
    except BaseException as exc:  # pytest.fail: cached by pytest as the fixture's failure
        return _raiser(exc)
    return None


def _check_test_loop(item: pytest.Item) -> None:
    """Fail an asyncio test given an engine (or session) of another event loop (``_loop``)."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return
    _loop.check_arguments(
        f"test {item.name!r}",
        _loop.test_loop_scope(item),
        info.argnames,
        info.name2fixturedefs,
        item.config,
    )


# -- a test database per xdist worker (_worker_db) --------------------------------------------
# The fixtures: pytest finds them in this plugin module. Nothing is imported or connected
# unless a test asks for them.
from ._worker_db import db_engine as db_engine  # noqa: E402
from ._worker_db import factory_db_schema as factory_db_schema  # noqa: E402
from ._worker_db import factory_db_url as factory_db_url  # noqa: E402
from ._worker_db import worker_database as worker_database  # noqa: E402


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: _worker_db.WorkerNode, error: object) -> None:
    """xdist controller: note the PostgreSQL template a finished worker made."""
    _worker_db.collect_templates(node)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """xdist controller: drop the templates once every worker is done (unless kept)."""
    if not hasattr(session.config, "workerinput"):
        _worker_db.drop_templates(session.config)
