"""Setting up one model fixture: gather its values, create the object, link related ones.

pytest calls fixture functions synchronously and the object is created by awaiting
``create_async`` on the test's event loop, where no other fixture can be asked for (the
loop is running). So all the pytest-side work happens here, in the plugin's
``pytest_fixture_setup``, before and after the awaited part:

* before: read the attribute fixtures, evaluate :class:`LazyFixture` values (from
  ``register()``, the factory's declarations or ``parametrize``), find the session
  fixture (the ``persistence`` handler fixture only if one is defined);
* the awaited part: ``create_async`` with those values; RelatedFactory declarations that
  link to a model fixture (:func:`follows`) are passed a value, which tells factory_boy not
  to create them; every other RelatedFactory (and RelatedFactoryList) is made by
  ``create_async`` itself, so the fixture's rows are the rows ``create_async`` makes;
* after (the object is cached by then): ask for the linked related fixtures, whose
  SubFactory back to this model gets this very object; if one of them is already being set
  up further up the chain, that is a cycle, and the lookup is deferred to
  ``factoryboy_request`` (done just before the test runs).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable
from typing import Any

import pytest

from .._types import Instance
from ._fixtures import NOT_PROVIDED, ModelSpec, RelatedLink, optional_fixture
from ._lazy import LazyFixture
from ._request import Deferred, FactoryboyRequest

#: The plugin's own name for the ``factoryboy_request`` fixture (see ``_request``).
REQUEST_FIXTURE = "_async_factory_boy_request"

__all__ = ["follows", "link_related", "prepare", "related_fixture_names", "spec_of"]

Create = Callable[..., Coroutine[object, object, Instance]]
#: The definition of a fixture in effect for a test, or ``None`` (pytest's ``FixtureDef``).
Lookup = Callable[[str], "pytest.FixtureDef[object] | None"]


def spec_of(function: object) -> ModelSpec | None:
    """The :class:`ModelSpec` of a model fixture function made by ``register()``."""
    spec: ModelSpec | None = getattr(function, "_async_factory_boy_spec", None)
    return spec


def prepare(spec: ModelSpec, request: pytest.FixtureRequest) -> tuple[Create, list[RelatedLink]]:
    """The coroutine function creating the object, and the related links to follow."""
    factoryboy_request: FactoryboyRequest = request.getfixturevalue(REQUEST_FIXTURE)
    factoryboy_request.evaluate(request)
    registration = spec.registration
    factory_class = request.getfixturevalue(registration.factory_name)

    kwargs = {key: _resolve(request, value) for key, value in spec.constants.items()}
    for attr, argname in spec.attribute_fixtures.items():
        value = request.getfixturevalue(argname)
        if isinstance(value, LazyFixture):
            kwargs[attr] = value.evaluate(request)
        elif value is not NOT_PROVIDED and value is not spec.defaults.get(attr, NOT_PROVIDED):
            kwargs[attr] = value
    linked = [link for link in spec.related if follows(spec, link, _lookup(request))]
    for link in linked:
        kwargs[link.attr] = None  # made by the related fixture, after this object
    fixture, argument = registration.session_fixture, registration.connection_argument
    if fixture is not None and argument is not None:
        if registration.session_required:
            connection = request.getfixturevalue(fixture)
        else:
            connection = optional_fixture(request, fixture)
        if connection is not None:
            kwargs[argument] = connection

    async def create(**_: object) -> Instance:
        return await factory_class.create_async(**kwargs)

    return create, linked


def link_related(
    request: pytest.FixtureRequest,
    fixturedef: pytest.FixtureDef[object],
    links: Iterable[RelatedLink],
) -> None:
    """Ask for the related fixtures of a model fixture whose object is now cached."""
    deferred: list[Deferred] = []
    model = request.fixturename or ""
    # The object is cached, but pytest records the fixture as done only once this hook
    # returns; until then a related fixture asking for it would look like a recursion.
    request._fixture_defs[model] = fixturedef
    for link in links:
        if _blocked(request, link.model):
            deferred.append(Deferred(link.argname, model, _blocked_for(link.model)))
        else:
            request.getfixturevalue(link.argname)
    factoryboy_request: FactoryboyRequest = request.getfixturevalue(REQUEST_FIXTURE)
    factoryboy_request.defer(deferred)
    factoryboy_request.evaluate(request)  # what waited for this object, if anything


def _blocked_for(model: str) -> Callable[[pytest.FixtureRequest], bool]:
    return lambda request: _blocked(request, model)


def _blocked(request: pytest.FixtureRequest, model: str) -> bool:
    """Whether fixture ``model``, or one it needs, is being set up at or above ``request``."""
    in_progress = _in_progress(request)
    if not in_progress:
        return False
    return bool(in_progress & _closure(request, model))


def _in_progress(request: pytest.FixtureRequest) -> set[str]:
    """Fixtures of ``request``'s chain whose setup is under way (no value cached yet)."""
    names: set[str] = set()
    current: Any = request
    while current is not None:
        fixturedef = getattr(current, "_fixturedef", None)
        if fixturedef is not None and fixturedef.cached_result is None:
            names.add(current.fixturename)
        current = getattr(current, "_parent_request", None)
    return names


def _closure(request: pytest.FixtureRequest, name: str) -> set[str]:
    """``name`` and every fixture it needs, as far as their definitions say."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen or current == "request":
            continue
        seen.add(current)
        for fixturedef in _fixturedefs(request, current)[-1:]:
            todo.extend(fixturedef.argnames)
    return seen


def _fixturedefs(request: pytest.FixtureRequest, name: str) -> list[pytest.FixtureDef[object]]:
    """The definitions of fixture ``name`` visible to the test (pytest's own lookup)."""
    item = request.node if isinstance(request.node, pytest.Item) else request._pyfuncitem
    manager = request._fixturemanager
    return list(manager.getfixturedefs(name, item) or ())


def _lookup(request: pytest.FixtureRequest) -> Lookup:
    def definition(name: str) -> pytest.FixtureDef[object] | None:
        defs = _fixturedefs(request, name)
        return defs[-1] if defs else None

    return definition


def follows(spec: ModelSpec, link: RelatedLink, lookup: Lookup) -> bool:
    """Whether the related model fixture makes the object ``link``'s RelatedFactory would.

    That is when ``link.model`` is ``register(F)``'s model fixture for the RelatedFactory's
    own factory ``F``, registered without attribute values, and its attribute named by
    ``factory_related_name`` is a SubFactory taken from this very model fixture (a model
    registered under another name, ``register(OrgFactory, "staffed_org")``, is not what
    ``member__organization`` gives). Otherwise the factory makes the related object.
    """
    related = lookup(link.model)
    related_spec = None if related is None else spec_of(related.func)
    if related_spec is None or related_spec.registered:
        return False
    if related_spec.registration.factory_class is not link.factory:
        return False
    argname = related_spec.attribute_fixtures.get(link.related_name)
    back = None if argname is None else lookup(argname)
    links_to = getattr(getattr(back, "func", None), "_async_factory_boy_links_to", None)
    return links_to == spec.registration.model_name


def _resolve(request: pytest.FixtureRequest, value: object) -> Any:
    return value.evaluate(request) if isinstance(value, LazyFixture) else value


def related_fixture_names(metafunc: pytest.Metafunc) -> list[str]:
    """Fixtures a test needs because its model fixtures link to related ones.

    ``test(book)`` also sets up ``edition`` (BookFactory's RelatedFactory) and its
    attribute fixtures, so ``@pytest.mark.parametrize("edition__year", ...)`` is valid
    there. Only fixtures that exist for the test are added, and it follows links of links.
    """
    definition = metafunc.definition
    manager = definition.session._fixturemanager

    def lookup(name: str) -> pytest.FixtureDef[object] | None:
        defs = manager.getfixturedefs(name, definition)
        return defs[-1] if defs else None

    names = set(metafunc.fixturenames)
    added: list[str] = []
    todo = [defs[-1] for defs in metafunc._arg2fixturedefs.values() if defs]
    while todo:
        spec = spec_of(todo.pop().func)
        if spec is None:
            continue
        for link in spec.related:
            if not follows(spec, link, lookup):
                continue
            for name in (link.model, link.argname, *link.model_attributes):
                defs = manager.getfixturedefs(name, definition)
                if name in names or not defs:
                    continue
                names.add(name)
                added.append(name)
                todo.append(defs[-1])
    return added
