"""seed_bench's options for a partial run: ``--contenders`` and ``--clock cpu``.

One real, small run on SQLite (the two hook rows, 200 posts): the table has those rows only,
without the ratio columns whose baselines were not run, and the hook verdict.
"""

from __future__ import annotations

import pathlib

import pytest

from benchmarks import seed_bench


def test_contender_names_and_shorthands() -> None:
    assert seed_bench.chosen_contenders("hooks") == {seed_bench.SYNC_HOOK, seed_bench.ASYNC_HOOK}
    assert seed_bench.chosen_contenders(" seed , hooks,") == {
        "seed",
        seed_bench.SYNC_HOOK,
        seed_bench.ASYNC_HOOK,
    }


@pytest.mark.sqlite
def test_a_run_of_the_hook_rows_only(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bench.db'}"
    arguments = ["--count", "200", "--repetitions", "1", "--memory-counts", ""]
    seed_bench.main([*arguments, "--contenders", "hooks", "--clock", "cpu", "--sqlite-url", url])
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| SQLite |")]
    assert [row.split("|")[2].strip() for row in rows] == [
        seed_bench.SYNC_HOOK,
        seed_bench.ASYNC_HOOK,
    ]
    assert "| database | contender | median | spread | posts/s |\n" in out  # no empty ratios
    assert "times are this process's CPU time" in out
    assert "- SQLite: the `async def` hook takes " in out


def test_an_unknown_contender_is_refused_with_the_names(tmp_path: pathlib.Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bench.db'}"
    with pytest.raises(SystemExit, match="no contender named 'sed' on SQLite; the contenders: "):
        seed_bench.main(["--contenders", "sed", "--memory-counts", "", "--sqlite-url", url])
