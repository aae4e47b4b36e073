"""The plugin acts only where asked: a plain factory_boy suite runs as it does without it,
reseeding can be switched off, pytest-randomly's seed is the run's one seed, and
``pytest_factoryboy_done`` fires once with pytest-factoryboy installed too.

pytest-randomly and pytest-factoryboy are ``pytest11`` plugins: installed into the project's
environment, they would load in every run of this suite. So they are installed (from PyPI,
pinned, without dependencies) into a directory of their own, kept in pytest's cache, and put
on the ``PYTHONPATH`` of the pytest runs of these tests only; there
``PYTEST_DISABLE_PLUGIN_AUTOLOAD`` and ``-p`` choose the plugins each run loads.
"""

from __future__ import annotations

import hashlib
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import pytest

from tests import _servers
from tests.plugin._project import run

PEERS = ("pytest-randomly==4.1.0", "pytest-factoryboy==2.8.1", "inflection==0.5.1")

# A plain factory_boy suite: Faker and fuzzy values, which must differ from test to test.
# Its conftest seeds factory_boy once, at import, so runs can be compared value by value.
CONFTEST = """
import factory.random

factory.random.reseed_random(1234)
"""

PLAIN = """
import factory
import factory.fuzzy


class Draw(factory.DictFactory):
    number = factory.fuzzy.FuzzyInteger(0, 10**9)
    email = factory.Faker("email")


SEEN = []


def draw():
    SEEN.append(Draw())
    print("DRAW", SEEN[-1])
    assert len({repr(value) for value in SEEN}) == len(SEEN)


def test_a():
    draw()


def test_b():
    draw()
"""

# A suite using registered fixtures of a plain AsyncFactory (sync tests: no async plugin).
REGISTERED = """
import dataclasses

import factory
from async_factory_boy import AsyncFactory
from async_factory_boy.pytest import register


@dataclasses.dataclass
class Member:
    name: str
    email: str


@register
class MemberFactory(AsyncFactory[Member]):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"member {n}")
    email = factory.Faker("email")


def test_member(member):
    print("DRAW", dataclasses.asdict(member))


def test_other_member(member):
    print("DRAW", dataclasses.asdict(member))
"""


def draws(result: pytest.RunResult) -> list[str]:
    return sorted(re.findall(r"DRAW \{.*?\}", result.stdout.str()))


@pytest.fixture(scope="session")
def peer_plugins(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A directory holding pytest-randomly and pytest-factoryboy, for ``PYTHONPATH``."""
    cache = getattr(request.config, "cache", None)
    if cache is not None:
        root = cache.mkdir("async_factory_boy_peer_plugins")
    else:
        root = tmp_path_factory.mktemp("peer_plugins")
    target = root / hashlib.sha256(" ".join(PEERS).encode()).hexdigest()[:12]
    if not target.is_dir():
        staging = pathlib.Path(tempfile.mkdtemp(dir=root))
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"]
        command += ["--disable-pip-version-check", "--target", str(staging), *PEERS]
        try:
            subprocess.run(command, check=True, capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.SubprocessError) as exc:
            shutil.rmtree(staging, ignore_errors=True)
            _servers.unavailable(f"PyPI (to install {', '.join(PEERS)})", exc)
        try:
            staging.rename(target)
        except OSError:  # another xdist worker installed them first
            shutil.rmtree(staging, ignore_errors=True)
    return str(target)


@pytest.fixture
def with_peers(peer_plugins: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs see the peer plugins, and load only the plugins their ``-p`` options name."""
    monkeypatch.setenv("PYTHONPATH", peer_plugins)
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")


def test_a_plain_suite_runs_as_without_the_plugin_and_reseeding_switches_off(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_plain=PLAIN, test_registered=REGISTERED)
    with_plugin = run(pytester, "-s", "test_plain.py")
    with_plugin.assert_outcomes(passed=2)
    without = run(pytester, "-s", "-p", "no:async_factory_boy", "test_plain.py")
    without.assert_outcomes(passed=2)
    off = run(pytester, "-s", "--factory-seed=3", "--factory-reseed=off", "test_plain.py")
    off.assert_outcomes(passed=2)
    off.stdout.fnmatch_lines(["async_factory_boy: no reseeding (--factory-reseed=off)"])
    assert draws(with_plugin) == draws(without) == draws(off)
    # Registered fixtures, reseeding off: sequences run through the run, as factory_boy's.
    pytester.makeini("[pytest]\nfactory_reseed = off\n")
    result = run(pytester, "-s", "test_registered.py")
    result.assert_outcomes(passed=2)
    assert "'member 1'" in result.stdout.str()


@pytest.mark.usefixtures("with_peers")
def test_pytest_randomly_seed_is_the_one_seed(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_plain=PLAIN, test_registered=REGISTERED)
    plugins = ("-p", "randomly", "-p", "async_factory_boy", "-s")
    first = run(pytester, *plugins, "--randomly-seed=5")
    first.assert_outcomes(passed=4)
    first.stdout.fnmatch_lines(
        ["*reseeded by pytest-randomly, seed 5 (replay with -p randomly --randomly-seed=5)"]
    )
    again = run(pytester, *plugins, "--randomly-seed=5")
    by_factory_seed = run(pytester, *plugins, "--factory-seed=5")
    assert len(set(draws(first))) == 4
    assert draws(first) == draws(again) == draws(by_factory_seed)


@pytest.mark.usefixtures("with_peers")
@pytest.mark.parametrize(
    "plugins",
    [("async_factory_boy", "pytest-factoryboy"), ("pytest-factoryboy", "async_factory_boy")],
)
def test_pytest_factoryboy_done_fires_once_with_pytest_factoryboy(
    pytester: pytest.Pytester, plugins: tuple[str, str]
) -> None:
    pytester.makeconftest(
        """
        CALLS = []

        def pytest_factoryboy_done(request):
            CALLS.append(request.node.name)
        """
    )
    factories = REGISTERED.split("def test_member")[0]
    pytester.makepyfile(
        test_done=factories
        + """
from conftest import CALLS


def test_member(member, request):
    assert CALLS.count(request.node.name) == 1


def test_without_fixtures(request):
    assert CALLS.count(request.node.name) == 1
"""
    )
    options = [option for name in plugins for option in ("-p", name)]
    run(pytester, *options).assert_outcomes(passed=2)
