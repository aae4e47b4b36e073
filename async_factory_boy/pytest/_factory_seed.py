"""Reproducible fake data: one seed for factory_boy's random and Faker, printed in the header.

Before each test both generators are reseeded with the same seed, so a test's data does
not depend on which tests ran before it, and a failure seen in CI is replayed with
``pytest --factory-seed=N path::test``. Without a seed option one is drawn at random per
run: data still varies between runs, but every run says how to repeat itself.
"""

from __future__ import annotations

import random
import sys

import pytest

__all__ = ["INI_OPTION", "OPTION", "chosen_seed", "reseed", "seed_key"]

OPTION = "--factory-seed"
INI_OPTION = "factory_seed"

seed_key = pytest.StashKey[int]()


def chosen_seed(config: pytest.Config) -> int:
    """The seed from ``--factory-seed``, else the ini option, else a random one."""
    value = config.getoption("factory_seed", None)
    if value is None:
        value = config.getini(INI_OPTION) or None
    if value is None:
        return random.SystemRandom().randrange(10**8)
    try:
        return int(value)
    except ValueError:
        raise pytest.UsageError(
            f"{OPTION} / {INI_OPTION}: expected an integer seed, got {value!r}."
        ) from None


def reseed(seed: int) -> None:
    """Reseed factory_boy's random (fuzzy values) and Faker's shared random.

    Neither is imported here: a run that never loaded them has nothing to reseed, and
    importing factory_boy would import SQLAlchemy at every pytest start.
    """
    if "factory" in sys.modules:
        from .._compat import reseed_random

        reseed_random(seed)  # seeds Faker's shared random too
    elif "faker" in sys.modules:
        import faker.generator

        faker.generator.random.seed(seed)
