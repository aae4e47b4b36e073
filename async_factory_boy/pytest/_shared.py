"""Data made once per module, class or session, seen by every test of it, isolated per test.

Django's ``TestCase.setUpTestData`` for async SQLAlchemy suites. Transactions on one
connection, held by a fixture of the scope (:func:`~._isolation.isolated_connection`)::

    BEGIN                                 the scope's transaction (module fixture)
    |  INSERT organisation, members       shared data, made once, committed into it
    |  SAVEPOINT test_1                   test 1's isolated_session(connection)
    |  |  ... the test and the app ...    commits, rollbacks, factory calls
    |  ROLLBACK TO SAVEPOINT test_1       test 1 is gone, the shared rows are intact
    |  SAVEPOINT test_2 ... ROLLBACK TO   test 2 sees the same shared rows
    ROLLBACK                              end of the scope: the shared rows are gone

``@shared_data`` turns an ``async def`` that makes the data into two fixtures: a hidden one
of the scope that runs it once, with a session committing into the scope's transaction
(its objects then detached, every attribute they had loaded kept), and the visible one,
per test, which hands the test *copies* of those objects merged into the test's session
without SQL (``merge(load=False)``). The copies belong to the test's session (no
``MissingGreenlet`` on what was loaded, no "attached to another session"), and what a test
changes on them never reaches the next test, as Django's ``TestData`` deep copy does.
"""

from __future__ import annotations

import dataclasses
import inspect
import sys
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeGuard, TypeVar, cast, overload

import pytest

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["copy_into", "is_shared_fixture", "route", "shared_data"]

T = TypeVar("T")
Scope = Literal["session", "package", "module", "class"]
Maker = Callable[..., Awaitable[object]]


class SharedFixture(Protocol):
    """The once-per-scope half of a ``@shared_data`` fixture, as ``_define`` marks it."""

    _async_factory_boy_shared: _Spec

    def __call__(self, **kwargs: object) -> Awaitable[object]: ...


_SCOPES = ("function", "class", "module", "package", "session")


@overload
def shared_data(function: Maker, /) -> Any: ...


@overload
def shared_data(
    function: None = ...,
    /,
    *,
    scope: Scope = ...,
    connection: str = ...,
    session: str = ...,
    name: str | None = ...,
    class_: type[AsyncSession] | None = ...,
) -> Callable[[Maker], Any]: ...


def shared_data(
    function: Maker | None = None,
    /,
    *,
    scope: Scope = "module",
    connection: str = "db_connection",
    session: str = "db_session",
    name: str | None = None,
    class_: type[AsyncSession] | None = None,
    _caller_locals: MutableMapping[str, object] | None = None,
) -> object:
    """Make a fixture whose data is created once per ``scope`` and copied into each test.

    The decorated ``async def`` receives, as its first argument, a session committing into
    the transaction of the ``connection`` fixture (an
    :func:`~async_factory_boy.pytest.isolated_connection` held by a fixture of ``scope``),
    and fixtures of that scope or wider by name as its other arguments. What it returns (an
    ORM object, or a list, tuple or dict of them, or anything else) is made once per scope;
    each test asking for the fixture gets copies of its ORM objects in the test's
    ``session`` fixture (``isolated_session(connection)``)::

        @shared_data
        async def acme(session):
            return await OrganisationFactory.create_async(sqlalchemy_session=session)

        async def test_billing(acme, db_session):
            assert acme in db_session  # a copy, loaded attributes and all

    Args:
        scope: the scope the data lives for; that of the ``connection`` fixture.
        connection: the fixture holding the scope's connection and transaction.
        session: the test's session fixture, which the copies are merged into.
        name: the fixture's name; default: the function's.
        class_: the class of the session the function is given (e.g. SQLModel's
            ``AsyncSession``); default: SQLAlchemy's.

    Raises:
        RegistrationError: ``function`` is not an ``async def``, or ``scope`` is unknown.
    """
    namespace = _caller_locals if _caller_locals is not None else sys._getframe(1).f_locals

    def decorate(function: Maker) -> object:
        spec = _Spec(function, scope, connection, session, name, class_)
        return _define(spec, namespace)

    return decorate if function is None else decorate(function)


#: The names of the ``@shared_data`` fixtures defined so far (conftests come first).
_shared_names: set[str] = set()


@dataclasses.dataclass(frozen=True)
class _Spec:
    """What ``@shared_data(...)`` was given."""

    make: Maker
    scope: str
    connection: str
    session: str
    name: str | None
    class_: type[AsyncSession] | None
    #: hidden fixture name -> parameter name, for the other shared fixtures it takes.
    renames: Mapping[str, str] = dataclasses.field(default_factory=dict)


def _define(spec: _Spec, namespace: MutableMapping[str, object]) -> object:
    """Define the two fixtures of ``spec`` in ``namespace``; return the visible one."""
    from ..errors import RegistrationError
    from . import _fixtures
    from ._fixtures import _inject, _set_signature

    function, scope, connection, session = spec.make, spec.scope, spec.connection, spec.session
    label = getattr(function, "__name__", repr(function))
    if not inspect.iscoroutinefunction(function):
        raise RegistrationError(
            f"@shared_data {label}: decorate an `async def` that makes the data with the "
            "session it is given, e.g. `async def acme(session): return await "
            "OrgFactory.create_async(sqlalchemy_session=session)`."
        )
    if scope not in _SCOPES[1:]:
        raise RegistrationError(
            f"@shared_data(scope={scope!r}) {label}: the scope must be one of "
            f"{', '.join(map(repr, _SCOPES[1:]))} (a function-scoped fixture needs no sharing)."
        )
    fixture_name = spec.name or label
    hidden = _hidden(fixture_name)
    parameters = list(inspect.signature(function).parameters)[1:]
    # Another @shared_data fixture is passed as its shared value, not as a test's copy.
    renames = {_hidden(p): p for p in parameters if p in _shared_names}
    argnames = [connection, *(_hidden(p) if p in _shared_names else p for p in parameters)]
    _shared_names.add(fixture_name)

    async def make_once(**kwargs: object) -> None:
        raise RuntimeError(  # pragma: no cover - replaced by the plugin's setup hook
            f"{fixture_name}: shared data is set up by async_factory_boy's pytest plugin; "
            "is it disabled (-p no:async_factory_boy)?"
        )

    make_once.__doc__ = f"{fixture_name}'s data, made once per {scope}."
    make_once._force_asyncio_fixture = True  # type: ignore[attr-defined]  # a marker attribute set on a function object
    make_once._async_factory_boy_shared = dataclasses.replace(  # type: ignore[attr-defined]  # a marker attribute set on a function object
        spec, renames=renames
    )
    make_once._async_factory_boy_fixture = True  # type: ignore[attr-defined]  # a marker attribute set on a function object
    _set_signature(make_once, argnames)
    make_once.__name__ = make_once.__qualname__ = hidden
    _inject(namespace, hidden, make_once, scope=scope)

    def per_test(**kwargs: Any) -> Any:
        return copy_into(kwargs[session], kwargs[hidden])

    per_test.__doc__ = function.__doc__ or f"A copy of {fixture_name}'s shared data."
    per_test._async_factory_boy_fixture = True  # type: ignore[attr-defined]  # a marker attribute set on a function object
    _set_signature(per_test, [session, hidden])
    per_test.__name__ = per_test.__qualname__ = fixture_name
    _inject(namespace, fixture_name, per_test)
    # Like register()'s fixtures: wider-scoped fixtures then get sequence numbers of their
    # own (``_factory_seed``), so a test's factories never collide with the shared rows.
    _fixtures.model_fixtures_defined = True
    return namespace[fixture_name]


def _hidden(name: str) -> str:
    """The name of the once-per-scope half of shared fixture ``name``."""
    return f"_{name}_shared"


def is_shared_fixture(function: object) -> TypeGuard[SharedFixture]:
    """Whether ``function`` is the once-per-scope half of a ``@shared_data`` fixture."""
    return hasattr(function, "_async_factory_boy_shared")


def route(
    function: SharedFixture, fixturedef: pytest.FixtureDef[object], request: pytest.FixtureRequest
) -> Callable[..., object]:
    """What pytest runs in place of the once-per-scope half, on the tests' event loop.

    The data is made on the loop the test runs on (``_loop.route``), which must live at
    least as long as the scope: else the plugin fails here, naming the setting.
    """
    from . import _loop

    spec = function._async_factory_boy_shared

    async def create(**kwargs: Any) -> object:
        from ._isolation import session_on

        connection = kwargs.pop(spec.connection)
        async with session_on(connection, class_=spec.class_, expire_on_commit=False) as session:
            for hidden, name in spec.renames.items():
                kwargs[name] = copy_into(session, kwargs.pop(hidden))
            value = await spec.make(session, **kwargs)
            await session.commit()
            for obj in _orm_objects(value):
                await _load_relationships(session, obj)
        return value

    routed = _loop.route(function, create, request)
    _loop.check_fixture_loop(fixturedef, routed, request)
    return routed


def _orm_objects(value: object) -> list[object]:
    """The ORM objects in ``value``, found as :func:`copy_into` finds them."""
    found: list[object] = []
    _walk(value, found.append)
    return found


def _walk(value: object, visit: Callable[[object], object]) -> object:
    """``value`` with each ORM object replaced by ``visit(object)``; containers copied."""
    from sqlalchemy import inspect as sa_inspect
    from sqlalchemy.orm.state import InstanceState

    if isinstance(value, list):
        return [_walk(element, visit) for element in value]
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(_walk(element, visit) for element in value)
    if isinstance(value, dict):
        return {key: _walk(element, visit) for key, element in value.items()}
    if not isinstance(sa_inspect(value, raiseerr=False), InstanceState):
        return value
    return visit(value)


async def _load_relationships(session: AsyncSession, obj: object) -> None:
    """Load the relationships ``obj`` has not loaded, while a session may still await.

    A test reading ``author.posts`` on its copy then finds them, instead of a lazy load
    that async code cannot run (``MissingGreenlet``). One level: the objects loaded have
    the relationships their own loading gave them.
    """
    from sqlalchemy import inspect as sa_inspect

    state = sa_inspect(obj)
    unloaded = sorted(state.unloaded & set(state.mapper.relationships.keys()))
    if unloaded and state.persistent:
        await session.refresh(obj, attribute_names=unloaded)


def copy_into(session: AsyncSession, value: T) -> T:
    """``value`` with each ORM object replaced by its copy in ``session``, without SQL.

    Lists, tuples and dicts are copied along; other values are returned as they are. The
    copy is ``merge(load=False)``'s: the attributes the object had loaded (relationships
    included, along their ``merge`` cascade), persistent in ``session``; objects equal by
    identity become one copy, as in any session.
    """
    from sqlalchemy.ext.asyncio import AsyncSession

    sync_session = session.sync_session if isinstance(session, AsyncSession) else session
    # _walk rebuilds ``value``'s containers as they were: the copy has ``value``'s type.
    return cast(T, _walk(value, lambda obj: sync_session.merge(obj, load=False)))
