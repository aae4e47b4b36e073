"""Run factory_boy's own test suite on AsyncFactory, with the fast resolution path and without.

The oracle of the fast path (``async_factory_boy/_plan.py``): factory_boy's tests, run with
``factory.Factory`` bound to an ``AsyncFactory`` subclass, must give the same outcome per test
whether factories are resolved along their plans or by factory_boy's own resolver, and the
outcomes must be the committed ones (:data:`EXPECTED_OUTCOMES`: every test passes but the
deliberate differences of AsyncFactory listed there). CI runs it: ``noxfile.py``'s
``factory_boy_suite`` session, once per pinned factory-boy version (3.3.1 and 3.3.3), from
``make nox`` (so ``make test``). By hand, in any environment with factory-boy installed::

    .venv/bin/python tools/port_factory_boy_suite.py            # the installed version's tests
    .venv/bin/python tools/port_factory_boy_suite.py /tmp/fb    # a checkout's (a git tag)

Where the tests come from: factory_boy's sdist on PyPI carries its ``tests/`` (CI reaches PyPI,
not GitHub). With no checkout given, the script downloads the sdist of the installed
factory-boy version with ``pip download --no-binary :all: --no-deps`` into ``.cache/`` (an
ignored directory), checks its SHA-256 against :data:`SDIST_SHA256` (so the expected outcomes
always describe the same tests) and reuses it afterwards. None of factory_boy's code is kept
in this repository.

What it runs: the sdist's ``tests/`` (and its ``setup.cfg``, which ``test_version`` reads) are
copied twice into a temporary directory, one copy per run, plus one ``conftest.py``; no test is
edited. The conftest binds ``factory.Factory`` and ``factory.base.Factory`` to
``OracleFactory``, an abstract generic ``AsyncFactory`` whose sync steps run the async ones,
and reloads ``factory.alchemy``, ``factory.django``, ``factory.mogo`` and
``factory.mongoengine`` so that their model factories are built on it too: ``create`` /
``build`` / ``stub`` and their ``_batch`` forms (and through them ``generate``,
``simple_generate`` and calling the class) run one factory call (the batch forms one batch
call), by ``asyncio.run`` outside a call and through the bridge (``await_``) inside one (a
factory called from a post-generation hook). Every module of the suite runs, Django,
SQLAlchemy and mongoengine included (their test extras: Django + Pillow, SQLAlchemy,
mongoengine + mongomock; :data:`EXCLUDED` names what cannot run, with the reason, and is empty
today). Django's sync ORM runs inside the call's event loop, so the run sets
``DJANGO_ALLOW_ASYNC_UNSAFE`` and the conftest hands the test's own connections to the call
(Django keeps connections per thread, but separately for code under a running loop: the call
would otherwise open a second connection, which the in-memory SQLite test database reports as
"table is locked"), with a fast password hasher (the default one is slow on purpose).

The three runs (``ASYNC_FACTORY_BOY_FAST_PATH=0``: factory_boy's resolver; ``=1`` with
``ASYNC_FACTORY_BOY_CODEGEN=0``: the plans' loop; both ``=1``: the plans' generated code, see
``async_factory_boy/_codegen.py``) go in parallel. The script prints each run's counts, the
tests that are not passed with the reason, and fails (exit status 1) on any test whose outcome
differs between the slow run and another or from :data:`EXPECTED_OUTCOMES`, on a test count
other than :data:`EXPECTED_TESTS`, when the slow run built anything along a plan, when a fast
run built fewer than :data:`MIN_BUILT_ALONG_A_PLAN` objects along a plan (the fast path
covering less of the suite), when the run without generated code built anything by it, or
when the run with it built fewer than :data:`MIN_BUILT_BY_GENERATED_CODE` objects by it.
Extra arguments go to every pytest run.

Result (factory-boy 3.3.1 on Python 3.10 and 3.3.3 on Python 3.13, the dependency sets of
``noxfile.py``; the two sdists carry the same tests): 439 tests, 437 passed and the same 2
failed in every run, no test differs; the fast runs built 1,540 objects along a plan and 1 by
factory_boy's resolver (a factory with a declaration class of the test's own), 641 of them by
generated code in the run that has it.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ElementTree

ROOT = pathlib.Path(__file__).resolve().parents[1]
#: Where downloaded sdists are kept (``.gitignore`` lists ``.cache/``).
CACHE = ROOT / ".cache" / "factory-boy"

#: The sdists whose tests the expected outcomes describe (PyPI's ``factory_boy-V.tar.gz``).
SDIST_SHA256: dict[str, str] = {
    "3.3.1": "8317aa5289cdfc45f9cae570feb07a6177316c82e34d14df3c2e1f22f26abef0",
    "3.3.3": "866862d226128dfac7f2b4160287e899daf54f2612778327dd03d0e2cb1e3d03",
}

#: pytest node ids (a module or a test) left out of both runs, with the reason they cannot run
#: here. Empty: every module of factory_boy's suite runs (see the module docstring).
EXCLUDED: dict[str, str] = {}

_EXHAUSTED = (
    "deliberate: an exhausted factory.Iterator(cycle=False) raises DeclarationExhaustedError "
    "naming the factory and field inside a factory call (a StopIteration cannot leave the "
    "call's coroutine); the test expects the bare StopIteration"
)
#: Test id (junit ``classname.name``) -> (outcome, why), for every test that does not pass,
#: in both runs. Any other outcome is a new difference.
EXPECTED_OUTCOMES: dict[str, tuple[str, str]] = {
    "tests.test_declarations.IteratorTestCase.test_no_cycling": ("failure", _EXHAUSTED),
    "tests.test_declarations.IteratorTestCase.test_reset_no_cycling": ("failure", _EXHAUSTED),
}
#: How many tests the pinned sdists define (3.3.1 and 3.3.3 carry the same ``tests/``).
EXPECTED_TESTS = 439
#: Objects the fast run must build along a plan at least (1,540 at the last count).
MIN_BUILT_ALONG_A_PLAN = 1500
#: Objects the run with generated code must build by it at least (641 at the last count: the
#: other plans have a declaration kind or a post-generation step generated code leaves to
#: the plans' loop).
MIN_BUILT_BY_GENERATED_CODE = 600

CONFTEST = '''
"""Bind factory.Factory to an AsyncFactory whose sync steps run the async ones."""

import asyncio
import importlib
import json
import os
import sys
from typing import TypeVar

import factory
import factory.base

from async_factory_boy import AsyncFactory, _codegen, _plan
from async_factory_boy._bridge import await_, in_bridge
from async_factory_boy._builder import AsyncBuildStep

T = TypeVar("T")

# How much each run exercised: factories bound, objects built along a plan (by the plan's loop
# or its generated code) / by factory_boy's resolver, and those built by generated code.
_counts = {"factories": 0, "plan": 0, "resolver": 0, "generated": 0}


def _django_connections():
    """The calling thread's Django connections, when a test configured Django."""
    db = sys.modules.get("django.db")
    if db is None:
        return {}
    from django.conf import settings

    if not settings.configured:
        return {}
    return {alias: db.connections[alias] for alias in db.connections}


async def _on_connections(call, connections):
    """Run ``call`` on the test's own Django connections (see the tool's docstring)."""
    from django.db import connections as handler

    for alias, connection in connections.items():
        handler[alias] = connection
    return await call


def _run(factory_class, strategy, params, size):
    call = factory_class._call_async(strategy, params, size)
    if in_bridge():
        return await_(call)
    connections = _django_connections()
    return asyncio.run(_on_connections(call, connections) if connections else call)


class OracleFactory(AsyncFactory[T]):
    class Meta:
        abstract = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _counts["factories"] += 1

    @classmethod
    def create(cls, **kwargs):
        return _run(cls, "create", kwargs, None)

    @classmethod
    def build(cls, **kwargs):
        return _run(cls, "build", kwargs, None)

    @classmethod
    def stub(cls, **kwargs):
        return _run(cls, "stub", kwargs, None)

    @classmethod
    def create_batch(cls, size, **kwargs):
        return _run(cls, "create", kwargs, cls._check_size(size))

    @classmethod
    def build_batch(cls, size, **kwargs):
        return _run(cls, "build", kwargs, cls._check_size(size))

    @classmethod
    def stub_batch(cls, size, **kwargs):
        return _run(cls, "stub", kwargs, cls._check_size(size))


factory.Factory = OracleFactory
factory.base.Factory = OracleFactory
# The model factories of factory_boy's backends subclass ``base.Factory`` when their module
# runs: run them again, so that they subclass OracleFactory.
for _backend in ("alchemy", "django", "mogo", "mongoengine"):
    if getattr(factory, _backend, None) is not None:
        importlib.reload(getattr(factory, _backend))

_plan_build = _plan.build
_resolve = AsyncBuildStep.resolve
_generate = _codegen.generate


def _counted_plan_build(*args, **kwargs):
    _counts["plan"] += 1
    return _plan_build(*args, **kwargs)


def _counted_resolve(self, *args, **kwargs):
    _counts["resolver"] += 1
    return _resolve(self, *args, **kwargs)


def _counted(generated):
    if generated is None:
        return None

    def counted(*args, **kwargs):
        _counts["plan"] += 1
        _counts["generated"] += 1
        return generated(*args, **kwargs)

    return counted


def _counted_generate(*args, **kwargs):
    builds = _generate(*args, **kwargs)
    if builds is None:
        return None
    build, child_entry = builds  # the build, and its entry for a SubFactory's object
    return _counted(build), _counted(child_entry)


# Every plan gets its generated build at its first object (not only hot plans), so the run
# with generated code builds as much as it can by it.
_codegen.HOT_AFTER = 1
_plan.build = _counted_plan_build
AsyncBuildStep.resolve = _counted_resolve
_codegen.generate = _counted_generate


def pytest_runtest_setup(item):
    # Django's default password hasher costs ~1 s of CPU per hash, by design; the suite's
    # password tests need a hash, not a slow one.
    if "django.conf" in sys.modules:
        from django.conf import settings

        if settings.configured:
            settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_sessionfinish(session):
    with open(os.environ["ORACLE_COUNTS"], "w") as out:
        json.dump(_counts, out)
'''


def sdist(version: str, cache: pathlib.Path = CACHE) -> pathlib.Path:
    """factory_boy's sdist of ``version``, downloaded from PyPI once, its hash checked."""
    expected = SDIST_SHA256.get(version)
    if expected is None:
        known = ", ".join(sorted(SDIST_SHA256))
        raise SystemExit(
            f"factory-boy {version}: no pinned sdist (known: {known}); add its SHA-256 to "
            "SDIST_SHA256 in tools/port_factory_boy_suite.py after checking its outcomes."
        )
    path = cache / f"factory_boy-{version}.tar.gz"
    if not path.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
        command += ["--no-binary", ":all:", "--dest", str(cache), f"factory-boy=={version}"]
        subprocess.run(command, check=True)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != expected:
        path.unlink()
        raise SystemExit(f"{path.name}: SHA-256 {digest}, expected {expected}; removed it.")
    return path


def unpack(archive: pathlib.Path, target: pathlib.Path) -> pathlib.Path:
    """Extract the sdist's ``tests/`` and ``setup.cfg`` under ``target``; the source root."""
    with tarfile.open(archive) as tar:
        members = [
            member
            for member in tar.getmembers()
            if member.name.partition("/")[2].split("/")[0] in {"tests", "setup.cfg"}
        ]
        tar.extractall(target, members=members, filter="data")
    (root,) = {member.name.partition("/")[0] for member in members}
    return target / root


def port(source: pathlib.Path, target: pathlib.Path) -> None:
    """Copy ``source``'s ``tests/`` (and ``setup.cfg``) to ``target``, add the conftest."""
    shutil.copytree(source / "tests", target / "tests")
    if (source / "setup.cfg").is_file():
        shutil.copy(source / "setup.cfg", target / "setup.cfg")
    (target / "tests" / "conftest.py").write_text(CONFTEST)


def start(
    target: pathlib.Path, fast: bool, pytest_args: list[str], codegen: bool = False
) -> subprocess.Popen[bytes]:
    """Start one pytest run of the ported suite in ``target``."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    # Plugins of the calling environment that would change factory_boy's suite: pytest-django
    # (the suite sets Django up itself) and pytest-randomly (the suite relies on its order).
    command += ["-p", "no:django", "-p", "no:randomly", "--junitxml=report.xml", "tests"]
    command += [f"--deselect={node}" for node in EXCLUDED]
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "PYTEST_ADDOPTS"}
    }
    env |= {
        "ASYNC_FACTORY_BOY_FAST_PATH": "1" if fast else "0",
        "ASYNC_FACTORY_BOY_CODEGEN": "1" if codegen else "0",
        "ORACLE_COUNTS": str(target / "counts.json"),
        "DJANGO_ALLOW_ASYNC_UNSAFE": "1",
    }
    log = (target / "pytest.log").open("wb")
    return subprocess.Popen(
        [*command, *pytest_args], cwd=target, env=env, stdout=log, stderr=subprocess.STDOUT
    )


def outcomes(target: pathlib.Path) -> dict[str, str]:
    """The outcome (passed / failure / error / skipped) of each test of a finished run."""
    report = target / "report.xml"
    if not report.is_file():
        print((target / "pytest.log").read_text(errors="replace")[-3000:])
        raise SystemExit(f"pytest wrote no report in {target}")
    found = {}
    for case in ElementTree.parse(report).iter("testcase"):
        test = f"{case.get('classname')}.{case.get('name')}"
        kinds = [child.tag for child in case if child.tag in {"failure", "error", "skipped"}]
        found[test] = kinds[0] if kinds else "passed"
    return found


def summary(found: dict[str, str]) -> str:
    counts: dict[str, int] = {}
    for outcome in found.values():
        counts[outcome] = counts.get(outcome, 0) + 1
    return ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))


def problems(
    slow: dict[str, str],
    fast: dict[str, str],
    built: dict[str, dict[str, int]],
    codegen: dict[str, str] | None = None,
) -> list[str]:
    """Everything that makes the run fail, one line each (empty: the oracle agrees).

    ``fast`` is the run along the plans' loop (generated code off), ``codegen`` the run
    along their generated code (see ``async_factory_boy/_codegen.py``).
    """
    found = []
    others = [("on", fast)] + ([] if codegen is None else [(_GENERATED, codegen)])
    for label, other in others:
        for test in sorted(set(slow) | set(other)):
            if slow.get(test) != other.get(test):
                found.append(f"differs: {test}: off {slow.get(test)}, {label} {other.get(test)}")
    for label, run in (("off", slow), *others):
        if len(run) != EXPECTED_TESTS:
            found.append(f"fast path {label}: {len(run)} tests, expected {EXPECTED_TESTS}")
        for test, outcome in sorted(run.items()):
            expected = EXPECTED_OUTCOMES.get(test, ("passed", ""))[0]
            if outcome != expected:
                found.append(f"fast path {label}: {test}: {outcome}, expected {expected}")
    if any(outcome == "skipped" for outcome in [*slow.values(), *fast.values()]):
        found.append(
            "a skipped module lacks a test dependency: install the ones noxfile.py lists "
            "(FACTORY_BOY_SUITE_NEEDS), or run `.venv/bin/nox -s factory_boy_suite`"
        )
    if built["slow"]["plan"]:
        found.append(f"fast path off built {built['slow']['plan']} objects along a plan")
    for label, run_name in (("on", "fast"), (_GENERATED, "codegen")):
        if run_name not in built:
            continue
        if built[run_name]["plan"] < MIN_BUILT_ALONG_A_PLAN:
            found.append(
                f"fast path {label} built {built[run_name]['plan']} objects along a plan, "
                f"expected at least {MIN_BUILT_ALONG_A_PLAN}: more factories fell back to "
                "factory_boy's resolver"
            )
    if built["fast"].get("generated", 0):
        found.append(f"generated code off built {built['fast']['generated']} objects by it")
    if "codegen" in built and built["codegen"]["generated"] < MIN_BUILT_BY_GENERATED_CODE:
        found.append(
            f"fast path {_GENERATED} built {built['codegen']['generated']} objects by generated "
            f"code, expected at least {MIN_BUILT_BY_GENERATED_CODE}: fewer plans get it"
        )
    return found


#: The label of the run along generated code, in :func:`problems`' lines.
_GENERATED = "on + generated code"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "checkout",
        type=pathlib.Path,
        nargs="?",
        help="a factory_boy checkout or unpacked sdist (default: the installed version's sdist)",
    )
    parser.add_argument("--keep", action="store_true", help="keep and print the ported copies")
    args, pytest_args = parser.parse_known_args()
    work = pathlib.Path(tempfile.mkdtemp(prefix="fb-port-"))
    try:
        source = args.checkout
        if source is None:
            version = importlib.metadata.version("factory-boy")
            source = unpack(sdist(version), work / "source")
            print(f"factory-boy {version}, tests from {CACHE.relative_to(ROOT)}")
        if not (source / "tests" / "test_using.py").is_file():
            parser.error(f"{source} is not a factory_boy checkout (no tests/test_using.py).")
        runs = {}
        for label in ("slow", "fast", "codegen"):
            port(source, work / label)
            runs[label] = start(
                work / label,
                fast=label != "slow",
                codegen=label == "codegen",
                pytest_args=pytest_args,
            )
        for process in runs.values():
            process.wait()
        slow, fast = outcomes(work / "slow"), outcomes(work / "fast")
        codegen = outcomes(work / "codegen")
        built = {label: json.loads((work / label / "counts.json").read_text()) for label in runs}
        for label, run, switch in (
            ("slow", slow, "off"),
            ("fast", fast, "on"),
            ("codegen", codegen, _GENERATED),
        ):
            print(f"fast path {switch}: {len(run)} tests: {summary(run)}; built: {built[label]}")
        for test in sorted(name for name, outcome in slow.items() if outcome != "passed"):
            why = EXPECTED_OUTCOMES.get(test, ("", "NOT EXPECTED"))[1]
            print(
                f"  {slow[test]} (off) / {fast.get(test)} (on) / {codegen.get(test)} "
                f"({_GENERATED}): {test}: {why}"
            )
        for node, why in EXCLUDED.items():
            print(f"  excluded: {node}: {why}")
        found = problems(slow, fast, built, codegen)
        differ = sum(line.startswith("differs") for line in found)
        print(f"tests whose outcome differs between the runs: {differ}")
        for line in found:
            print(f"  {line}")
        if args.keep:
            print(f"ported copies: {work}")
        return 1 if found else 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
