"""Errors of the Django backend: an unknown model string or database alias, Django not set up.

They subclass both this library's errors and the exception Django itself would raise, so
``except LookupError`` / ``except ImproperlyConfigured`` written for factory_boy still work.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured  # type: ignore[import-untyped]  # Django ships no type hints (django-stubs is not a dependency)
from django.utils.connection import ConnectionDoesNotExist  # type: ignore[import-untyped]  # Django ships no type hints (django-stubs is not a dependency)

from ...errors import FactoryConfigurationError, MissingSessionError

__all__ = [
    "DjangoDatabaseNotFoundError",
    "DjangoModelNotFoundError",
    "DjangoNotConfiguredError",
    "check_django_ready",
]


class DjangoModelNotFoundError(FactoryConfigurationError, LookupError):
    """``Meta.model`` is a string that names no installed Django model."""


class DjangoDatabaseNotFoundError(FactoryConfigurationError, ConnectionDoesNotExist):  # type: ignore[misc]  # Django's exception classes are Any to mypy (no stubs)
    """``Meta.database`` or a call's ``django_database=`` is not a key of DATABASES."""


class DjangoNotConfiguredError(MissingSessionError, ImproperlyConfigured):  # type: ignore[misc]  # Django's exception classes are Any to mypy (no stubs)
    """A Django factory was used before Django's settings and app registry were set up."""


def check_django_ready(factory_name: str) -> None:
    """Raise :class:`DjangoNotConfiguredError` unless settings are configured and apps loaded."""
    from django.apps import apps  # type: ignore[import-untyped]  # Django ships no type hints (django-stubs is not a dependency)
    from django.conf import settings  # type: ignore[import-untyped]  # Django ships no type hints (django-stubs is not a dependency)

    if not settings.configured:
        raise DjangoNotConfiguredError(
            f"{factory_name} is a Django factory but Django is not configured: set "
            "DJANGO_SETTINGS_MODULE (with pytest-django: `--ds=...` or `DJANGO_SETTINGS_MODULE` "
            "in the pytest options) or call settings.configure(), then django.setup()."
        )
    if not apps.ready:
        raise DjangoNotConfiguredError(
            f"{factory_name} is a Django factory but Django's apps are not loaded yet: call "
            "django.setup() before using it (pytest-django does this for you)."
        )
