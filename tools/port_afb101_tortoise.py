"""Run async-factory-boy 1.0.1's own Tortoise tests against ``AsyncTortoiseFactory``.

The peer suite is run by hand, never by CI, and none of its code is kept in this repository.
Get kuzxnia/async_factory_boy at tag 1.0.1::

    git clone --branch 1.0.1 https://github.com/kuzxnia/async_factory_boy /tmp/afb101
    .venv/bin/python tools/port_afb101_tortoise.py /tmp/afb101

(or ``git --git-dir=<bare mirror> archive 1.0.1 | tar -x -C /tmp/afb101``). The script copies
the checkout's ``tests/conftest.py`` and ``tests/tortoise/`` into a temporary directory,
rewrites them mechanically, runs pytest there with this repository's interpreter (so
``async_factory_boy`` is this checkout) and prints the outcome counts; extra arguments go
to pytest (``-v``, ``-k ...``). The rewrites, nothing else:

* ``from async_factory_boy... import`` lines are kept: 1.0.1's import path
  ``async_factory_boy.factory.tortoise.AsyncTortoiseFactory`` is ours. Any other
  ``async_factory_boy`` import would be pointed at ``async_factory_boy.factory.tortoise``.
* ``from tortoise.contrib.test import initializer, finalizer`` and
  ``from tortoise.transactions import current_transaction_map`` import from a small module
  the script writes next to the tests (``_tortoise0_helpers.py``): Tortoise 1.0 removed those
  test helpers (1.0.1 was written for Tortoise 0.17). The module gives them their 0.17
  meaning on Tortoise 1.x: ``initializer(modules, db_url)`` initialises Tortoise (as the
  process-wide context) and creates the tables, ``finalizer()`` closes the connections and
  drops the database, ``current_transaction_map`` is a plain dict.
* a ``pytest.ini`` with pytest-asyncio's ``asyncio_mode = auto``: 1.0.1's root conftest
  marks every test ``asyncio`` in ``pytest_collection_modifyitems``, which pytest-asyncio
  1.x reads too late (after collection); auto mode is what that hook meant. Loops are
  function-scoped (1.0.1's session ``event_loop`` fixture is no longer special to
  pytest-asyncio 1.x, and stays unused).
"""

from __future__ import annotations

import argparse
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

_OUR_IMPORT = re.compile(r"^(\s*)from async_factory_boy(?:\.[\w.]+)? import ", re.MULTILINE)
_OLD_HELPERS = re.compile(
    r"^(\s*)from tortoise\.(?:contrib\.test|transactions) import "
    r"((?:initializer|finalizer|current_transaction_map)(?:\s*,\s*(?:initializer|finalizer|"
    r"current_transaction_map))*)\s*$",
    re.MULTILINE,
)

_HELPERS = '''"""Tortoise 0.17's test helpers on Tortoise 1.x (written by port_afb101_tortoise)."""

import asyncio
import warnings

from tortoise import context as _context
from tortoise.context import TortoiseContext, set_global_context
from tortoise.warnings import TortoiseLoopSwitchWarning

warnings.filterwarnings("ignore", category=TortoiseLoopSwitchWarning)

current_transaction_map = {}
_state = {}


def initializer(modules, db_url="sqlite://:memory:", app_label="models"):
    context = TortoiseContext()

    async def init():
        with context:
            await context.init(db_url=db_url, modules={app_label: modules}, _create_db=True)
            await context.generate_schemas(safe=False)
            await context.connections.close_all(discard=True)  # reopened on the test's loop

    asyncio.run(init())
    set_global_context(context)
    _state["context"] = context
    current_transaction_map["models"] = current_transaction_map["default"] = None


def finalizer():
    context = _state.pop("context", None)
    if context is None:
        return

    async def close():
        for connection in context.connections.all():
            await connection.db_delete()
        await context.connections.close_all(discard=True)

    with context:
        asyncio.run(close())
    _context._global_context = None
'''


def rewrite(source: str) -> str:
    """The ported text of one test module (see the module docstring)."""
    source = _OUR_IMPORT.sub(_our_import, source)
    return _OLD_HELPERS.sub(r"\1from _tortoise0_helpers import \2", source)


def _our_import(match: re.Match[str]) -> str:
    line = match.group(0)
    if "async_factory_boy.factory.tortoise " in line:
        return line
    return f"{match.group(1)}from async_factory_boy.factory.tortoise import "


def port(checkout: pathlib.Path, target: pathlib.Path) -> None:
    """Copy 1.0.1's Tortoise tests into ``target``, rewriting every Python file."""
    (target / "tests").mkdir()
    shutil.copy(checkout / "tests" / "__init__.py", target / "tests" / "__init__.py")
    shutil.copy(checkout / "tests" / "conftest.py", target / "tests" / "conftest.py")
    shutil.copytree(checkout / "tests" / "tortoise", target / "tests" / "tortoise")
    for path in (target / "tests").rglob("*.py"):
        path.write_text(rewrite(path.read_text()))
    (target / "_tortoise0_helpers.py").write_text(_HELPERS)
    (target / "pytest.ini").write_text(
        "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
        "asyncio_default_test_loop_scope = function\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkout", type=pathlib.Path, help="kuzxnia/async_factory_boy at 1.0.1")
    parser.add_argument("--keep", action="store_true", help="keep and print the ported copy")
    args, pytest_args = parser.parse_known_args()
    if not (args.checkout / "tests" / "tortoise").is_dir():
        parser.error(f"{args.checkout} has no tests/tortoise: is it async_factory_boy 1.0.1?")
    target = pathlib.Path(tempfile.mkdtemp(prefix="afb101-tortoise-"))
    try:
        port(args.checkout, target)
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:django",
            "-o",
            "addopts=",
            "-rA",
            "tests/tortoise",
            *pytest_args,
        ]
        result = subprocess.run(command, cwd=target, check=False)
        return result.returncode
    finally:
        if args.keep:
            print(f"ported copy kept in {target}")
        else:
            shutil.rmtree(target, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
