"""The seed command's write path against two hand-written scripts, on SQLite and PostgreSQL.

Work: N posts, each with its own author (2N rows), in batches of 1,000, one transaction per
batch. Fields are plain sequences (no Faker, which costs ~60 us per value and would hide
the write path). Contenders, in the same process, interleaved, medians:

- ``orm add_all``: hand-written ``Post(author=Author(...))``, ``session.add_all`` + commit
  per batch (the ORM unit of work);
- ``core insert``: hand-written Core ``insert()`` executemany per batch, authors with
  ``RETURNING`` ids, then posts (SQLAlchemy's insertmanyvalues);
- ``seed``: what ``async-factory-boy seed`` runs for each batch (factories resolved by
  factory_boy with the create strategy, objects collected, written with Core inserts).

Run: ``python -m benchmarks seed`` (``--quick`` for a smoke run, ``--count N``).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
from typing import Any

import factory
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from async_factory_boy import AsyncFactory
from async_factory_boy._seed._sql import SqlWriter
from async_factory_boy._seed._url import Redactor, parse_target
from benchmarks._harness import (
    Contender,
    MemoryResult,
    Result,
    add_common_arguments,
    machine_description,
    markdown_table,
    measure,
    measure_peak_memory,
    publish,
    ratio,
    today,
)
from examples.blog.models import Author, Base, Post

BATCH = 1000


class AuthorFactory(AsyncFactory[Author]):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Author {n}")
    email = factory.Sequence(lambda n: f"author{n}@example.com")


class PostFactory(AsyncFactory[Post]):
    class Meta:
        model = Post

    author = factory.SubFactory(AuthorFactory)
    title = factory.Sequence(lambda n: f"Post {n}")
    body = "Lorem ipsum"


async def _fresh(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
        await conn.run_sync(Base.metadata.create_all)


def _batches(n: int) -> list[range]:
    return [range(start, min(start + BATCH, n)) for start in range(0, n, BATCH)]


async def orm_add_all(engine: AsyncEngine, n: int) -> None:
    for batch in _batches(n):
        async with AsyncSession(engine) as session:
            session.add_all(
                Post(
                    title=f"Post {i}",
                    body="Lorem ipsum",
                    author=Author(name=f"Author {i}", email=f"author{i}@example.com"),
                )
                for i in batch
            )
            await session.commit()


async def core_insert(engine: AsyncEngine, n: int) -> None:
    authors = insert(Author).returning(Author.id, sort_by_parameter_order=True)
    async with engine.connect() as conn:
        for batch in _batches(n):
            async with conn.begin():
                result = await conn.execute(
                    authors,
                    [{"name": f"Author {i}", "email": f"author{i}@example.com"} for i in batch],
                )
                ids = result.scalars().all()
                await conn.execute(
                    insert(Post),
                    [
                        {"title": f"Post {i}", "body": "Lorem ipsum", "author_id": author_id}
                        for i, author_id in zip(batch, ids, strict=True)
                    ],
                )


async def seed(url: str, n: int) -> None:
    writer = SqlWriter(parse_target(url, None, Redactor()))
    await writer.connect()
    try:
        for batch in _batches(n):
            await writer.write_batch(PostFactory, len(batch))
    finally:
        await writer.close()


def contenders(engine: AsyncEngine, url: str, n: int, group: str) -> list[Contender]:
    async def prepare() -> None:
        PostFactory.reset_sequence()
        AuthorFactory.reset_sequence()
        await _fresh(engine)

    async def verify() -> None:
        async with engine.connect() as conn:
            posts = (await conn.execute(select(func.count()).select_from(Post))).scalar()
            linked = (
                await conn.execute(select(func.count()).select_from(Post).join(Author))
            ).scalar()
        if posts != n or linked != n:
            raise AssertionError(f"{group}: expected {n} linked posts, found {posts}/{linked}")

    def contender(name: str, work: Any) -> Contender:
        return Contender(name, work, prepare=prepare, verify=verify, group=group)

    return [
        contender("orm add_all", lambda: orm_add_all(engine, n)),
        contender("core insert", lambda: core_insert(engine, n)),
        contender("seed", lambda: seed(url, n)),
    ]


async def amain(
    args: argparse.Namespace,
) -> tuple[str, list[Result], list[MemoryResult]]:
    n = 2000 if args.quick else args.count
    repetitions = args.repetitions or (1 if args.quick else 3)
    urls = {"SQLite": args.sqlite_url, "PostgreSQL": args.postgres_url}
    rows: list[list[object]] = []
    memory_rows: list[list[object]] = []
    timings: list[Result] = []
    peaks: list[MemoryResult] = []
    for name, url in urls.items():
        if not url:
            continue
        engine = create_async_engine(url)
        try:
            results = await measure(
                contenders(engine, url, n, name), items=n, repetitions=repetitions
            )
            timings += results
            by_name = {r.contender.name: r for r in results}
            for result in results:
                rows.append(
                    [
                        name,
                        result.contender.name,
                        f"{result.median:.2f} s",
                        f"{result.per_second:,.0f}",
                        f"{ratio(by_name['orm add_all'].median, result.median):.2f}x",
                        f"{ratio(by_name['core insert'].median, result.median):.2f}x",
                    ]
                )
            prepare = contenders(engine, url, n, name)[2].prepare
            for count in (max(n // 10, BATCH), n):
                run_once = functools.partial(seed, url, count)
                contender = Contender("seed", run_once, prepare=prepare, group=name)
                peak = await measure_peak_memory(contender, items=count)
                peaks.append(peak)
                memory_rows.append([name, f"{count:,}", f"{peak.peak_bytes / 1e6:.1f} MB"])
        finally:
            await engine.dispose()
    report = "\n\n".join(
        [
            f"{n:,} posts, each with an author ({2 * n:,} rows), batches of {BATCH:,}, "
            f"median of {repetitions}; {today()}, {machine_description()}.",
            markdown_table(
                ["database", "contender", "median", "posts/s", "vs ORM", "vs Core"], rows
            ),
            "Peak traced Python memory of one seed run (it must not grow with the count):",
            markdown_table(["database", "posts", "peak memory"], memory_rows),
        ]
    )
    return report, timings, peaks


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="seed_bench", description=__doc__)
    add_common_arguments(parser)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--sqlite-url", default="sqlite+aiosqlite:///./seed_bench.db")
    parser.add_argument("--postgres-url", default="")
    args = parser.parse_args(argv)
    report, results, memory = asyncio.run(amain(args))
    publish(report, args.output, results=results, memory=memory, unit="posts/s")


if __name__ == "__main__":
    main()
