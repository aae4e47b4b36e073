"""The JSON-lines handler of ``examples/jsonl_persistence.py``, the docs' "write your own"."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import ModuleType

import pytest

from async_factory_boy.persistence import SyncPersistence

from .._script import load_script

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "jsonl_persistence.py"


@pytest.fixture(scope="module")
def example() -> ModuleType:
    return load_script(EXAMPLE, "jsonl_persistence_example")


@pytest.mark.asyncio
async def test_the_handler_is_a_sync_persistence(example: ModuleType, tmp_path: Path) -> None:
    assert isinstance(example.JsonLinesPersistence(tmp_path / "x.jsonl"), SyncPersistence)


@pytest.mark.asyncio
async def test_create_writes_one_line_with_an_id(example: ModuleType, tmp_path: Path) -> None:
    books = example.JsonLinesPersistence(tmp_path / "books.jsonl")

    book = await example.BookFactory.create_async(persistence=books, title="Earthsea")

    assert book.id == 1
    assert books.read() == [
        {"type": "Book", "title": "Earthsea", "author": "Ursula K. Le Guin", "id": 1}
    ]


@pytest.mark.asyncio
async def test_gathered_creates_write_every_line_once(example: ModuleType, tmp_path: Path) -> None:
    books = example.JsonLinesPersistence(tmp_path / "books.jsonl")

    created = await asyncio.gather(
        *(example.BookFactory.create_async(persistence=books) for _ in range(30))
    )

    assert sorted(book.id for book in created) == list(range(1, 31))
    assert sorted(record["id"] for record in books.read()) == list(range(1, 31))


@pytest.mark.asyncio
async def test_the_example_runs(example: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    await example.main()

    assert capsys.readouterr().out.count("'type': 'Book'") == 3
