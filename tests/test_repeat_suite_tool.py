"""``tools/repeat_suite.py``: the documented recipe suite under ``pytest -n 2``.

The tool is how issue 21's "ten consecutive runs on three databases" is measured; this runs
it once on SQLite, so the recipe it writes (worker database, module data, tests that commit,
roll back and gather) keeps passing as the plugin changes.
"""

from __future__ import annotations

import pathlib

import pytest

from ._script import load_script

TOOL = pathlib.Path(__file__).parents[1] / "tools" / "repeat_suite.py"


def test_the_recipe_suite_passes_under_xdist_on_sqlite(capsys: pytest.CaptureFixture[str]) -> None:
    tool = load_script(TOOL, "repeat_suite")
    arguments = ["--runs", "1", "--databases", "sqlite", "--workers", "2", "--modules", "2"]
    status = tool.main(arguments)
    output = capsys.readouterr().out
    assert status == 0, output
    tests = 2 * tool.TESTS_PER_MODULE
    assert f"recipe suite, {tests} tests, pytest -n 2:" in output
    assert "sqlite: 1 passed, 0 failed" in output
