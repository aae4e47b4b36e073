"""The supported environments, declared once.

Each session is one Python (3.10 - 3.13) with one dependency set:

- ``oldest``: the lowest supported releases: SQLAlchemy 2.0, factory-boy 3.3.1,
  pytest-asyncio 0.24 (pyproject's floor), Django 4.2;
- ``newest``: the newest releases: SQLAlchemy 2.1, factory-boy 3.3.3, the newest
  pytest-asyncio, Django 6.x on Python >= 3.12 (Django 6 needs it), Django 5.2 before.

So every supported value of every axis runs somewhere. ``factory_boy_suite`` runs factory_boy's
own test suite on ``AsyncFactory`` (``tools/port_factory_boy_suite.py``, the oracle of the fast
resolution path) on both dependency sets, with the fast path off, on, and on with generated
builds.

``make test`` runs the whole suite on the main environment (.venv) and then the subset of these
sessions listed in the Makefile (``make nox``); ``nox -l`` lists them all,
``nox -s "tests-3.12(newest)" -- tests/core`` runs one on chosen paths. With no paths a
session runs the whole suite and the Django tests.

The venvs live in ``.nox/`` and are reused (``-r``). uv creates and fills them when it is
installed (the dev dependency group installs it from PyPI), otherwise virtualenv + pip.
"""

from __future__ import annotations

import glob
import os

import nox

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]

DEPENDENCY_SETS: dict[str, dict[str, str]] = {
    "oldest": {
        "sqlalchemy": "sqlalchemy[asyncio]>=2.0.20,<2.1",
        "factory-boy": "factory-boy==3.3.1",
        "pytest-asyncio": "pytest-asyncio==0.24.0",
        "django": "django>=4.2,<4.3",
    },
    "newest": {
        "sqlalchemy": "sqlalchemy[asyncio]>=2.1,<2.2",
        "factory-boy": "factory-boy==3.3.3",
        "pytest-asyncio": "pytest-asyncio",
        "django": "django>=6.0,<7",  # Python >= 3.12; Django 5.2 before (below)
    },
}
DJANGO_BEFORE_PY312 = "django>=5.2,<5.3"

DJANGO_TESTS = "tests/django"
DJANGO_DATABASES = ["sqlite", "postgres"]

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True
# As with the database servers (tests/_servers.py): a missing Python skips its sessions on a
# laptop, and fails the run under CI (CI=true), so a green CI means every session ran.
nox.options.error_on_missing_interpreters = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _add_pyenv_pythons_to_path() -> None:
    """Let nox (and uv) find ``python3.X`` of pyenv installs (the CI machines).

    pyenv's shims for versions that are not selected exist on PATH but fail when run, so the
    installs' own ``bin`` folders go first.
    """
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    extra = []
    for version in PYTHONS:
        extra += sorted(glob.glob(os.path.join(root, "versions", f"{version}.*", "bin")))[-1:]
    if extra:
        os.environ["PATH"] = os.pathsep.join([*extra, os.environ.get("PATH", "")])


_add_pyenv_pythons_to_path()
# uv must use these interpreters, never download one.
os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")


def _pins(python: str, dependency_set: str) -> dict[str, str]:
    pins = dict(DEPENDENCY_SETS[dependency_set])
    if dependency_set == "newest" and tuple(map(int, python.split("."))) < (3, 12):
        pins["django"] = DJANGO_BEFORE_PY312
    return pins


def _requirements(python: str, dependency_set: str) -> list[str]:
    return list(_pins(python, dependency_set).values())


@nox.session(python=PYTHONS)
@nox.parametrize("deps", list(DEPENDENCY_SETS), ids=list(DEPENDENCY_SETS))
def tests(session: nox.Session, deps: str) -> None:
    """The test suite (or the paths given after ``--``) on one Python and dependency set."""
    python = str(session.python)
    # The suite's dependencies are the `test` dependency group (pyproject.toml), read here
    # because uv's and pip's `--group` differ in which versions have it.
    test_group = nox.project.dependency_groups(nox.project.load_toml("pyproject.toml"), "test")
    session.install("-e", ".", *test_group, *_requirements(python, deps))
    paths = list(session.posargs) or ["tests", DJANGO_TESTS]
    others = [path for path in paths if not path.rstrip("/").startswith(DJANGO_TESTS)]
    options = ["-p", "no:cacheprovider", "-q"]
    if others:
        session.run("pytest", *options, *others)
    if len(others) < len(paths):
        for database in DJANGO_DATABASES:
            session.run(
                "pytest",
                *options,
                DJANGO_TESTS,
                "--ds=tests.django.settings",
                env={"AFB_DJANGO_DB": database},
            )


#: What factory_boy's own suite needs besides factory-boy, Django and SQLAlchemy (pinned by the
#: dependency set): its test extras (tox.ini of the sdist), and pip, which downloads the sdist.
FACTORY_BOY_SUITE_NEEDS = ["pytest>=8.2", "pillow>=10.0", "mongoengine", "mongomock", "pip"]
#: The Python each dependency set's factory_boy suite runs on (as ``make nox``'s sessions).
FACTORY_BOY_SUITE_PYTHONS = {"oldest": "3.10", "newest": "3.13"}


@nox.session
@nox.parametrize(
    "python,deps",
    [(python, deps) for deps, python in FACTORY_BOY_SUITE_PYTHONS.items()],
    ids=list(FACTORY_BOY_SUITE_PYTHONS),
)
def factory_boy_suite(session: nox.Session, deps: str) -> None:
    """factory_boy's own tests on AsyncFactory, fast path off, on, and with generated builds:
    no new difference."""
    pins = _pins(str(session.python), deps)
    del pins["pytest-asyncio"]  # the suite is sync: factory_boy's tests are unittest cases
    session.install("-e", ".", *pins.values(), *FACTORY_BOY_SUITE_NEEDS)
    session.run("python", "tools/port_factory_boy_suite.py", *session.posargs)
