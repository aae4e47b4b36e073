"""Beanie benchmark: ``AsyncBeanieFactory.create_batch_async`` against ``Document.insert_many``.

Workload: N books, each with a ``Link`` to its own author (a SubFactory of the author
factory). Both contenders store the same documents: N authors ``{"_id", "name"}`` and N
books ``{"_id", "title", "author": DBRef}``, names from counters (no Faker). The
hand-written code builds the documents through the models (validation on, as the factory
does), gives each author its ``id`` so the book can link to it, and calls Beanie's
``Author.insert_many`` then ``Book.insert_many``: the floor a factory cannot beat. Building
the documents is inside the timed region for both.

Beanie 2 runs on PyMongo's ``AsyncMongoClient``. The server is ``MONGO_URI`` when set, else
a SecantusDB started for the run.

Run: ``python -m benchmarks beanie`` (``--quick`` for a smoke run). Writes
``docs/performance/beanie.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import pathlib
from typing import Any

import beanie
import factory
import pymongo
from beanie import Document, Link, PydanticObjectId, init_beanie
from bson import DBRef
from pymongo import AsyncMongoClient

from async_factory_boy.factory.beanie import AsyncBeanieFactory

from . import _harness

DOCS_OUTPUT = pathlib.Path(__file__).parent.parent / "docs" / "performance" / "beanie.md"
TARGET = 0.8  # create_batch_async at >= 0.8x the hand-written books/s


class BenchAuthor(Document):
    name: str

    class Settings:
        name = "authors"


class BenchBook(Document):
    title: str
    author: Link[BenchAuthor]

    class Settings:
        name = "books"


class AuthorFactory(AsyncBeanieFactory[BenchAuthor]):
    class Meta:
        model = BenchAuthor

    name = factory.Sequence(lambda n: f"author{n}")


class BookFactory(AsyncBeanieFactory[BenchBook]):
    class Meta:
        model = BenchBook

    title = factory.Sequence(lambda n: f"book{n}")
    author = factory.SubFactory(AuthorFactory)


_counter = itertools.count()


async def hand_written(n: int) -> None:
    """What a test would write by hand with Beanie: build the documents, two insert_many."""
    authors: list[BenchAuthor] = []
    books: list[BenchBook] = []
    for _ in range(n):
        i = next(_counter)
        author = BenchAuthor(id=PydanticObjectId(), name=f"author{i}")
        authors.append(author)
        books.append(BenchBook(id=PydanticObjectId(), title=f"book{i}", author=author))  # type: ignore[arg-type]
    await BenchAuthor.insert_many(authors, ordered=True)
    await BenchBook.insert_many(books, ordered=True)


def contenders(database: Any, n: int) -> list[_harness.Contender]:
    async def prepare() -> None:
        await database.authors.drop()
        await database.books.drop()

    async def verify() -> None:
        counts = (
            await database.authors.count_documents({}),
            await database.books.count_documents({}),
        )
        if counts != (n, n):
            raise AssertionError(f"expected {n} authors and books, got {counts}")
        book = await database.books.find_one()
        if not isinstance(book["author"], DBRef):
            raise AssertionError("a book's author is not a link")
        if await database.authors.count_documents({"_id": book["author"].id}) != 1:
            raise AssertionError("a book links to no stored author")

    def contender(name: str, run: Any) -> _harness.Contender:
        return _harness.Contender(
            name=name, group="pymongo", run=run, prepare=prepare, verify=verify
        )

    async def ours() -> None:
        await BookFactory.create_batch_async(n)

    async def baseline() -> None:
        await hand_written(n)

    return [contender("Document.insert_many", baseline), contender("create_batch_async", ours)]


def table(results: list[_harness.Result]) -> tuple[str, list[str]]:
    baseline = results[0].per_second
    rows = [
        [
            result.contender.name,
            f"{result.median * 1000:.1f}",
            f"{result.per_second:,.0f}",
            f"{_harness.ratio(result.per_second, baseline):.2f}x",
            f"{result.spread:.0%}",
        ]
        for result in results
    ]
    got = _harness.ratio(results[-1].per_second, baseline)
    met = "met" if got >= TARGET else "**missed**"
    verdict = (
        f"- create_batch_async at {got:.2f}x the hand-written books/s (target >= {TARGET}x: {met})."
    )
    headers = ["contender", "median ms", "books/s", "vs hand-written", "spread"]
    return _harness.markdown_table(headers, rows), [verdict]


async def bench(
    args: argparse.Namespace, uri: str, server: str
) -> tuple[str, list[_harness.Result]]:
    n = 200 if args.quick else 2_000
    repetitions = args.repetitions or (1 if args.quick else 7)
    client: Any = AsyncMongoClient(uri)
    name = f"afb_bench_{os.getpid()}_beanie"
    try:
        database = client[name]
        await init_beanie(database=database, document_models=[BenchAuthor, BenchBook])
        print(f"beanie: N={n}, {repetitions} repetitions", flush=True)
        results = await _harness.measure(
            contenders(database, n), items=n, repetitions=repetitions, log=print
        )
    finally:
        await client.drop_database(name)
        await client.close()
    rendered, verdicts = table(results)
    report = "\n".join(
        [
            "# Beanie benchmark",
            "",
            "Generated by `python -m benchmarks.beanie_bench`; do not edit by hand.",
            "",
            f"- machine: {_harness.machine_description()}",
            f"- date: {_harness.today()}",
            f"- server: {server}",
            f"- workload: N={n:,} books, each with a `Link` to its own author (SubFactory); "
            "names from counters, no Faker; documents built through the models by both "
            "contenders; one ordered `insert_many` per collection",
            f"- {repetitions} repetitions per contender, interleaved in one process; medians; "
            "documents counted and a link checked after every run; "
            "spread = (max - min) / median",
            f"- versions: Beanie {beanie.__version__}, PyMongo {pymongo.version}, "
            f"factory_boy {factory.__version__}",
            "",
            rendered,
            "",
            *verdicts,
            "",
        ]
    )
    return report, results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.beanie_bench")
    _harness.add_common_arguments(parser)
    args = parser.parse_args(argv)

    from tests import _mongo_server

    configured = os.environ.get("MONGO_URI")
    with _mongo_server.mongo_server() as uri:
        server = "MONGO_URI" if configured else "SecantusDB (subprocess, WiredTiger storage)"
        report, results = asyncio.run(bench(args, uri, server))
    output = args.output or (None if args.quick else str(DOCS_OUTPUT))
    _harness.publish(report, output, results=results, unit="books/s")


if __name__ == "__main__":
    main()
