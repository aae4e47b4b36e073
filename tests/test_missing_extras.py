"""Every public module, imported without its extra, names the extra to install.

One subprocess for all of them (an interpreter start costs more than the imports): a
meta-path finder makes the drivers of an extra look uninstalled, the package is imported
afresh for each case, and the outcomes come back as JSON.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from tests.seed.conftest import ROOT, seed_env

# Every optional top-level package an extra brings (what a core-only install lacks).
_EVERY_DRIVER = [
    "aiosqlite",
    "beanie",
    "bson",
    "dask",
    "distributed",
    "django",
    "gridfs",
    "motor",
    "odmantic",
    "pymongo",
    "sqlalchemy",
    "tortoise",
]

# (what is run, the packages hidden, the extra the error must name); ``None``: it must work.
_CASES: list[tuple[str, list[str], str | None]] = [
    ("import async_factory_boy.factory.sqlalchemy", ["sqlalchemy"], "sqlalchemy"),
    ("import async_factory_boy.factory.mongo", ["pymongo", "bson"], "mongo"),
    ("import async_factory_boy.factory.django", ["django"], "django"),
    ("import async_factory_boy.factory.tortoise", ["tortoise"], "tortoise"),
    ("import async_factory_boy.factory.beanie", ["beanie"], "beanie"),
    ("import async_factory_boy.factory.odmantic", ["odmantic"], "odmantic"),
    ("import async_factory_boy.dask", ["distributed"], "dask"),
    ("import async_factory_boy.dask", ["dask", "distributed"], "dask"),
    # An extra's other drivers missing: the extra the user asked for is named, not a driver's.
    ("import async_factory_boy.factory.beanie", ["pymongo", "bson"], "beanie"),
    ("import async_factory_boy.factory.odmantic", ["motor"], "odmantic"),
    ("import async_factory_boy.factory.odmantic", ["pymongo", "bson"], "odmantic"),
    ("import async_factory_boy.factory.sqlalchemy", ["aiosqlite"], None),  # SQLite only
    ("import async_factory_boy.factory.mongo", ["motor"], None),  # PyMongo's async client
    (
        "from async_factory_boy.persistence import SQLAlchemyPersistence; "
        "SQLAlchemyPersistence(object())",
        ["sqlalchemy"],
        "sqlalchemy",
    ),
    # The core, the persistence handlers, the pytest plugin and the command line itself
    # need no extra at all.
    *(
        (f"import {module}", _EVERY_DRIVER, None)
        for module in [
            "async_factory_boy",
            "async_factory_boy.errors",
            "async_factory_boy.backends",
            "async_factory_boy.factory",
            "async_factory_boy.persistence",
            "async_factory_boy.pytest",
            "async_factory_boy.__main__",
        ]
    ),
]

_SCRIPT = """
import importlib.abc, io, json, sys

HIDDEN = set()


class HideDrivers(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in HIDDEN:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, HideDrivers())
cases, every_driver = json.loads(sys.argv[1]), set(json.loads(sys.argv[2]))


def hide(packages):
    # Hide ``packages`` and forget every import of a driver or of the library.
    HIDDEN.clear()
    HIDDEN.update(packages)
    forgotten = every_driver | {"async_factory_boy"}
    for name in [name for name in sys.modules if name.partition(".")[0] in forgotten]:
        del sys.modules[name]


results = []
for statement, hidden, _ in cases:
    hide(hidden)
    try:
        exec(statement, {})
    except ImportError as exc:
        results.append([type(exc).__name__, getattr(exc, "extra", None), str(exc)])
    else:
        results.append(None)

# The seed command on a core-only install: one line naming the extra, exit status 1.
hide(every_driver)
from async_factory_boy.__main__ import main

sys.stderr = err = io.StringIO()
status = main(["seed", "myapp.factories:PostFactory", "--url", "sqlite+aiosqlite:///x.db"])
sys.stderr = sys.__stderr__
print(json.dumps({"imports": results, "seed": [status, err.getvalue()]}))
"""


@pytest.fixture(scope="module")
def outcomes() -> dict[str, list[object]]:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(_SCRIPT),
            json.dumps(_CASES),
            json.dumps(_EVERY_DRIVER),
        ],
        cwd=ROOT,
        env=seed_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found: dict[str, list[object]] = json.loads(result.stdout)
    return found


@pytest.mark.parametrize(
    ("index", "case"),
    list(enumerate(_CASES)),
    ids=[statement.split(";")[0].split()[-1] for statement, _, _ in _CASES],
)
def test_a_public_module_without_its_extra(
    outcomes: dict[str, list[object]], index: int, case: tuple[str, list[str], str | None]
) -> None:
    _, hidden, extra = case
    outcome = outcomes["imports"][index]
    if extra is None:
        assert outcome is None, outcome
        return
    assert isinstance(outcome, list), "imported although its driver is missing"
    kind, named, message = outcome
    assert (kind, named) == ("MissingDependencyError", extra), message
    assert f'pip install "async-factory-boy[{extra}]"' in str(message)
    assert any(f"needs {name!r}" in str(message) for name in hidden), message  # what is missing


def test_the_seed_command_without_sqlalchemy(outcomes: dict[str, list[object]]) -> None:
    status, stderr = outcomes["seed"]
    assert status == 1
    [line] = str(stderr).splitlines()
    assert line.startswith("error: ")
    assert 'pip install "async-factory-boy[sqlalchemy]"' in line
