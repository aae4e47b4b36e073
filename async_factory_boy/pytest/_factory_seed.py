"""Reproducible fake data, only where asked: one seed per run, replayable per test.

Which tests are reseeded (``--factory-reseed`` / ini ``factory_reseed``):

* ``auto`` (default): the tests that use this plugin's fixtures (``register()``'s model,
  factory and attribute fixtures, ``factoryboy_request``, and ``request`` once ``register()``
  made model fixtures: it may ask for one); every test once a seed is given (``--factory-seed
  N`` or the ini option ``factory_seed``). A suite that uses none of them and gives no seed
  runs exactly as without the plugin.
* ``all``: every test. ``off``: none (factory_boy's and Faker's own randomness, counters
  running through the run).

Before a reseeded test, factory_boy's random (``factory.fuzzy``) and Faker's shared random
are seeded from the run's seed and the test's node id, and every sequence counter is set
back to its start (``_sequences``; ``--factory-sequences=run`` keeps them running). So a
test gets the same data whether it runs alone or after others, and two tests get different
data. A fixture of a wider scope set up on the way gets the same treatment from its scope's
node id and its name, with counters of its own, and the test's state is put back after it.

With pytest-randomly active (and resetting seeds), it reseeds factory_boy and Faker before
every test from its own seed: the plugin then leaves the randoms to it, seeds wider-scoped
fixtures from that seed, and the header says to replay with ``-p randomly --randomly-seed``
(a ``--factory-seed`` given to a run where pytest-randomly got none becomes its seed).
Under pytest-xdist the workers use the seed the controller chose and printed.
"""

from __future__ import annotations

import random
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

from . import _sequences

__all__ = [
    "INI_OPTION",
    "OPTION",
    "add_options",
    "around_fixture",
    "chosen_seed",
    "configure",
    "header",
    "model_fixtures_defined",
    "reseed",
    "setup_test",
]

OPTION = "--factory-seed"
INI_OPTION = "factory_seed"
RESEED_OPTION = "--factory-reseed"
RESEED_INI = "factory_reseed"
RESEED_MODES = ("auto", "all", "off")
SEQUENCES_OPTION = "--factory-sequences"
SEQUENCES_INI = "factory_sequences"
SEQUENCES_MODES = ("per-test", "run")

_WORKER_INPUT = "async_factory_boy_seed"


@dataclass
class Seeding:
    """The run's choices, and the counters of each wider scope's node."""

    seed: int
    given: bool
    mode: str
    sequences: str
    scopes: dict[str, _sequences.Counters] = field(default_factory=dict)


seeding_key = pytest.StashKey[Seeding]()


def model_fixtures_defined() -> bool:
    """Whether ``register()`` defined a model fixture in this process (imports nothing)."""
    fixtures = sys.modules.get(f"{__package__}._fixtures")
    return bool(fixtures is not None and fixtures.model_fixtures_defined)


def add_options(parser: pytest.Parser) -> None:
    """The command-line and ini options of this module."""
    group = parser.getgroup("async_factory_boy", "async_factory_boy")
    group.addoption(
        OPTION,
        dest="factory_seed",
        default=None,
        metavar="N",
        help="seed factory_boy's random and Faker from N before each test, and reseed every "
        "test (default: a random seed, printed in the header, for the tests that use "
        "registered fixtures).",
    )
    group.addoption(
        RESEED_OPTION,
        dest="factory_reseed",
        default=None,
        choices=RESEED_MODES,
        help="which tests are reseeded: 'auto' (those using registered fixtures, every test "
        "once a seed is given; default), 'all', or 'off'.",
    )
    group.addoption(
        SEQUENCES_OPTION,
        dest="factory_sequences",
        default=None,
        choices=SEQUENCES_MODES,
        help="'per-test' (default): sequence numbers restart for each reseeded test; 'run': "
        "they run through the whole run.",
    )
    parser.addini(INI_OPTION, "seed for factory_boy's random and Faker (like --factory-seed).")
    parser.addini(RESEED_INI, "which tests are reseeded (like --factory-reseed).", default="")
    parser.addini(SEQUENCES_INI, "sequence numbers per test or per run.", default="")


def chosen_seed(config: pytest.Config) -> int:
    """The seed from ``--factory-seed``, else the ini option, else a random one."""
    value = _given_seed(config)
    if value is not None:
        return value
    worker_input = getattr(config, "workerinput", None)
    if worker_input is not None and _WORKER_INPUT in worker_input:
        return int(worker_input[_WORKER_INPUT])  # the controller's, printed in its header
    return random.SystemRandom().randrange(10**8)


def _given_seed(config: pytest.Config) -> int | None:
    value = config.getoption("factory_seed", None)
    if value is None:
        value = config.getini(INI_OPTION) or None
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise pytest.UsageError(
            f"{OPTION} / {INI_OPTION}: expected an integer seed, got {value!r}."
        ) from None


def _choice(config: pytest.Config, dest: str, ini: str, option: str, modes: tuple[str, ...]) -> str:
    value = config.getoption(dest, None) or config.getini(ini) or modes[0]
    if value not in modes:
        raise pytest.UsageError(
            f"{ini}: expected one of {', '.join(modes)}, got {value!r} (or use {option})."
        )
    return str(value)


def configure(config: pytest.Config) -> None:
    """Choose the run's seed and modes, and hand the seed to pytest-xdist's workers.

    With pytest-randomly active, a seed given here and none given to it becomes its seed
    (this runs before its own ``pytest_configure`` picks one): one seed for the run.
    """
    given = _given_seed(config)
    randomly_default = config.getoption("randomly_seed", None) == "default"
    if given is not None and randomly_default and _randomly_active(config):
        config.option.randomly_seed = given
    config.stash[seeding_key] = Seeding(
        seed=chosen_seed(config),
        given=_given_seed(config) is not None,
        mode=_choice(config, "factory_reseed", RESEED_INI, RESEED_OPTION, RESEED_MODES),
        sequences=_choice(
            config, "factory_sequences", SEQUENCES_INI, SEQUENCES_OPTION, SEQUENCES_MODES
        ),
    )
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_XdistHooks(), "async_factory_boy.xdist")


class _XdistHooks:
    """pytest-xdist's hook, registered only where xdist is installed."""

    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput[_WORKER_INPUT] = node.config.stash[seeding_key].seed


def _randomly_active(config: pytest.Config) -> bool:
    manager = config.pluginmanager
    return manager.hasplugin("randomly") or manager.hasplugin("pytest_randomly")


def _randomly_seed(config: pytest.Config) -> int | None:
    """pytest-randomly's seed when it is active and reseeds each test, else ``None``."""
    if not _randomly_active(config) or not config.getoption("randomly_reset_seed", True):
        return None
    seed = config.getoption("randomly_seed", None)
    return seed if isinstance(seed, int) else None


def header(config: pytest.Config) -> str:
    """The report header line: which seed, how to replay it."""
    seeding = config.stash[seeding_key]
    if seeding.mode == "off":
        return f"async_factory_boy: no reseeding ({RESEED_OPTION}=off)"
    randomly = _randomly_seed(config)
    if randomly is not None:
        return (
            f"async_factory_boy: factory_boy and Faker reseeded by pytest-randomly, seed "
            f"{randomly} (replay with -p randomly --randomly-seed={randomly})"
        )
    line = f"async_factory_boy: factory seed {seeding.seed} (replay with {OPTION}={seeding.seed})"
    if seeding.mode == "auto" and not seeding.given:
        line += ", for the tests that use registered fixtures"
    return line


def _derived(seed: int, key: str) -> int:
    """A seed of its own for ``key`` (a test's node id...): the same in any run of it."""
    return zlib.crc32(f"{seed}::{key}".encode())


def _generators() -> list[random.Random]:
    """factory_boy's and Faker's shared randoms, where they are imported already."""
    generators = []
    if "factory.random" in sys.modules:
        from .._compat import randgen

        generators.append(randgen)
    faker_generator = sys.modules.get("faker.generator")
    if faker_generator is not None:
        generators.append(faker_generator.random)
    return generators


def reseed(seed: int) -> None:
    """Reseed factory_boy's random (fuzzy values) and Faker's shared random with ``seed``.

    Neither is imported here: a run that never loaded them has nothing to reseed, and
    importing factory_boy would import SQLAlchemy at every pytest start.
    """
    for generator in _generators():
        generator.seed(seed)


def _reseeds_some(seeding: Seeding) -> bool:
    """Whether this run may reseed a test (so wider-scoped fixtures are set apart)."""
    if seeding.mode == "off":
        return False
    return seeding.mode == "all" or seeding.given or model_fixtures_defined()


def setup_test(item: pytest.Item, uses_plugin_fixtures: bool) -> None:
    """Before ``item``'s fixtures are set up: reseed it if the run's rules say so."""
    seeding = item.config.stash[seeding_key]
    randomly = _randomly_seed(item.config)
    if seeding.mode == "off":
        on = False
    elif seeding.mode == "all" or uses_plugin_fixtures:
        on = True
    else:
        on = seeding.given and randomly is None
    if not on:
        return
    if randomly is None:
        reseed(_derived(seeding.seed, item.nodeid))
    if seeding.sequences == "per-test":
        _sequences.restart()


@contextmanager
def around_fixture(fixturedef: Any, request: pytest.FixtureRequest) -> Iterator[None]:
    """Set a wider-scoped fixture up with randoms and counters of its own, then put back.

    Its data then does not depend on which test happened to set it up, and its sequence
    numbers are not the ones the tests take again (``_sequences``). That holds for every
    such fixture of a run that reseeds tests at all (a run with registered fixtures or a
    given seed), whether the test that sets it up is reseeded or not: a later test whose
    counters restart must not meet the numbers the fixture took.
    """
    scope = fixturedef.scope
    seeding = request.config.stash[seeding_key]
    if scope == "function" or not _reseeds_some(seeding):
        yield
        return
    randomly = _randomly_seed(request.config)
    states = [(generator, generator.getstate()) for generator in _generators()]
    node_id = request.node.nodeid
    seed = seeding.seed if randomly is None else randomly
    reseed(_derived(seed, f"{node_id}::{request.fixturename}"))
    counters = None
    if seeding.sequences == "per-test":
        counters = _sequences.save()
        _sequences.load(seeding.scopes.get(node_id, {}), _sequences.SCOPE_BASES[scope])
    try:
        yield
    finally:
        if counters is not None:
            seeding.scopes[node_id] = _sequences.save()
            _sequences.load(counters)
        for generator, state in states:
            generator.setstate(state)
