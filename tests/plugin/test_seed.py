"""``--factory-seed``: a header line to replay a run, and a test replayed alone gets the data
it had in the full run: Faker and fuzzy values, sequence numbers, and the data of a wider
scoped fixture, also under pytest-xdist."""

from __future__ import annotations

import json
import pathlib
import re

import pytest

from tests.plugin._project import make_project, run

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

# Tests using registered fixtures, and a module fixture of plain factory_boy rows; each test
# writes what it got to the file named by AFB_DATA_LOG (xdist workers print nothing).
REPLAY_MODULE = """
import json
import os

import factory
import factory.fuzzy
import pytest
from async_factory_boy.pytest import register
from models import UserFactory

register(UserFactory)


class Draw(factory.DictFactory):
    number = factory.fuzzy.FuzzyInteger(0, 10**9)
    email = factory.Faker("email")


class Row(factory.Factory):
    class Meta:
        model = dict

    key = factory.Sequence(lambda n: n)
    name = factory.Faker("name")


def record(request, *values):
    with open(os.environ["AFB_DATA_LOG"], "a") as log:
        log.write(json.dumps([request.node.name, *values]) + "\\n")


@pytest.fixture(scope="module")
def shared_rows():
    return Row.create_batch(2)


@pytest.mark.asyncio
async def test_first(user, shared_rows, request):
    record(request, user.name, user.company.name, Draw(), shared_rows)


@pytest.mark.asyncio
async def test_second(user, user_factory, shared_rows, request):
    more = await user_factory.create_batch_async(2)
    record(request, user.name, [other.name for other in more], Draw(), Row(), shared_rows)


def test_third(request):
    record(request, Draw())
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


def test_same_seed_same_data_and_each_test_its_own(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(DRAW_MODULE)
    first = draws(run(pytester, "-s", "--factory-seed=7"))
    second = draws(run(pytester, "-s", "--factory-seed=7"))
    other = draws(run(pytester, "-s", "--factory-seed=8"))
    assert len(first) == 2
    assert first[0] != first[1]
    assert first == second
    assert first != other


def test_seed_from_ini(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nfactory_seed = 99\n")
    pytester.makepyfile("def test_nothing(): pass")
    run(pytester).stdout.fnmatch_lines(["async_factory_boy: factory seed 99 *"])


def records(log: pathlib.Path) -> dict[str, list[object]]:
    lines = log.read_text().splitlines() if log.exists() else []
    log.unlink(missing_ok=True)
    return {name: values for name, *values in map(json.loads, lines)}


@pytest.fixture
def data_log(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    """The file the tests of REPLAY_MODULE write to, with the project around them."""
    make_project(pytester)
    pytester.makepyfile(test_replay=REPLAY_MODULE)
    log = pytester.path / "data.jsonl"
    monkeypatch.setenv("AFB_DATA_LOG", str(log))
    return log


def test_a_test_replayed_alone_gets_the_data_of_the_full_run(
    pytester: pytest.Pytester, data_log: pathlib.Path
) -> None:
    run(pytester, "--factory-seed=5").assert_outcomes(passed=3)
    full = records(data_log)
    run(pytester, "--factory-seed=5", "test_replay.py::test_second").assert_outcomes(passed=1)
    alone = records(data_log)
    assert alone["test_second"] == full["test_second"]
    # Sequences restart for each test; the module fixture's numbers are its own.
    assert full["test_first"][:2] == ["user 0", "company 0"]
    assert full["test_second"][:2] == ["user 0", ["user 1", "user 2"]]
    shared = full["test_first"][-1]
    assert [row["key"] for row in shared] == [2_000_000, 2_000_001]
    assert full["test_second"][-1] == shared
    assert full["test_second"][-2]["key"] == 0
    # Each test draws values of its own (a given seed reseeds a test without registered
    # fixtures too).
    draws = [full["test_first"][2], full["test_second"][2], full["test_third"][0]]
    assert len({json.dumps(draw, sort_keys=True) for draw in draws}) == 3


def test_sequences_can_run_through_the_run(
    pytester: pytest.Pytester, data_log: pathlib.Path
) -> None:
    run(pytester, "--factory-seed=5", "--factory-sequences=run").assert_outcomes(passed=3)
    full = records(data_log)
    assert full["test_first"][:2] == ["user 0", "company 0"]
    assert full["test_second"][:2] == ["user 1", ["user 2", "user 3"]]


def test_xdist_workers_use_the_seed_the_header_prints(
    pytester: pytest.Pytester, data_log: pathlib.Path
) -> None:
    result = run(pytester, "-n", "2")
    result.assert_outcomes(passed=3)
    seed = re.search(r"factory seed (\d+) \(replay", result.stdout.str())
    assert seed is not None
    in_workers = records(data_log)
    run(pytester, f"--factory-seed={seed.group(1)}").assert_outcomes(passed=3)
    serial = records(data_log)
    assert in_workers["test_first"] == serial["test_first"]
    assert in_workers["test_second"] == serial["test_second"]
