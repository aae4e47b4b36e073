"""Run pytest-factoryboy's own test suite against async_factory_boy's pytest plugin.

The peer suite is run by hand, never by CI, and none of its code is kept in this
repository. Get pytest-factoryboy's repository at tag 2.8.1 (its PyPI sdist has no tests),
as a clone or as the tag's tree from a copy of the repository::

    git clone --branch 2.8.1 https://github.com/pytest-dev/pytest-factoryboy /tmp/pfb
    # or: git -C <copy of the repository> archive 2.8.1 | tar -x -C /tmp/pfb
    .venv/bin/python tools/port_pytest_factoryboy.py /tmp/pfb

Expected: ``54 passed, 1 xpassed`` (pytest-factoryboy's own xfail, ``test_postgen_related``,
passes here: model fixtures make what ``create_async`` makes), with ``-o asyncio_mode=auto``
and with ``-p no:asyncio`` too.

The script copies the checkout's ``tests/`` into a temporary directory and rewrites it
mechanically, nothing else:

* ``from pytest_factoryboy import ...`` and ``from pytest_factoryboy.<module> import ...``
  import from ``async_factory_boy.pytest``;
* ``factory.Factory`` becomes ``AsyncFactory`` (imported from ``async_factory_boy``), and
  ``from factory import Factory`` imports ``AsyncFactory as Factory`` (the same replacement
  for the spelling some pytester snippets use).

It then runs pytest on the copy (with this plugin, pytest-asyncio installed, test
functions left sync) and prints the outcome counts; extra arguments go to pytest. The
differences that remain are listed in docs/coming-from-pytest-factoryboy.md.
"""

from __future__ import annotations

import argparse
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

_IMPORT = re.compile(r"^(\s*)from pytest_factoryboy(?:\.\w+)? import ", re.MULTILINE)
_FACTORY_CLASS = re.compile(r"\bfactory\.Factory\b")
_FROM_FACTORY = re.compile(r"^(\s*)from factory import ([^\n]*)$", re.MULTILINE)
_ASYNC_IMPORT = "from async_factory_boy import AsyncFactory\n"


def rewrite(source: str) -> str:
    """The ported text of one test module (see the module docstring)."""
    source = _IMPORT.sub(r"\1from async_factory_boy.pytest import ", source)
    source = _FROM_FACTORY.sub(_from_factory, source)
    if _FACTORY_CLASS.search(source):
        source = _FACTORY_CLASS.sub("AsyncFactory", source)
        source = _add_import(source)
    return source


def _from_factory(match: re.Match[str]) -> str:
    indent, names = match.group(1), [name.strip() for name in match.group(2).split(",")]
    if "Factory" not in names:
        return match.group(0)
    rest = [name for name in names if name != "Factory"]
    lines = [f"{indent}from async_factory_boy import AsyncFactory as Factory"]
    if rest:
        lines.append(f"{indent}from factory import {', '.join(rest)}")
    return "\n".join(lines)


def _add_import(source: str) -> str:
    """Add the AsyncFactory import after the module's ``__future__`` import, if any."""
    future = re.search(r"^from __future__ import [^\n]*\n", source, re.MULTILINE)
    at = future.end() if future else 0
    return source[:at] + _ASYNC_IMPORT + source[at:]


def port(checkout: pathlib.Path, target: pathlib.Path) -> None:
    """Copy ``checkout/tests`` to ``target/tests``, rewriting every Python file."""
    shutil.copytree(checkout / "tests", target / "tests")
    for path in (target / "tests").rglob("*.py"):
        path.write_text(rewrite(path.read_text()))
    (target / "pytest.ini").write_text("[pytest]\nasyncio_default_fixture_loop_scope = function\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkout", type=pathlib.Path, help="pytest-factoryboy at tag 2.8.1")
    parser.add_argument("--keep", action="store_true", help="keep and print the ported copy")
    args, pytest_args = parser.parse_known_args()
    if not (args.checkout / "tests" / "test_factory_fixtures.py").is_file():
        parser.error(f"{args.checkout} is not a pytest-factoryboy checkout (no tests/).")
    target = pathlib.Path(tempfile.mkdtemp(prefix="pfb-port-"))
    try:
        port(args.checkout, target)
        # pytester's projects live under --basetemp, so they find the copy's pytest.ini
        # (pytest-asyncio's loop-scope setting, whose absence warns under -Werror).
        command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rfEx"]
        command += [f"--basetemp={target / 'tmp'}", "tests", *pytest_args]
        completed = subprocess.run(command, cwd=target, check=False)
        if args.keep:
            print(f"ported copy: {target}")
        return completed.returncode
    finally:
        if not args.keep:
            shutil.rmtree(target, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
