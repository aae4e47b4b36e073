"""The seed command's DEBUG lines: one per written batch, on the ``async_factory_boy.seed``
logger (a child of the package's logger, so enabling ``async_factory_boy`` shows them)."""

from __future__ import annotations

import logging

import pytest

from async_factory_boy.__main__ import main
from tests.seed._db import count

pytestmark = pytest.mark.sqlite


def test_each_batch_logs_its_objects_rows_per_table_and_time(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="async_factory_boy")
    arguments = ["tests.seed.factories:PostFactory", "-n", "25", "--batch-size", "10"]
    status = main(["seed", *arguments, "--create-tables", "--url", sqlite_url, "-q"])
    assert status == 0
    lines = [r.getMessage() for r in caplog.records if r.name == "async_factory_boy.seed"]
    assert len(lines) == 3
    expected = [(1, 10), (2, 10), (3, 5)]
    for line, (number, size) in zip(lines, expected, strict=True):
        assert line.startswith(f"seed batch {number} of PostFactory: {size} objects, ")
        assert f"rows written: {2 * size} (" in line  # each post with its author
        assert f"posts {size}" in line
        assert f"authors {size}" in line
        assert line.endswith(" ms")
    assert count(sqlite_url, "posts") == 25


def test_no_batch_lines_unless_enabled(sqlite_url: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="async_factory_boy")
    arguments = ["tests.seed.factories:PostFactory", "-n", "5", "--create-tables"]
    assert main(["seed", *arguments, "--url", sqlite_url, "-q"]) == 0
    assert [r for r in caplog.records if r.name.startswith("async_factory_boy")] == []
