"""MongoDB benchmark: ``AsyncMongoFactory.create_batch_async`` against hand-written ``insert_many``.

Workload: N authors, each referencing its own publisher by ``_id`` (a SubFactory of a
collection factory, ``publisher_id = LazyAttribute(lambda o: o.publisher["_id"])``). Both
contenders store the same documents: N publishers ``{"_id", "name"}`` and N authors
``{"_id", "name", "publisher_id"}``, names from counters (no Faker). The hand-written code
builds the dicts in a loop, generates the ObjectIds and calls one ``insert_many`` per
collection: the floor a factory cannot beat. Building the documents is inside the timed
region for both.

The server is ``MONGO_URI`` when set, else a SecantusDB started for the run (a MongoDB
wire-protocol server written in Python, in its own process). Both drivers are measured:
PyMongo's ``AsyncMongoClient`` and Motor's ``AsyncIOMotorClient``.

Run: ``python -m benchmarks mongo`` (``--quick`` for a smoke run). Writes
``docs/performance/mongo.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import pathlib
import warnings
from collections.abc import Callable
from typing import Any

import factory
import pymongo
from bson import ObjectId
from pymongo import AsyncMongoClient

from async_factory_boy.factory.mongo import AsyncMongoFactory

from . import _harness

DOCS_OUTPUT = pathlib.Path(__file__).parent.parent / "docs" / "performance" / "mongo.md"
TARGET = 0.7  # create_batch_async at >= 0.7x the hand-written documents/s

Document = dict[str, Any]


class PublisherFactory(AsyncMongoFactory[Document]):
    class Meta:
        collection = "publishers"

    name = factory.Sequence(lambda n: f"publisher{n}")


class AuthorFactory(AsyncMongoFactory[Document]):
    class Meta:
        collection = "authors"
        exclude = ("publisher",)

    name = factory.Sequence(lambda n: f"author{n}")
    publisher = factory.SubFactory(PublisherFactory)
    publisher_id = factory.LazyAttribute(lambda o: o.publisher["_id"])


_counter = itertools.count()


async def hand_written(database: Any, n: int) -> None:
    """What a test would write by hand: build the documents, one insert_many each."""
    publishers: list[Document] = []
    authors: list[Document] = []
    for _ in range(n):
        i = next(_counter)
        publisher = {"_id": ObjectId(), "name": f"publisher{i}"}
        publishers.append(publisher)
        authors.append({"_id": ObjectId(), "name": f"author{i}", "publisher_id": publisher["_id"]})
    await database.publishers.insert_many(publishers, ordered=True)
    await database.authors.insert_many(authors, ordered=True)


def contenders(driver: str, database: Any, n: int) -> list[_harness.Contender]:
    async def prepare() -> None:
        await database.publishers.drop()
        await database.authors.drop()

    async def verify() -> None:
        authors = await database.authors.count_documents({})
        publishers = await database.publishers.count_documents({})
        if (authors, publishers) != (n, n):
            raise AssertionError(
                f"expected {n} authors and publishers, got {authors}, {publishers}"
            )
        author = await database.authors.find_one()
        if await database.publishers.count_documents({"_id": author["publisher_id"]}) != 1:
            raise AssertionError("an author references no stored publisher")

    def contender(name: str, run: Callable[[], Any]) -> _harness.Contender:
        return _harness.Contender(name=name, group=driver, run=run, prepare=prepare, verify=verify)

    async def ours() -> None:
        await AuthorFactory.create_batch_async(n, mongo_database=database)

    async def baseline() -> None:
        await hand_written(database, n)

    return [contender("hand-written insert_many", baseline), contender("create_batch_async", ours)]


def _client(driver: str, uri: str) -> Any:
    if driver == "pymongo":
        return AsyncMongoClient(uri)
    from motor.motor_asyncio import AsyncIOMotorClient

    return AsyncIOMotorClient(uri)


async def _close(client: Any) -> None:
    closed = client.close()
    if asyncio.iscoroutine(closed):
        await closed


def table(results: list[_harness.Result]) -> tuple[str, list[str]]:
    rows: list[list[object]] = []
    verdicts: list[str] = []
    for driver in ("pymongo", "motor"):
        group = [result for result in results if result.contender.group == driver]
        if not group:
            continue
        baseline = group[0].per_second
        for result in group:
            rows.append(
                [
                    driver,
                    result.contender.name,
                    f"{result.median * 1000:.1f}",
                    f"{result.per_second:,.0f}",
                    f"{_harness.ratio(result.per_second, baseline):.2f}x",
                    f"{result.spread:.0%}",
                ]
            )
        got = _harness.ratio(group[-1].per_second, baseline)
        met = "met" if got >= TARGET else "**missed**"
        verdicts.append(
            f"- {driver}: create_batch_async at {got:.2f}x the hand-written authors/s "
            f"(target >= {TARGET}x: {met})."
        )
    headers = ["driver", "contender", "median ms", "authors/s", "vs hand-written", "spread"]
    return _harness.markdown_table(headers, rows), verdicts


async def bench(
    args: argparse.Namespace, uri: str, server: str
) -> tuple[str, list[_harness.Result]]:
    n = 200 if args.quick else 2_000
    repetitions = args.repetitions or (1 if args.quick else 7)
    results: list[_harness.Result] = []
    for driver in ("pymongo", "motor"):
        client = _client(driver, uri)
        name = f"afb_bench_{os.getpid()}_{driver}"
        try:
            print(f"{driver}: N={n}, {repetitions} repetitions", flush=True)
            results += await _harness.measure(
                contenders(driver, client[name], n), items=n, repetitions=repetitions, log=print
            )
        finally:
            await client.drop_database(name)
            await _close(client)
    rendered, verdicts = table(results)
    report = "\n".join(
        [
            "# MongoDB benchmark",
            "",
            "Generated by `python -m benchmarks.mongo_bench`; do not edit by hand.",
            "",
            f"- machine: {_harness.machine_description()}",
            f"- date: {_harness.today()}",
            f"- server: {server}",
            f"- workload: N={n:,} authors, each with its own publisher referenced by `_id` "
            "(SubFactory + LazyAttribute); names from counters, no Faker; the same documents "
            "for both contenders; one ordered `insert_many` per collection",
            f"- {repetitions} repetitions per contender, interleaved in one process; medians; "
            "documents counted and a reference checked after every run; "
            "spread = (max - min) / median",
            f"- versions: PyMongo {pymongo.version}, factory_boy {factory.__version__}",
            "",
            rendered,
            "",
            *verdicts,
            "",
        ]
    )
    return report, results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.mongo_bench")
    _harness.add_common_arguments(parser)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", DeprecationWarning)  # Motor's deprecation notice

    from tests import _mongo_server

    configured = os.environ.get("MONGO_URI")
    with _mongo_server.mongo_server() as uri:
        server = "MONGO_URI" if configured else "SecantusDB (subprocess, WiredTiger storage)"
        report, results = asyncio.run(bench(args, uri, server))
    output = args.output or (None if args.quick else str(DOCS_OUTPUT))
    _harness.publish(report, output, results=results, unit="authors/s")


if __name__ == "__main__":
    main()
