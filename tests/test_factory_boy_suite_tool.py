"""The verdict of ``tools/port_factory_boy_suite.py``, the oracle CI runs on the fast path.

CI runs the tool on factory_boy's real suite (``nox -s factory_boy_suite``), where it passes;
these tests check that it would fail on each kind of new difference.
"""

from __future__ import annotations

import pathlib
from types import ModuleType

import pytest

from ._script import load_script

TOOL = pathlib.Path(__file__).parents[1] / "tools" / "port_factory_boy_suite.py"


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    return load_script(TOOL, "port_factory_boy_suite")


def _expected_run(tool: ModuleType) -> dict[str, str]:
    """Outcomes as the committed list expects them: the listed ones, every other test passed."""
    run = {test: outcome for test, (outcome, _why) in tool.EXPECTED_OUTCOMES.items()}
    for i in range(tool.EXPECTED_TESTS - len(run)):
        run[f"tests.test_x.Case.test_{i}"] = "passed"
    return run


def _built(
    tool: ModuleType, plan: int | None = None, generated: int | None = None
) -> dict[str, dict[str, int]]:
    fast = tool.MIN_BUILT_ALONG_A_PLAN if plan is None else plan
    by_code = tool.MIN_BUILT_BY_GENERATED_CODE if generated is None else generated
    return {
        "slow": {"plan": 0, "resolver": fast, "generated": 0},
        "fast": {"plan": fast, "resolver": 0, "generated": 0},
        "codegen": {"plan": fast, "resolver": 0, "generated": by_code},
    }


def test_the_expected_outcomes_pass(tool: ModuleType) -> None:
    run = _expected_run(tool)
    assert tool.problems(run, dict(run), _built(tool), dict(run)) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ("differs", "differs: tests.test_x.Case.test_0: off passed, on + generated code failure"),
        ("fewer generated", "fast path on + generated code built 10 objects by generated code"),
        ("generated while off", "generated code off built 3 objects by it"),
    ],
)
def test_each_new_difference_of_the_generated_code_run_fails(
    tool: ModuleType, change: str, problem: str
) -> None:
    slow, fast, codegen = _expected_run(tool), _expected_run(tool), _expected_run(tool)
    built = _built(tool)
    if change == "differs":
        codegen["tests.test_x.Case.test_0"] = "failure"
    elif change == "fewer generated":
        built = _built(tool, generated=10)
    else:
        built["fast"]["generated"] = 3
    found = tool.problems(slow, fast, built, codegen)
    assert any(line.startswith(problem) for line in found), found


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ("differs", "differs: tests.test_x.Case.test_0: off passed, on failure"),
        ("both fail", "fast path off: tests.test_x.Case.test_0: failure, expected passed"),
        ("one test more", "fast path on: {} tests, expected {}"),
        ("fewer planned", "fast path on built 10 objects along a plan"),
        ("module skipped", "a skipped module lacks a test dependency"),
    ],
)
def test_each_new_difference_fails(tool: ModuleType, change: str, problem: str) -> None:
    slow, fast = _expected_run(tool), _expected_run(tool)
    built = _built(tool)
    if change in {"differs", "both fail"}:
        fast["tests.test_x.Case.test_0"] = "failure"
        if change == "both fail":
            slow["tests.test_x.Case.test_0"] = "failure"
    elif change == "one test more":
        fast["tests.test_x.Case.test_new"] = "passed"
        problem = problem.format(len(fast), tool.EXPECTED_TESTS)
    elif change == "fewer planned":
        built = _built(tool, plan=10)
    else:
        slow[".tests.test_mongoengine"] = fast[".tests.test_mongoengine"] = "skipped"
    found = tool.problems(slow, fast, built)
    assert any(line.startswith(problem) for line in found), found
