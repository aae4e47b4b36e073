"""Errors of the seed command: one ``error:`` line, exit status 1 for a failed run and 2 for
a command line that cannot work."""

from __future__ import annotations

import pathlib
import subprocess
import sys
import textwrap

from tests.seed.conftest import ROOT, messages, run_seed, run_seed_without, seed_env

POSTS = "tests.seed.factories:PostFactory"


def _one_error_line(result: subprocess.CompletedProcess[str], status: int = 1) -> str:
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    [line] = messages(result.stderr)
    assert line.startswith("error: ")
    return line


def test_a_mongodb_url_without_pymongo_names_the_extra() -> None:
    result = run_seed_without(
        ("pymongo", "bson", "motor"), POSTS, "--url", "mongodb://127.0.0.1:1/app"
    )

    line = _one_error_line(result)
    assert "PyMongo" in line
    assert "async-factory-boy[mongo]" in line


def test_a_postgresql_url_without_a_driver_hints_at_asyncpg() -> None:
    result = run_seed_without(
        ("psycopg", "psycopg2"), POSTS, "--url", "postgresql://seeder@127.0.0.1:1/app"
    )

    line = _one_error_line(result)
    assert "postgresql+asyncpg://seeder@127.0.0.1:1/app" in line


def test_an_empty_url_is_an_error_not_the_default(tmp_path: pathlib.Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "async_factory_boy", "seed", POSTS, "--url", ""],
        cwd=tmp_path,
        env=seed_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert "--url is empty" in _one_error_line(result, status=2)
    assert not (tmp_path / "seed.db").exists()


def test_no_command_prints_the_usage() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "async_factory_boy"],
        cwd=ROOT,
        env=seed_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert result.stderr.startswith("usage: async-factory-boy")
    assert "seed" in result.stderr
    [error] = [line for line in messages(result.stderr) if line.startswith("error:")]
    assert "seed --help" in error


def _broken_module(tmp_path: pathlib.Path) -> dict[str, str]:
    (tmp_path / "broken_factories.py").write_text(
        textwrap.dedent("""\
            import factory


            def _helper():
                return {}["missing"]


            VALUE = _helper()
        """)
    )
    env = seed_env()
    env["PYTHONPATH"] = f"{tmp_path}:{env['PYTHONPATH']}"
    return env


def test_an_error_in_the_factories_module_shows_file_and_line(tmp_path: pathlib.Path) -> None:
    env = _broken_module(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "async_factory_boy", "seed", "broken_factories:Factory"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    line = _one_error_line(result)
    assert "importing 'broken_factories' failed: broken_factories.py:5: KeyError" in line
    assert "--traceback" in line


def test_traceback_prints_the_whole_traceback(tmp_path: pathlib.Path) -> None:
    env = _broken_module(tmp_path)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "async_factory_boy",
            "seed",
            "broken_factories:Factory",
            "--traceback",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert 'broken_factories.py", line 8, in <module>' in result.stderr
    assert messages(result.stderr)[-1].startswith("error: importing 'broken_factories'")


def test_a_syntax_error_in_the_factories_module_shows_file_and_line(
    tmp_path: pathlib.Path,
) -> None:
    (tmp_path / "typo_factories.py").write_text("import factory\n\nclass X(:\n    pass\n")
    env = seed_env()
    env["PYTHONPATH"] = f"{tmp_path}:{env['PYTHONPATH']}"
    result = subprocess.run(
        [sys.executable, "-m", "async_factory_boy", "seed", "typo_factories:X"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert "typo_factories.py:3: SyntaxError" in _one_error_line(result)


def test_unknown_module_is_still_cannot_import() -> None:
    assert "cannot import" in _one_error_line(run_seed("nosuchmodule_xyz:Factory"))
