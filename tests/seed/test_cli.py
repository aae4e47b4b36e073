"""The command line's conventions: ``--version``, the main help, progress on stderr."""

from __future__ import annotations

import io
import pathlib
import subprocess
import sys

import pytest

import async_factory_boy
from async_factory_boy._seed._output import Output
from tests.seed.conftest import ROOT, seed_env


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(command), cwd=ROOT, env=seed_env(), capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    "command",
    [
        pytest.param([sys.executable, "-m", "async_factory_boy"], id="python-m"),
        # The console script pip installed next to this interpreter.
        pytest.param(
            [str(pathlib.Path(sys.executable).with_name("async-factory-boy"))], id="script"
        ),
    ],
)
def test_version_prints_the_version(command: list[str]) -> None:
    result = _run(*command, "--version")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"async-factory-boy {async_factory_boy.__version__}"


def test_the_main_help_lists_seed_status() -> None:
    result = _run(sys.executable, "-m", "async_factory_boy", "--help")

    assert result.returncode == 0, result.stderr
    commands = {line.strip().split("  ")[0] for line in result.stdout.splitlines()}
    assert {"seed", "seed status", "--version"} <= commands


class _Terminal(io.StringIO):
    """stderr as a terminal would be: progress is drawn as a bar."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("columns", [120, 60, 30])
def test_the_bar_fits_the_terminal_and_shows_rate_and_eta(
    columns: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))  # what shutil.get_terminal_size reads first
    out, err = io.StringIO(), _Terminal()
    output = Output(str, out=out, err=err)

    output.progress("PostFactory", 0, 1000, 0, 0.0)
    output.progress("PostFactory", 250, 1000, 500, 2.0)
    output.progress("PostFactory", 1000, 1000, 2000, 8.0)

    assert out.getvalue() == ""
    drawn = err.getvalue().split("\r")[1:]
    assert all(len(frame.rstrip("\n")) < columns for frame in drawn)
    assert "250/1,000" in drawn[1]
    assert "ETA" in drawn[1] or columns < 40  # the name is cut last, the rest may go
    if columns >= 60:
        assert "[" in drawn[1]
        assert "250 rows/s" in drawn[1]
        assert "ETA 0:" in drawn[1]  # 750 left at the rate seen so far: seconds, not --:--
    assert err.getvalue().endswith("\n")  # the finished bar ends its line
