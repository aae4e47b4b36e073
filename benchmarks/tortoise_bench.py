"""Tortoise benchmark: ``create_batch_async`` against hand-written ``bulk_create``.

Workload: N books, each with a ForeignKey to one author (created before the timed region,
passed to both contenders); titles from counters (no Faker). Contenders:

* **hand-written bulk_create** (the baseline): ``Book.bulk_create([Book(...) ...])``, what a
  test would write by hand. It returns no keys and leaves the objects unsaved.
* **create_batch_async**: ``BookFactory.create_batch_async(N, author=author)``: one
  transaction, one multi-row ``INSERT ... RETURNING id`` per 1,000 books (on PostgreSQL
  per chunk short enough for asyncpg to keep it prepared), keys set; the books made
  without ``Model.__init__``'s dispatch (``_construct``).
* **create_batch_async, ASYNC_FACTORY_BOY_TORTOISE_FAST=0**: the same with that fast path
  off (every book through ``Model.__init__``, every value through ``to_db_value``, chunks of
  1,000 books), for the before / after in one interleaved run.
* **Model.create loop** (for scale): one ``Book.create()`` per book, what the factory falls
  back to where a bulk insert would not give the same objects (see docs/tortoise.md);
  measured on N/10 books with 3 repetitions (it is slow), reported as books/s.
* **build_batch_async** and **factory_boy build_batch** (no writes, for the breakdown): our
  build of the same N books, and factory_boy's own sync ``build_batch`` of an equivalent
  plain ``factory.Factory``: the cost of resolving the declarations, which the hand-written
  code does not pay.

Every run starts with an empty book table and is verified afterwards (N books, all of the
author). Contenders run interleaved in one process; besides the wall clock, each run's CPU
time of this process is recorded and compared with the baseline's of the same round (on a
shared machine the steadier of the two; it leaves out the database server's work).
Databases: a SQLite file and PostgreSQL (asyncpg), in a private database created for the
run and dropped at the end.

Run: ``python -m benchmarks tortoise`` (``--quick`` for a smoke run; ``--profile`` prints a
pyinstrument profile of ``create_batch_async``). Writes ``docs/performance/tortoise.md``.
"""

from __future__ import annotations

import argparse
import itertools
import pathlib
import tempfile
import warnings
from collections.abc import Callable
from typing import Any

import factory
import tortoise
from tortoise import fields
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.context import TortoiseContext
from tortoise.models import Model

from async_factory_boy.factory.tortoise import AsyncTortoiseModelFactory, _construct

from . import _harness

DOCS_OUTPUT = pathlib.Path(__file__).parent.parent / "docs" / "performance" / "tortoise.md"
TARGET = 0.8  # create_batch_async at >= 0.8x the hand-written books/s


class Author(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)

    class Meta:
        table = "bench_author"
        app = "bench"


class Book(Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=200)
    pages = fields.IntField()
    author: fields.ForeignKeyRelation[Author] = fields.ForeignKeyField(
        "bench.Author", related_name="books"
    )

    class Meta:
        table = "bench_book"
        app = "bench"


class BookFactory(AsyncTortoiseModelFactory[Book]):
    class Meta:
        model = Book

    title = factory.Sequence(lambda n: f"book{n}")
    pages = factory.Sequence(lambda n: n % 500)


class SyncBookFactory(factory.Factory):  # type: ignore[misc]
    """factory_boy's own Factory with the same declarations (builds only)."""

    class Meta:
        model = Book

    title = factory.Sequence(lambda n: f"book{n}")
    pages = factory.Sequence(lambda n: n % 500)


_counter = itertools.count()


async def hand_written(author: Author, n: int) -> None:
    """What a test would write by hand: build the books, one bulk_create."""
    books = []
    for _ in range(n):
        i = next(_counter)
        books.append(Book(title=f"book{i}", pages=i % 500, author=author))
    await Book.bulk_create(books)


async def create_loop(author: Author, n: int) -> None:
    for _ in range(n):
        i = next(_counter)
        await Book.create(title=f"book{i}", pages=i % 500, author=author)


def contenders(database: str, author: Author, n: int) -> list[_harness.Contender]:
    async def prepare() -> None:
        await Book.all().delete()

    async def verify() -> None:
        count = await Book.filter(author_id=author.id).count()
        if count != n:
            raise AssertionError(f"expected {n} books of the author, got {count}")

    def contender(name: str, run: Callable[[], Any]) -> _harness.Contender:
        return _harness.Contender(
            name=name, group=database, run=run, prepare=prepare, verify=verify
        )

    async def ours() -> None:
        books = await BookFactory.create_batch_async(n, author=author)
        assert books[-1].id is not None

    async def baseline() -> None:
        await hand_written(author, n)

    async def build_ours() -> None:
        books = await BookFactory.build_batch_async(n, author=author)
        assert len(books) == n

    def build_factory_boy() -> None:
        books = SyncBookFactory.build_batch(n, author=author)
        assert len(books) == n

    def build_only(name: str, run: Callable[[], Any]) -> _harness.Contender:
        return _harness.Contender(name=name, group=database, run=run)

    async def ours_constructed() -> None:
        before = _construct.ENABLED
        _construct.ENABLED = False
        try:
            await ours()
        finally:
            _construct.ENABLED = before

    return [
        contender("hand-written bulk_create", baseline),
        contender("create_batch_async", ours),
        build_only("build_batch_async (no writes)", build_ours),
        build_only("factory_boy build_batch (sync, no writes)", build_factory_boy),
        contender("create_batch_async, ASYNC_FACTORY_BOY_TORTOISE_FAST=0", ours_constructed),
    ]


def loop_contender(database: str, author: Author, n: int) -> _harness.Contender:
    async def prepare() -> None:
        await Book.all().delete()

    async def verify() -> None:
        count = await Book.filter(author_id=author.id).count()
        if count != n:
            raise AssertionError(f"expected {n} books of the author, got {count}")

    async def looped() -> None:
        await create_loop(author, n)

    return _harness.Contender(
        name=f"Model.create loop (N={n:,})",
        group=database,
        run=looped,
        prepare=prepare,
        verify=verify,
    )


def table(results: list[_harness.Result]) -> tuple[str, list[str]]:
    rows: list[list[object]] = []
    verdicts: list[str] = []
    for database in ("sqlite", "postgres"):
        group = [result for result in results if result.contender.group == database]
        if not group:
            continue
        baseline = group[0].per_second
        for result in group:
            cpu, low, high = _harness.paired_cpu_ratio(result, group[0])
            paired = (
                f"{cpu:.2f}x ({low:.2f}-{high:.2f})"
                if result.items == group[0].items
                else "-"  # another N: its times do not pair with the baseline's
            )
            rows.append(
                [
                    database,
                    result.contender.name,
                    f"{result.median * 1000:.1f}",
                    f"{result.per_second:,.0f}",
                    f"{_harness.ratio(result.per_second, baseline):.2f}x",
                    f"{result.spread:.0%}",
                    paired,
                ]
            )
        got = _harness.ratio(group[1].per_second, baseline)
        met = "met" if got >= TARGET else "**missed**"
        cpu, low, high = _harness.paired_cpu_ratio(group[1], group[0])
        cpu_met = "met" if cpu >= TARGET else "**missed**"
        build = group[3].median / group[0].median
        writes = (group[1].median - group[2].median) / group[0].median
        verdicts.append(
            f"- {database}: create_batch_async at {got:.2f}x the hand-written books/s by the "
            f"wall clock (target >= {TARGET}x: {met}), {cpu:.2f}x by this process's CPU time "
            f"(pairs {low:.2f}-{high:.2f}; {cpu_met}). factory_boy's own sync build of the "
            f"books, writing nothing, takes {build:.2f}x the whole hand-written run; our "
            f"writes (create minus build) {writes:.2f}x."
        )
    headers = [
        "database",
        "contender",
        "median ms",
        "books/s",
        "vs hand-written",
        "spread",
        "CPU vs hand-written (pairs)",
    ]
    return _harness.markdown_table(headers, rows), verdicts


async def _run_on(
    url: str, database: str, n: int, repetitions: int, profile: bool
) -> list[_harness.Result]:
    EXECUTOR_CACHE.clear()  # per (connection name, table), whatever the dialect
    async with TortoiseContext() as context:
        await context.init(db_url=url, modules={"bench": [__name__]})
        await context.generate_schemas(safe=False)
        try:
            author = await Author.create(name="author")
            if profile:
                await _profile(author, n)
            results = await _harness.measure(
                contenders(database, author, n), items=n, repetitions=repetitions, log=print
            )
            loop_n = max(1, n // 10)
            results += await _harness.measure(
                [loop_contender(database, author, loop_n)],
                items=loop_n,
                repetitions=min(3, repetitions),
                log=print,
            )
            return results
        finally:
            client = context.connections.get("default")
            await client.execute_script("DROP TABLE IF EXISTS bench_book")
            await client.execute_script("DROP TABLE IF EXISTS bench_author")


async def _profile(author: Author, n: int) -> None:
    from pyinstrument import Profiler

    await Book.all().delete()
    profiler = Profiler(async_mode="enabled")
    profiler.start()
    await BookFactory.create_batch_async(n, author=author)
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False, show_all=False))
    await Book.all().delete()


async def bench(
    args: argparse.Namespace, postgres_database: str
) -> tuple[str, list[_harness.Result]]:
    from tests import _servers

    n = 200 if args.quick else 2_000
    repetitions = args.repetitions or (1 if args.quick else 9)
    results: list[_harness.Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        print(f"sqlite: N={n}, {repetitions} repetitions", flush=True)
        results += await _run_on(f"sqlite://{tmp}/bench.db", "sqlite", n, repetitions, args.profile)
    print(f"postgres: N={n}, {repetitions} repetitions", flush=True)
    url = (
        f"postgres://{_servers.POSTGRES_USER}@{_servers.POSTGRES_HOST}:"
        f"{_servers.POSTGRES_PORT}/{postgres_database}"
    )
    results += await _run_on(url, "postgres", n, repetitions, args.profile)
    rendered, verdicts = table(results)
    report = "\n".join(
        [
            "# Tortoise ORM benchmark",
            "",
            "Generated by `python -m benchmarks.tortoise_bench`; do not edit by hand.",
            "",
            f"- machine: {_harness.machine_description()}",
            f"- date: {_harness.today()}",
            "- databases: a SQLite file (aiosqlite); PostgreSQL on 127.0.0.1 (asyncpg)",
            f"- workload: N={n:,} books (title and page count from counters, no Faker), each "
            "with a ForeignKey to one author created beforehand and passed to every contender",
            f"- {repetitions} repetitions per contender, interleaved in one process; medians; "
            "books counted after every run; spread = (max - min) / median",
            f"- versions: Tortoise ORM {tortoise.__version__}, factory_boy {factory.__version__}",
            "",
            rendered,
            "",
            *verdicts,
            "",
            "The hand-written `bulk_create` hands no keys back (`book.id` stays `None`) and "
            "leaves the objects unsaved; `create_batch_async` returns saved books with their "
            "keys, inside one transaction. The build rows write nothing: they are the cost of "
            "resolving the factory's declarations (ours, and factory_boy's own sync build), "
            "which the hand-written code does not pay. The `Model.create` loop is the cost of "
            "the per-object fallback (docs/tortoise.md, 'How objects are written').",
            "",
            "## Where the time goes",
            "",
            "`Model.__init__` asks, for every keyword of every book, which kind of field it "
            "names and sends each value through `Model.__setattr__` (and the relation "
            "through its property); `create_batch_async` now works that out once per model "
            "and set of keywords and fills each book's attributes directly, the same values "
            "in the same order (docs/tortoise.md, 'How objects are written'), and converts "
            "the INSERT's values inline where the field uses Tortoise's own `to_db_value`. "
            "The hand-written code pays `Model.__init__` for every book. What is left of "
            "`create_batch_async` is the resolution of the declarations (the build rows: "
            "now faster than factory_boy's own sync build), the per-object create step of "
            "the core, and the write: one `INSERT ... RETURNING` per 1,000 books (on "
            "PostgreSQL per chunk of under 15 KiB of SQL, which asyncpg keeps prepared; a "
            "longer statement is prepared again at every execution) with the keys set on "
            "the objects, which the hand-written `bulk_create` does not read back "
            "(`--profile` prints a pyinstrument profile of one batch).",
            "",
        ]
    )
    return report, results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tortoise_bench")
    _harness.add_common_arguments(parser)
    parser.add_argument(
        "--profile", action="store_true", help="print a pyinstrument profile of one batch"
    )
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", DeprecationWarning)
    from tests import _servers

    name = _servers.unique_database_name()
    _servers.create_postgres_database(name)  # on a loop of its own, before the benchmark's
    try:
        report, results = _harness.run(lambda: bench(args, name))
    finally:
        _servers.drop_postgres_database(name)
    output = args.output or (None if args.quick else str(DOCS_OUTPUT))
    _harness.publish(report, output, results=results, unit="books/s")


if __name__ == "__main__":
    main()
