"""Which fixture hands a registered factory its session, and under which keyword.

A backend declares the keyword arguments that carry its connection
(``_connection_arguments``); the first one is what the model fixture passes. The plugin
maps it to a fixture name, read from the backend registry (``async_factory_boy._backends``:
each entry names its default fixtures) without importing any backend:

=======================  ====================
connection argument      default fixture
=======================  ====================
``sqlalchemy_session``   ``db_session``
``mongo_database``       ``mongo_database``
``mongo_session``        ``mongo_session``
``odmantic_engine``      ``odmantic_engine``
``tortoise_connection``  ``tortoise_connection``
``django_database``      ``django_database``
anything else            the argument's name
=======================  ====================

Beanie factories take their database from ``init_beanie`` and only an optional
``mongo_session``: their fixture runs ``init_beanie`` and yields a session or ``None``.

The ini option ``async_factory_boy_session_fixtures`` changes the mapping, one
``argument = fixture`` pair per line; ``register(..., session_fixture=...)`` wins over both.
"""

from __future__ import annotations

import pytest

from .._backends import default_fixtures
from .._types import FactoryClass

__all__ = [
    "DEFAULT_SESSION_FIXTURES",
    "INI_OPTION",
    "configured_mapping",
    "session_for",
    "use_pluginmanager",
]

INI_OPTION = "async_factory_boy_session_fixtures"

#: The built-in backends' default fixtures, from the backend registry (a backend registered
#: later adds its own: :func:`configured_mapping` reads the registry when it runs).
DEFAULT_SESSION_FIXTURES = default_fixtures()

# register() runs while conftests are imported, before ``pytest_configure`` hands out the
# config; the plugin manager exists from the start and holds the config as "pytestconfig".
_pluginmanager: pytest.PytestPluginManager | None = None


def use_pluginmanager(pluginmanager: pytest.PytestPluginManager | None) -> None:
    """Read the ini mapping through ``pluginmanager`` from now on (``None``: defaults only)."""
    global _pluginmanager
    _pluginmanager = pluginmanager


def _config() -> pytest.Config | None:
    if _pluginmanager is None:
        return None
    config: pytest.Config | None = _pluginmanager.get_plugin("pytestconfig")
    return config


#: The core's per-call handler argument: its fixture is used only where one is defined.
HANDLER_ARGUMENT = "persistence"


def session_for(
    factory_class: FactoryClass, explicit: str | None
) -> tuple[str | None, str | None, bool]:
    """``(fixture name, connection argument, required)`` for ``factory_class``.

    A plain ``AsyncFactory`` (no backend) has only the ``persistence`` handler argument:
    its fixture, ``persistence``, is optional, so such factories build their objects
    without persisting unless the test or a conftest defines one.
    """
    arguments: tuple[str, ...] = getattr(factory_class, "_connection_arguments", ())
    if not arguments:
        return explicit, None, explicit is not None
    argument = arguments[0]
    if explicit is not None:
        return explicit, argument, True
    fixture = configured_mapping().get(argument, argument)
    return fixture, argument, argument != HANDLER_ARGUMENT


def configured_mapping() -> dict[str, str]:
    """The defaults, updated with the ini option's ``argument = fixture`` lines."""
    mapping = default_fixtures()
    config = _config()
    lines: list[str] = config.getini(INI_OPTION) if config is not None else []
    for line in lines:
        argument, separator, fixture = line.partition("=")
        if not separator or not argument.strip() or not fixture.strip():
            raise pytest.UsageError(
                f"{INI_OPTION}: expected lines like 'sqlalchemy_session = my_session', "
                f"got {line!r}."
            )
        mapping[argument.strip()] = fixture.strip()
    return mapping


def check_session_fixtures(item: pytest.Item) -> None:
    """Fail clearly, before setup, if a model fixture's session fixture is not defined.

    Without this, pytest would report "fixture 'db_session' not found" with no word on
    where the name comes from or how to choose another one.
    """
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return
    definitions = info.name2fixturedefs
    for name in info.names_closure:
        fixturedefs = definitions.get(name)
        registration = fixturedefs and getattr(
            fixturedefs[-1].func, "_async_factory_boy_registration", None
        )
        if (
            registration is None
            or not registration.session_required
            or registration.session_fixture in (None, *definitions)
        ):
            continue
        pytest.fail(
            f"async_factory_boy: no fixture named {registration.session_fixture!r} is "
            f"defined. Fixture {name!r} (register({registration.factory_class.__name__})) "
            "passes it to create_async() as "
            f"{registration.connection_argument}=. Define an async fixture named "
            f"{registration.session_fixture!r} (in conftest.py) that yields it, or choose "
            f"another fixture with register(..., session_fixture=...) or the ini option "
            f"{INI_OPTION}.",
            pytrace=False,
        )
