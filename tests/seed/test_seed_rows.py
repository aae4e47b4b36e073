"""The seed's rows path stores what the object path stores, and only takes the factories it may.

Each scenario is seeded twice in this process, with the rows path on and off (the module
flag ``_seed_rows.ENABLED``), into fresh tables, and every column of every table is
compared, keys and foreign keys included. ``_seed_rows.PATHS`` says which path wrote the
batches.
"""

from __future__ import annotations

from collections import Counter

import pytest

from async_factory_boy.__main__ import main
from async_factory_boy.factory.sqlalchemy import _seed_rows
from tests.seed import documented
from tests.seed._db import count, drop_tables, query
from tests.seed.rows_models import OBJECTS, ROWS, Base

MODULE = "tests.seed.rows_models"


pytestmark = pytest.mark.usefixtures("fresh_rows_decisions")


def _seed(
    url: str, paths: list[str], n: int, *, rows: bool, flags: tuple[str, ...] = ()
) -> Counter[str]:
    """Seed ``paths`` into fresh tables; the batches written per path."""
    drop_tables(url, Base.metadata)
    drop_tables(url, documented.Base.metadata)
    before = Counter(_seed_rows.PATHS)
    enabled = _seed_rows.ENABLED
    _seed_rows.ENABLED = rows
    _seed_rows._capable.clear()
    try:
        status = main(
            [
                "seed",
                *paths,
                "-n",
                str(n),
                "--batch-size",
                "3",
                "--seed",
                "7",
                "--create-tables",
                "--url",
                url,
                "-q",
                *flags,
            ]
        )
    finally:
        _seed_rows.ENABLED = enabled
    assert status == 0
    return Counter(_seed_rows.PATHS) - before


def _tables(url: str, metadata_base: type = Base) -> dict[str, list[tuple[object, ...]]]:
    tables = metadata_base.metadata.tables  # type: ignore[attr-defined]
    return {name: query(url, f"SELECT * FROM {name} ORDER BY 1") for name in sorted(tables)}


def _both_ways(
    url: str, paths: list[str], n: int, flags: tuple[str, ...] = (), metadata_base: type = Base
) -> tuple[Counter[str], Counter[str]]:
    """Seed with the rows path on, then off; the tables must be equal. The paths taken.

    Both runs start from the same sequence counters: a factory called from a hook
    (``TagFactory``) is not one the seed sets per batch, and continues in this process. A
    first run, not compared, derives what the factories derive at their first object
    (``auto_fields``' hidden parents), which the run's sequence layout then counts.
    """
    _seed(url, paths, n, rows=False, flags=flags)
    restore = _seed_rows.snapshot()
    try:
        with_rows = _seed(url, paths, n, rows=True, flags=flags)
        stored = _tables(url, metadata_base)
        restore()
        without = _seed(url, paths, n, rows=False, flags=flags)
        assert _tables(url, metadata_base) == stored
    finally:
        drop_tables(url, Base.metadata)
        drop_tables(url, documented.Base.metadata)
    assert without == Counter(objects=without["objects"])  # the switch turns it off
    return with_rows, without


def test_rows_and_objects_store_the_same_rows(sql_url: str) -> None:
    """Defaults of every kind, foreign keys from SubFactory parents, an explicit None."""
    paths = [f"{MODULE}:{name}" for name in ROWS]
    with_rows, without = _both_ways(sql_url, paths, 7)

    assert with_rows == Counter(rows=9)  # 3 batches of each factory (7 = 3 + 3 + 1)
    assert without == Counter(objects=9)


@pytest.mark.postgres
def test_rows_without_copy_store_the_same_rows(postgres_asyncpg_url: str) -> None:
    paths = [f"{MODULE}:{name}" for name in ROWS]
    with_rows, _ = _both_ways(postgres_asyncpg_url, paths, 7, flags=("--no-copy",))

    assert with_rows == Counter(rows=9)


def test_the_rows_hold_the_defaults(sqlite_url: str) -> None:
    """Not vacuous: the rows compared above carry every default and key."""
    try:
        _seed(sqlite_url, [f"{MODULE}:BookFactory"], 4, rows=True)
        shelves = query(
            sqlite_url, "SELECT name, code, made, shout, note FROM rows_shelf ORDER BY id"
        )
        books = query(
            sqlite_url,
            "SELECT b.title, b.pages, s.name, b.backup_shelf_id FROM rows_book b "
            "JOIN rows_shelf s ON s.id = b.shelf_id ORDER BY b.id",
        )
    finally:
        drop_tables(sqlite_url, Base.metadata)

    assert shelves[0] == ("shelf 0", "S", "made", "SHELF 0", "n")
    assert len(shelves) == len(books) == 4
    assert all(title == f"book on {shelf}" for title, _, shelf, _ in books)
    assert sorted(book[1] or 0 for book in books) == [0, 0, 10, 30]
    assert {book[3] for book in books} == {None}


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_factories_that_need_objects_keep_the_object_path(sql_url: str, name: str) -> None:
    with_rows, _ = _both_ways(sql_url, [f"{MODULE}:{name}"], 4)

    assert with_rows == Counter(objects=2), OBJECTS[name]


def test_what_the_hooks_and_listeners_do_is_stored(sqlite_url: str) -> None:
    """The object path ran for real: each factory's hook, validator or __init__ shows in its
    rows; the ``before_insert`` listener's objects are written by the backend's flush,
    which calls it, as ``create_batch_async`` writes them."""
    paths = [f"{MODULE}:{name}" for name in sorted(OBJECTS)]
    try:
        _seed(sqlite_url, paths, 2, rows=True)
        found = {
            "HookedBookFactory": query(
                sqlite_url, "SELECT title FROM rows_book WHERE title LIKE '%(signed)'"
            ),
            "ShelfWithBooksFactory": query(
                sqlite_url, "SELECT id FROM rows_book WHERE title LIKE 'related%'"
            ),
            "ValidatedFactory": query(
                sqlite_url, "SELECT name FROM rows_validated WHERE name LIKE 'VALIDATED%'"
            ),
            "InitializedFactory": query(
                sqlite_url, "SELECT name FROM rows_initialized WHERE name LIKE '%(init)'"
            ),
            "ListenedFactory": query(
                sqlite_url, "SELECT name FROM rows_listened WHERE name LIKE '%(listened)'"
            ),
        }
    finally:
        drop_tables(sqlite_url, Base.metadata)

    assert {name: len(rows) for name, rows in found.items()} == {
        "HookedBookFactory": 2,
        "ShelfWithBooksFactory": 4,
        "ValidatedFactory": 2,
        "InitializedFactory": 2,
        "ListenedFactory": 2,
    }


def test_a_generated_key_read_rebuilds_the_batch_with_objects(sql_url: str) -> None:
    """``o.shelf.id`` cannot be answered by a row: the first batch starts again with objects
    (same sequences), and the factory stays on objects."""
    with_rows, _ = _both_ways(sql_url, [f"{MODULE}:KeyReadingBookFactory"], 5)

    assert with_rows == Counter(rebuilt=1, objects=2)


def test_every_documented_factory_stores_the_same_rows_both_ways(sql_url: str) -> None:
    paths = [f"{documented.__name__}:{name}" for name in documented.DOCUMENTED]
    with_rows, _ = _both_ways(sql_url, paths, 4, metadata_base=documented.Base)

    assert with_rows["rows"] > 0  # some take the rows path ...
    assert with_rows["objects"] > 0  # ... and some do not


def test_a_failed_batch_leaves_none_of_its_rows(sql_url: str) -> None:
    """The third book repeats a title: its batch's shelves, written before the failing
    books, are rolled back with it; the first batch stays."""
    drop_tables(sql_url, Base.metadata)
    before = Counter(_seed_rows.PATHS)
    try:
        status = main(
            [
                "seed",
                f"{MODULE}:CollidingBookFactory",
                "-n",
                "6",
                "--batch-size",
                "2",
                "--create-tables",
                "--url",
                sql_url,
                "-q",
            ]
        )
        shelves, books = count(sql_url, "rows_shelf"), count(sql_url, "rows_book")
    finally:
        drop_tables(sql_url, Base.metadata)

    assert status == 1
    assert (shelves, books) == (2, 2)
    assert Counter(_seed_rows.PATHS) - before == Counter(rows=1)
