"""The contract suite's named requirements: a misspelt name never runs or skips silently."""

from __future__ import annotations

import pathlib

import pytest

from tests.contract._kits import Kit
from tests.contract._requirements import REQUIREMENTS, requires

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_an_unknown_requirement_fails_the_test_modules_collection(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makepyfile(
        """
        from tests.contract._requirements import requires

        @requires("batch_one_writes")
        def test_misspelt():
            pass
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*unknown requirement(s)*batch_one_writes*"])


def test_a_kit_naming_an_unknown_requirement_refuses_to_open() -> None:
    with pytest.raises(LookupError, match=r"kit broken: unknown requirement\(s\)"):
        Kit(
            name="broken",
            parent=None,
            child=None,
            parent_by_name=None,
            conn={},
            connect=None,  # type: ignore[arg-type]
            count=None,  # type: ignore[arg-type]
            wrong_connection=dict,
            unsupported={"batch_one_writes": "misspelt"},
        )


def test_every_requirement_says_what_it_means() -> None:
    assert all(meaning for meaning in REQUIREMENTS.values())
    assert requires(*REQUIREMENTS).name == "requires"
