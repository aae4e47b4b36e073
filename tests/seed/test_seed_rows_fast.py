"""The rows path's per-batch shortcuts store what its steps one object at a time store.

``_seed_rows.FAST`` (captures checked with what is constant per batch, rows made a table at
a time, one group of rows where every row has the same columns, the tables' order found
once) and ``_seed_copy.FAST`` (COPY's rows in one group, tuples, the drawn keys fetched at
once) are switched off together and on together; the rows path is on both times. Each
scenario is seeded twice into fresh tables, and every column of every table is compared,
keys and foreign keys included.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import literal

from async_factory_boy._seeding import RebuildBatch
from async_factory_boy.factory.sqlalchemy import _seed_copy, _seed_rows
from tests.seed import documented
from tests.seed.rows_models import ROWS, Base, Book, BookFactory, Shelf, ShelfFactory
from tests.seed.test_seed_rows import MODULE, _seed, _tables

pytestmark = pytest.mark.usefixtures("fresh_rows_decisions")


@pytest.fixture
def fast_switches() -> Iterator[None]:
    yield
    _seed_rows.FAST = _seed_copy.FAST = True


def _fast(on: bool) -> None:
    _seed_rows.FAST = _seed_copy.FAST = on


def _on_and_off(
    url: str, paths: list[str], n: int, flags: tuple[str, ...] = (), metadata_base: type = Base
) -> Counter[str]:
    """Seed with the shortcuts on, then off (rows path on both times); the tables must be
    equal. The paths taken with them on."""
    _seed(url, paths, n, rows=True, flags=flags)  # first objects: see _both_ways
    restore = _seed_rows.snapshot()
    try:
        _fast(True)
        with_fast = _seed(url, paths, n, rows=True, flags=flags)
        stored = _tables(url, metadata_base)
        restore()
        _fast(False)
        without = _seed(url, paths, n, rows=True, flags=flags)
        assert _tables(url, metadata_base) == stored
        assert without == with_fast
    finally:
        _fast(True)
    assert any(stored.values())  # not vacuous
    return with_fast


@pytest.mark.usefixtures("fast_switches")
def test_the_shortcuts_store_the_same_rows(sql_url: str) -> None:
    paths = [f"{MODULE}:{name}" for name in ROWS]
    with_fast = _on_and_off(sql_url, paths, 7)

    assert with_fast == Counter(rows=9)


@pytest.mark.postgres
@pytest.mark.usefixtures("fast_switches")
def test_the_shortcuts_store_the_same_rows_without_copy(postgres_asyncpg_url: str) -> None:
    paths = [f"{MODULE}:{name}" for name in ROWS]
    with_fast = _on_and_off(postgres_asyncpg_url, paths, 7, flags=("--no-copy",))

    assert with_fast == Counter(rows=9)


@pytest.mark.usefixtures("fast_switches")
def test_every_documented_factory_stores_the_same_rows_with_the_shortcuts(sql_url: str) -> None:
    paths = [f"{documented.__name__}:{name}" for name in documented.DOCUMENTED]
    with_fast = _on_and_off(sql_url, paths, 4, metadata_base=documented.Base)

    assert with_fast["rows"] > 0


def _records(factory: type, kwargs_list: list[dict[str, object]]) -> _seed_rows.RowsBatch:
    factories = frozenset({ShelfFactory, BookFactory})
    batch = _seed_rows.RowsBatch(factories)
    model = factory._meta.get_model_class()  # type: ignore[attr-defined]
    for kwargs in kwargs_list:
        batch.capture(factory, model, (), dict(kwargs))
    return batch


def _rows(batch: _seed_rows.RowsBatch) -> list[dict[str, object]]:
    batch.prepare()
    return [dict(record._row) for record in batch.records]


@pytest.mark.usefixtures("fast_switches")
@pytest.mark.parametrize(
    "kwargs_list",
    [
        [{"name": "a"}, {"name": "b"}],  # one shape: rows made at once
        [{"name": "a"}, {"name": "b", "code": "X"}],  # two shapes: row by row
        [{"name": "a", "code": None}, {"name": "b", "code": "X"}],  # a None left out
        [{"name": 1}, {"name": "b"}],  # mixed plain types
    ],
)
def test_rows_made_at_once_equal_rows_made_one_by_one(kwargs_list: list[dict[str, object]]) -> None:
    _fast(True)
    fast = _rows(_records(ShelfFactory, kwargs_list))
    _fast(False)
    slow = _rows(_records(ShelfFactory, kwargs_list))

    assert fast == slow
    assert [list(row) for row in fast] == [list(row) for row in slow]  # same column order


@pytest.mark.usefixtures("fast_switches")
@pytest.mark.parametrize("on", [True, False])
def test_a_sql_expression_still_rebuilds_the_batch(on: bool) -> None:
    _fast(on)
    batch = _records(ShelfFactory, [{"name": "a"}, {"name": literal("b")}])

    with pytest.raises(RebuildBatch, match="name is a SQL expression"):
        batch.prepare()


@pytest.mark.usefixtures("fast_switches")
@pytest.mark.parametrize("on", [True, False])
def test_a_capture_still_refuses_what_a_row_cannot_stand_for(on: bool) -> None:
    _fast(on)
    batch = _seed_rows.RowsBatch(frozenset({ShelfFactory, BookFactory}))

    with pytest.raises(RebuildBatch, match="makes objects a row cannot stand for"):
        batch.capture(ShelfFactory, Shelf, (), {"books": []})
    with pytest.raises(RebuildBatch, match="makes objects a row cannot stand for"):
        batch.capture(ShelfFactory, Shelf, ("positional",), {"name": "a"})
    with pytest.raises(RebuildBatch, match="shelf is not a row of this batch"):
        batch.capture(BookFactory, Book, (), {"title": "t", "shelf": Shelf(name="real")})
    assert batch.records == []


def test_rows_with_the_same_columns_are_one_group() -> None:
    assert _seed_copy.same_columns([{"a": 1, "b": 2}, {"b": 3, "a": 4}]) == frozenset({"a", "b"})
    assert _seed_copy.same_columns([{"a": 1}, {"a": 1, "b": 2}]) is None
    assert _seed_copy.same_columns([{"a": 1, "b": 2}, {"a": 1, "c": 2}]) is None
    assert _seed_copy.same_columns([{"a": 1}, {"b": 1}]) is None
    assert _seed_copy.same_columns([{}, {}]) == frozenset()
    assert _seed_copy.same_columns([{}, {"a": 1}]) is None
