"""Seed = tests: the seed command stores the rows ``create_batch_async`` stores (issue 13)."""

from __future__ import annotations

import pathlib

import pytest

from tests.seed._db import count, drop_tables, query
from tests.seed._reference import create_like_seed
from tests.seed.conftest import messages, run_seed
from tests.seed.documented import DOCUMENTED, Base

MODULE = "tests.seed.documented"


def _create_with_factories(url: str, names: tuple[str, ...], size: int, batch_size: int) -> None:
    """What a test suite stores: ``create_batch_async`` of each factory, batch by batch."""
    paths = tuple(f"{MODULE}:{name}" for name in names)
    create_like_seed(url, f"{MODULE}:Base.metadata", paths, size, batch_size, seed=7)


def _tables() -> list[str]:
    return sorted(Base.metadata.tables)


def _seed_documented(url: str, batch_size: str) -> None:
    result = run_seed(
        *(f"{MODULE}:{name}" for name in DOCUMENTED),
        "-n",
        "3",
        "--batch-size",
        batch_size,
        "--seed",
        "7",
        "--create-tables",
        "--url",
        url,
    )
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr  # e.g. SAWarning "... will not proceed"


def _all_rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    return {table: query(url, f"SELECT * FROM {table} ORDER BY 1, 2") for table in _tables()}


def test_the_same_rows_on_every_database(sql_url: str) -> None:
    """Keys from RETURNING in order (SQLite, PostgreSQL) or row by row (MariaDB)."""
    drop_tables(sql_url, Base.metadata)
    _create_with_factories(sql_url, DOCUMENTED, 3, 2)
    created = _all_rows(sql_url)
    drop_tables(sql_url, Base.metadata)
    try:
        _seed_documented(sql_url, "2")
        seeded = _all_rows(sql_url)
    finally:
        drop_tables(sql_url, Base.metadata)

    assert seeded == created
    assert len(created["doc_audit"]) == 3


@pytest.mark.sqlite
@pytest.mark.parametrize("batch_size", ["1000", "2"])
def test_every_documented_factory_gives_the_rows_of_create_batch_async(
    tmp_path: pathlib.Path, batch_size: str
) -> None:
    seeded, created = (f"sqlite+aiosqlite:///{tmp_path / name}" for name in ("s.db", "c.db"))
    _create_with_factories(created, DOCUMENTED, 3, int(batch_size))

    _seed_documented(seeded, batch_size)

    for table in _tables():
        rows = f"SELECT * FROM {table} ORDER BY 1, 2"
        assert query(seeded, rows) == query(created, rows), table
    assert count(created, "doc_audit") == 3  # the comparison is not vacuous


@pytest.mark.sqlite
def test_a_declaration_reading_a_generated_key_gets_the_real_key(sqlite_url: str) -> None:
    result = run_seed(
        f"{MODULE}:ChildOfUserFactory", "-n", "5", "--create-tables", "--url", sqlite_url
    )

    assert result.returncode == 0, result.stderr
    mismatched = "SELECT COUNT(*) FROM doc_user WHERE label != 'child-of-' || company_id"
    assert query(sqlite_url, mismatched) == [(0,)]
    assert count(sqlite_url, "doc_user") == 5


@pytest.mark.sqlite
def test_a_hook_calling_another_factory_gets_the_seeds_session(sqlite_url: str) -> None:
    result = run_seed(
        f"{MODULE}:MemberWithSyncHookFactory",
        f"{MODULE}:MemberWithAsyncHookFactory",
        "-n",
        "4",
        "--create-tables",
        "--url",
        sqlite_url,
    )

    assert result.returncode == 0, result.stderr
    assert "MissingSessionError" not in result.stderr
    assert count(sqlite_url, "doc_tag") == 16
    assert count(sqlite_url, "doc_member_tags") == 16
    assert any(line.split() == ["doc_member_tags", "16"] for line in result.stdout.splitlines())


@pytest.mark.sqlite
def test_a_factory_that_cannot_be_seeded_is_refused_before_writing(sqlite_url: str) -> None:
    result = run_seed(
        f"{MODULE}:UserFactory",
        f"{MODULE}:CrossBackendFactory",
        "--create-tables",
        "--url",
        sqlite_url,
    )

    assert result.returncode == 1
    [line] = messages(result.stderr)
    assert line.startswith("error: tests.seed.documented:CrossBackendFactory cannot be seeded")
    assert "MongoCompanyFactory" in line
    assert "Nothing was written" in line
    assert query(sqlite_url, "SELECT name FROM sqlite_master WHERE type = 'table'") == []
