"""ODMantic benchmark: ``AsyncODManticFactory.create_batch_async`` against ``engine.save_all``.

Workload: N books, each with a ``Reference`` to its own publisher (a SubFactory of the
publisher factory). Every contender stores the same documents: N publishers
``{"_id", "name"}`` and N books ``{"_id", "title", "publisher": ObjectId}``, names from
counters (no Faker), models built (and validated) inside the timed region.

- ``engine.save_all``: what ODMantic offers for many models; it upserts each book and each
  referenced publisher with its own ``update_one`` (2N round trips). The target is measured
  against it.
- ``insert_many (model_dump_doc)``: the hand-written floor: the models' documents, one
  ``insert_many`` per collection through the engine's collections.

ODMantic 1 runs on Motor. The server is ``MONGO_URI`` when set, else a SecantusDB started
for the run.

Run: ``python -m benchmarks odmantic`` (``--quick`` for a smoke run). Writes
``docs/performance/odmantic.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import pathlib
import warnings
from typing import Any

import factory
import odmantic
import pymongo
from odmantic import AIOEngine, Model, Reference

from async_factory_boy.factory.odmantic import AsyncODManticFactory

from . import _harness

DOCS_OUTPUT = pathlib.Path(__file__).parent.parent / "docs" / "performance" / "odmantic.md"
TARGET = 0.8  # create_batch_async at >= 0.8x engine.save_all's books/s


class BenchPublisher(Model):
    name: str

    model_config = {"collection": "publishers"}


class BenchBook(Model):
    title: str
    publisher: BenchPublisher = Reference()

    model_config = {"collection": "books"}


class PublisherFactory(AsyncODManticFactory[BenchPublisher]):
    class Meta:
        model = BenchPublisher

    name = factory.Sequence(lambda n: f"publisher{n}")


class BookFactory(AsyncODManticFactory[BenchBook]):
    class Meta:
        model = BenchBook

    title = factory.Sequence(lambda n: f"book{n}")
    publisher = factory.SubFactory(PublisherFactory)


_counter = itertools.count()


def build_books(n: int) -> list[BenchBook]:
    books = []
    for _ in range(n):
        i = next(_counter)
        books.append(BenchBook(title=f"book{i}", publisher=BenchPublisher(name=f"publisher{i}")))
    return books


def contenders(engine: AIOEngine, n: int) -> list[_harness.Contender]:
    database = engine.database

    async def prepare() -> None:
        await database.publishers.drop()
        await database.books.drop()

    async def verify() -> None:
        counts = (
            await database.publishers.count_documents({}),
            await database.books.count_documents({}),
        )
        if counts != (n, n):
            raise AssertionError(f"expected {n} publishers and books, got {counts}")
        book = await database.books.find_one()
        if await database.publishers.count_documents({"_id": book["publisher"]}) != 1:
            raise AssertionError("a book references no stored publisher")

    def contender(name: str, run: Any) -> _harness.Contender:
        return _harness.Contender(name=name, group="motor", run=run, prepare=prepare, verify=verify)

    async def save_all() -> None:
        await engine.save_all(build_books(n))

    async def insert_many() -> None:
        books = build_books(n)
        publishers = [book.publisher.model_dump_doc() for book in books]
        await engine.get_collection(BenchPublisher).insert_many(publishers, ordered=True)
        documents = [book.model_dump_doc() for book in books]
        await engine.get_collection(BenchBook).insert_many(documents, ordered=True)

    async def ours() -> None:
        await BookFactory.create_batch_async(n, odmantic_engine=engine)

    return [
        contender("engine.save_all", save_all),
        contender("insert_many (model_dump_doc)", insert_many),
        contender("create_batch_async", ours),
    ]


def table(results: list[_harness.Result]) -> tuple[str, list[str]]:
    save_all, floor, ours = (result.per_second for result in results)
    rows = [
        [
            result.contender.name,
            f"{result.median * 1000:.1f}",
            f"{result.per_second:,.0f}",
            f"{_harness.ratio(result.per_second, save_all):.2f}x",
            f"{_harness.ratio(result.per_second, floor):.2f}x",
            f"{result.spread:.0%}",
        ]
        for result in results
    ]
    got = _harness.ratio(ours, save_all)
    met = "met" if got >= TARGET else "**missed**"
    verdicts = [
        f"- create_batch_async at {got:.2f}x engine.save_all's books/s (target >= {TARGET}x: "
        f"{met}).",
        f"- create_batch_async at {_harness.ratio(ours, floor):.2f}x the hand-written "
        "insert_many of the same models' documents.",
    ]
    headers = [
        "contender",
        "median ms",
        "books/s",
        "vs save_all",
        "vs insert_many",
        "spread",
    ]
    return _harness.markdown_table(headers, rows), verdicts


async def bench(
    args: argparse.Namespace, uri: str, server: str
) -> tuple[str, list[_harness.Result]]:
    from motor.motor_asyncio import AsyncIOMotorClient

    # N=500, not 2,000: engine.save_all upserts one document at a time, and on SecantusDB
    # its run time grows much faster than N (8 s at N=2,000 at first, then 30-90 s).
    n = 200 if args.quick else 500
    repetitions = args.repetitions or (1 if args.quick else 7)
    client: Any = AsyncIOMotorClient(uri)
    name = f"afb_bench_{os.getpid()}_odmantic"
    try:
        engine = AIOEngine(client, database=name)
        print(f"odmantic: N={n}, {repetitions} repetitions", flush=True)
        results = await _harness.measure(
            contenders(engine, n), items=n, repetitions=repetitions, log=print
        )
    finally:
        await client.drop_database(name)
        client.close()
    rendered, verdicts = table(results)
    report = "\n".join(
        [
            "# ODMantic benchmark",
            "",
            "Generated by `python -m benchmarks.odmantic_bench`; do not edit by hand.",
            "",
            f"- machine: {_harness.machine_description()}",
            f"- date: {_harness.today()}",
            f"- server: {server}",
            f"- workload: N={n:,} books, each with a `Reference` to its own publisher "
            "(SubFactory); names from counters, no Faker; models built (validated) by every "
            "contender; `engine.save_all` upserts one document at a time, the others write "
            "one ordered `insert_many` per collection",
            f"- {repetitions} repetitions per contender, interleaved in one process; medians; "
            "documents counted and a reference checked after every run; "
            "spread = (max - min) / median",
            f"- versions: ODMantic {odmantic.__version__}, PyMongo {pymongo.version}, "
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
    parser = argparse.ArgumentParser(prog="python -m benchmarks.odmantic_bench")
    _harness.add_common_arguments(parser)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", DeprecationWarning)  # Motor's deprecation notice

    from tests import _mongo_server

    configured = os.environ.get("MONGO_URI")
    with _mongo_server.mongo_server() as uri:
        server = "MONGO_URI" if configured else "SecantusDB (subprocess, WiredTiger storage)"
        report, results = asyncio.run(bench(args, uri, server))
    output = args.output or (None if args.quick else str(DOCS_OUTPUT))
    _harness.publish(report, output, results=results, unit="books/s")


if __name__ == "__main__":
    main()
