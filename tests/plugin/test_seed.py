"""``--factory-seed``: the same fake data on every run, and a header line to replay it."""

from __future__ import annotations

import re

import pytest

from tests.plugin._project import run

# Each test prints a fuzzy integer and a Faker name; -s shows them.
DRAW_MODULE = """
import factory
import factory.fuzzy

class Draw(factory.DictFactory):
    number = factory.fuzzy.FuzzyInteger(0, 10**9)
    name = factory.Faker("name")

def test_first():
    print("DRAW", Draw())

def test_second():
    print("DRAW", Draw())
"""


def draws(result: pytest.RunResult) -> list[str]:
    return re.findall(r"DRAW \{.*?\}", result.stdout.str())


def test_header_prints_the_given_seed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = run(pytester, "--factory-seed=1234")
    result.stdout.fnmatch_lines(
        ["async_factory_boy: factory seed 1234 (replay with --factory-seed=1234)"]
    )


def test_header_prints_a_random_seed_when_none_is_given(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = run(pytester)
    result.stdout.re_match_lines(
        [r"async_factory_boy: factory seed \d+ \(replay with --factory-seed=\d+\)"]
    )


def test_same_seed_same_data_on_every_run(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(DRAW_MODULE)
    first = draws(run(pytester, "-s", "--factory-seed=7"))
    second = draws(run(pytester, "-s", "--factory-seed=7"))
    other = draws(run(pytester, "-s", "--factory-seed=8"))
    assert len(first) == 2
    assert first == second
    assert first != other


def test_reseeded_before_each_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(DRAW_MODULE)
    first, second = draws(run(pytester, "-s", "--factory-seed=7"))
    assert first == second


def test_seed_from_ini(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nfactory_seed = 99\n")
    pytester.makepyfile("def test_nothing(): pass")
    run(pytester).stdout.fnmatch_lines(["async_factory_boy: factory seed 99 *"])
