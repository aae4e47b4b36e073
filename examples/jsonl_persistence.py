"""Writing your own persistence handler: every saved object becomes a line of a JSON file.

A handler needs two methods, ``save(obj)`` and ``save_many(objs)``. This one is blocking (it
writes a file), so it is a ``SyncPersistence``: factories run its methods in a worker thread,
and gathered ``create_async`` calls may run them in several threads at once. The lock makes
each write (and the id it hands out) atomic.

Run it: ``python examples/jsonl_persistence.py``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import factory

from async_factory_boy import AsyncFactory


class JsonLinesPersistence:
    """Appends each object, as JSON, to a file; sets an auto-increment ``id`` on it first."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()  # methods may run in several worker threads at once
        self._last_id = 0

    def save(self, obj: Any) -> Any:
        return self.save_many([obj])[0]

    def save_many(self, objs: Sequence[Any]) -> list[Any]:
        with self._lock:
            lines = []
            for obj in objs:
                self._last_id += 1
                obj.id = self._last_id
                lines.append(json.dumps({"type": type(obj).__name__, **dataclasses.asdict(obj)}))
            with self.path.open("a", encoding="utf-8") as file:
                file.write("".join(line + "\n" for line in lines))
        return list(objs)

    def read(self) -> list[dict[str, Any]]:
        """Every record written so far (for assertions)."""
        if not self.path.exists():
            return []
        with self.path.open(encoding="utf-8") as file:
            return [json.loads(line) for line in file]


@dataclasses.dataclass
class Book:
    title: str
    author: str
    id: int | None = None


class BookFactory(AsyncFactory[Book]):
    class Meta:
        model = Book

    title = factory.Sequence(lambda n: f"Book {n}")
    author = "Ursula K. Le Guin"


async def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        books = JsonLinesPersistence(Path(directory) / "books.jsonl")
        await BookFactory.create_async(persistence=books)
        await BookFactory.create_batch_async(2, persistence=books)  # one save_many call
        for record in books.read():
            print(record)


if __name__ == "__main__":
    asyncio.run(main())
