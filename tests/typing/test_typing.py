"""A user's factories module passes ``mypy --strict`` and pyright (strict) with the documented
configuration, and the steps' revealed types are the models.

``user_factories.py`` declares a factory of every backend with factory_boy's declarations
(SubFactory, LazyAttribute, a Trait, RelatedFactory, a post-generation hook); ``mypy.ini``
and ``pyrightconfig.json`` are the configuration docs/typing.md gives. Both checkers run on
a copy in a temporary directory, so the module is named as a project's would be and no
cache lands in the repository. pyright is the PyPI wheel (it carries pyright itself), run on
the Node.js wheel of its ``nodejs`` extra: nothing is downloaded.
"""

from __future__ import annotations

import json
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).parent
FILES = ("user_factories.py", "mypy.ini", "pyrightconfig.json")

# What each reveal_type line of user_factories.py shows, in order, as both checkers spell it
# once module prefixes and builtins are dropped.
EXPECTED = [
    "User",  # await UserFactory.create_async(...)
    "list[User]",  # create_batch_async
    "User",  # build_async
    "User",  # UserFactory.build()
    "list[Point]",  # AsyncFactory: build_batch_async
    "dict[str, Any]",  # AsyncMongoFactory[dict[str, Any]]
    "Book",  # Beanie
    "Publisher",  # ODMantic
    "Article",  # Django
    "Tournament",  # Tortoise
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    folder = tmp_path_factory.mktemp("typed_project")
    for name in FILES:
        shutil.copy(HERE / name, folder / name)
    return folder


def _plain(type_text: str) -> str:
    return re.sub(r"\b(?:builtins|user_factories|typing)\.", "", type_text)


def test_mypy_strict_passes_and_reveals_the_models(project: pathlib.Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file=mypy.ini", "user_factories.py"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = result.stdout.splitlines()
    errors = [line for line in lines if ": error:" in line]
    revealed = [
        _plain(line.split('Revealed type is "')[1].rstrip('"'))
        for line in lines
        if "Revealed" in line
    ]
    assert errors == [], result.stdout
    assert revealed == EXPECTED, result.stdout


def test_pyright_strict_passes_and_reveals_the_models(project: pathlib.Path) -> None:
    pyright = shutil.which("pyright", path=str(pathlib.Path(sys.executable).parent))
    assert pyright is not None, "pyright is in the test dependency group"
    result = subprocess.run(
        [pyright, "--pythonpath", sys.executable, "--outputjson"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = json.loads(result.stdout)
    diagnostics = report["generalDiagnostics"]
    errors = [d for d in diagnostics if d["severity"] != "information"]
    revealed = [
        _plain(re.sub(r'^Type of ".*" is "(.*)"$', r"\1", d["message"], flags=re.S))
        for d in diagnostics
        if d["severity"] == "information" and d["message"].startswith("Type of ")
    ]
    assert errors == [], errors
    assert revealed == EXPECTED, revealed
