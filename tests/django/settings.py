"""Django settings for the backend's tests: ``pytest tests/django --ds=tests.django.settings``.

The database is chosen by ``AFB_DJANGO_DB``: ``sqlite`` (default) or ``postgres`` (psycopg 3,
the server at ``POSTGRES_HOST:POSTGRES_PORT``). Each run gets test databases of its own
(``test_afb_dj_<pid>_<random>``), so concurrent runs on one server never collide. Two aliases,
``default`` and ``other``, exercise database routing.
"""

from __future__ import annotations

import os
import secrets
import tempfile

from tests import _servers

DATABASE = os.environ.get("AFB_DJANGO_DB", "sqlite")
if DATABASE not in {"sqlite", "postgres"}:
    raise RuntimeError(f"AFB_DJANGO_DB must be 'sqlite' or 'postgres', not {DATABASE!r}")

RUN_ID = f"afb_dj_{os.getpid()}_{secrets.token_hex(3)}"
ALIASES = ("default", "other")


def _database(alias: str) -> dict[str, object]:
    test_name = f"test_{RUN_ID}_{alias}"
    if DATABASE == "sqlite":
        path = os.path.join(tempfile.gettempdir(), f"{test_name}.sqlite3")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path, "TEST": {"NAME": path}}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "postgres",  # only used to create and drop the test databases
        "USER": _servers.POSTGRES_USER,
        "HOST": _servers.POSTGRES_HOST,
        "PORT": str(_servers.POSTGRES_PORT),
        "TEST": {"NAME": test_name},
    }


DATABASES = {alias: _database(alias) for alias in ALIASES}

SECRET_KEY = "tests-only-not-secret"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "tests.django.testapp.apps.TestAppConfig",
]
AUTH_USER_MODEL = "testapp.User"
# Hashing with the default PBKDF2 takes ~100 ms per password; the tests only need a real hash.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ROOT_URLCONF = "tests.django.urls"
MIDDLEWARE: list[str] = []
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Replaced per test by the ``media_root`` fixture; never the working directory.
MEDIA_ROOT = os.path.join(tempfile.gettempdir(), f"{RUN_ID}_media")
