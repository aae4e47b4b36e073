"""The seed command against hand-written scripts, on SQLite and PostgreSQL.

Work: N posts, each with its own author (2N rows), in batches of 1,000, one transaction per
batch. Fields are plain sequences (no Faker, which costs ~60 us per value and would hide
the write path). Contenders, in the same process, interleaved, medians:

- ``orm add_all``: hand-written ``Post(author=Author(...))``, ``session.add_all`` + commit
  per batch (the ORM unit of work);
- ``core insert``: hand-written Core ``insert()`` executemany per batch, authors with
  ``RETURNING`` ids, then posts (SQLAlchemy's insertmanyvalues);
- ``copy`` (PostgreSQL): hand-written asyncpg script: the authors' ids from the sequence in
  one query, then ``copy_records_to_table`` for authors and posts;
- ``seed``: the command itself (``async_factory_boy.__main__.main``, in this process, in a
  thread with its own event loop): factories resolved by factory_boy with the create
  strategy, objects collected, written with COPY on PostgreSQL, Core inserts on SQLite;
- ``seed --no-copy`` (PostgreSQL): the same with Core inserts, to show what COPY brings.

Memory: peak RSS of a separate ``seed`` process per count (``--memory-counts``), which must
not grow with the count. ``--profile`` adds where one seed run spends its time (cProfile).

Run: ``python -m benchmarks seed`` (``--quick`` for a smoke run, ``--count N``,
``--postgres-url postgresql+asyncpg://postgres@127.0.0.1/bench``). ``--contenders`` runs some
contenders only: ``--contenders hooks`` the two hook rows (the sync hook against the
``async def`` hook), ``--contenders "seed,core insert"`` the ones named. ``--clock cpu``
times this process's CPU time instead of the wall clock (the database server's work is left
out: compare contenders that write the same rows, on a loaded machine).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import subprocess
import sys
import time
from typing import Any

import factory
from sqlalchemy import func, insert, make_url, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from async_factory_boy import AsyncFactory
from async_factory_boy.__main__ import main as seed_main
from async_factory_boy._seed._progress import TABLE as PROGRESS_TABLE
from benchmarks._harness import (
    Contender,
    MemoryResult,
    Result,
    add_common_arguments,
    machine_description,
    markdown_table,
    measure,
    publish,
    ratio,
    today,
)
from examples.blog.models import Author, Base, Post

BATCH = 1000
MODULE = "benchmarks.seed_bench"
FACTORY = f"{MODULE}:PostFactory"


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


class PostWithSyncHookFactory(PostFactory):
    """A post-generation hook that edits the object (reads no generated key)."""

    @factory.post_generation
    def signed(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        self.body = f"{self.body} ({self.author.name})"


class PostWithAsyncHookFactory(PostFactory):
    """The same hook written ``async def``: the seed must not make it much slower."""

    @factory.post_generation
    async def signed(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        self.body = f"{self.body} ({self.author.name})"


SYNC_HOOK = "seed, sync hook"
ASYNC_HOOK = "seed, async def hook"
#: Issue 22: an ``async def`` hook costs the seed at most this much the same hook written sync.
HOOK_TARGET = 1.3
#: ``--contenders`` shorthands: names that stand for several contenders.
CONTENDER_GROUPS = {"hooks": (SYNC_HOOK, ASYNC_HOOK)}
#: ``--clock``: what a run's time is read from.
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
CLOCK_NOTES = {"wall": "", "cpu": "; times are this process's CPU time"}


def chosen_contenders(text: str) -> frozenset[str]:
    """The contender names ``--contenders`` asks for (comma-separated; shorthands expanded)."""
    names: set[str] = set()
    for part in text.split(","):
        name = part.strip()
        if name:
            names.update(CONTENDER_GROUPS.get(name, (name,)))
    return frozenset(names)


async def _fresh(engine: AsyncEngine) -> None:
    """Empty tables, and no progress records: each run is a new seed run, not a resume."""
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
        await conn.run_sync(Base.metadata.create_all)
        await conn.execute(text(f"DROP TABLE IF EXISTS {PROGRESS_TABLE}"))


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


async def asyncpg_copy(dsn: str, n: int) -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        for batch in _batches(n):
            async with conn.transaction():
                ids = await conn.fetch(
                    "SELECT nextval('authors_id_seq') FROM generate_series(1, $1)", len(batch)
                )
                await conn.copy_records_to_table(
                    "authors",
                    records=[
                        (row[0], f"Author {i}", f"author{i}@example.com")
                        for i, row in zip(batch, ids, strict=True)
                    ],
                    columns=["id", "name", "email"],
                )
                await conn.copy_records_to_table(
                    "posts",
                    records=[
                        (f"Post {i}", "Lorem ipsum", row[0])
                        for i, row in zip(batch, ids, strict=True)
                    ],
                    columns=["title", "body", "author_id"],
                )
    finally:
        await conn.close()


def _seed_arguments(url: str, n: int, *flags: str, path: str = FACTORY) -> list[str]:
    return ["seed", path, "-n", str(n), "--batch-size", str(BATCH), "--url", url, "-q", *flags]


async def seed(url: str, n: int, *flags: str, path: str = FACTORY) -> None:
    """The command's own entry point, on a thread (it runs its own event loop)."""
    status = await asyncio.to_thread(seed_main, _seed_arguments(url, n, *flags, path=path))
    if status != 0:
        raise RuntimeError(f"seed exited with status {status}")


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

    found = [
        contender("orm add_all", lambda: orm_add_all(engine, n)),
        contender("core insert", lambda: core_insert(engine, n)),
        contender("seed", lambda: seed(url, n)),
        contender(SYNC_HOOK, lambda: seed(url, n, path=f"{MODULE}:PostWithSyncHookFactory")),
        contender(ASYNC_HOOK, lambda: seed(url, n, path=f"{MODULE}:PostWithAsyncHookFactory")),
    ]
    if engine.dialect.name == "postgresql":
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        found.append(contender("copy", lambda: asyncpg_copy(dsn, n)))
        found.append(contender("seed --no-copy", lambda: seed(url, n, "--no-copy")))
    return found


def peak_rss_megabytes(url: str, n: int) -> float:
    """Peak resident memory of a separate process seeding ``n`` posts into fresh tables."""
    process = subprocess.Popen(
        [sys.executable, "-m", "async_factory_boy", *_seed_arguments(url, n)],
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"seed of {n} posts exited with status {process.returncode}")
    return usage.ru_maxrss / 1024  # kilobytes on Linux


#: The parts of a seed run the profile reports: (label, file suffix, function name).
_PARTS = (
    ("whole batches (build + write)", "factory/sqlalchemy/_seed_batch.py", "write_batch"),
    ("rows path: records made (capture)", "factory/sqlalchemy/_seed_rows.py", "capture"),
    ("rows path: rows, keys, statements", "factory/sqlalchemy/_seed_rows.py", "write"),
    ("object path: bulk write of objects", "factory/sqlalchemy/_bulk.py", "write_rows"),
    (
        "COPY / INSERT statements (driver included)",
        "factory/sqlalchemy/_seed_copy.py",
        "insert_rows",
    ),
    (
        "ORM model constructors (SQLAlchemy's instrumented __init__)",
        "orm/state.py",
        "_initialize_instance",
    ),
)


def profile(url: str, n: int) -> str:
    """Where one in-process seed run spends its time (cProfile): the parts, then the
    functions with the most own time."""
    profiler = cProfile.Profile()
    profiler.runcall(seed_main, _seed_arguments(url, n))
    stats = pstats.Stats(profiler)
    total = max(stats.total_tt, 1e-9)  # type: ignore[attr-defined]
    cumulative: dict[str, float] = {}
    for (filename, _, function), entry in stats.stats.items():  # type: ignore[attr-defined]
        for label, suffix, name in _PARTS:
            if filename.endswith(suffix) and function == name:
                cumulative[label] = cumulative.get(label, 0.0) + entry[3]
    lines = [f"{total:6.2f} s  100%  the whole run (profiled)"]
    for label, _, _ in _PARTS:
        seconds = cumulative.get(label, 0.0)
        lines.append(f"{seconds:6.2f} s  {seconds / total:4.0%}  {label}")
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(10)
    text = stream.getvalue()
    for prefix in sorted({*sys.path, os.getcwd()}, key=len, reverse=True):
        if prefix:  # file names relative to the project or site-packages, as in the docs
            text = text.replace(prefix.rstrip("/") + "/", "")
    own = [line for line in text.splitlines() if line.strip()]
    start = next(i for i, line in enumerate(own) if line.lstrip().startswith("ncalls"))
    return "\n".join([*lines, "", *own[start:]])


async def amain(
    args: argparse.Namespace,
) -> tuple[str, list[Result], list[MemoryResult]]:
    n = 2000 if args.quick else args.count
    repetitions = args.repetitions or (1 if args.quick else 3)
    memory_counts = [2000, 5000] if args.quick else args.memory_counts
    urls = {"SQLite": args.sqlite_url, "PostgreSQL": args.postgres_url}
    rows: list[list[object]] = []
    timings: list[Result] = []
    peaks: list[MemoryResult] = []
    sections: list[str] = []
    verdicts: list[str] = []
    for name, url in urls.items():
        if not url:
            continue
        engine = create_async_engine(url)
        try:
            found = contenders(engine, url, n, name)
            if args.contenders:
                unknown = sorted(args.contenders - {c.name for c in found})
                if unknown:
                    raise SystemExit(
                        f"seed_bench: no contender named {', '.join(map(repr, unknown))} on "
                        f"{name}; the contenders: {', '.join(c.name for c in found)}, or "
                        f"{', '.join(CONTENDER_GROUPS)}"
                    )
                found = [c for c in found if c.name in args.contenders]
            results = await measure(
                found,
                items=n,
                repetitions=repetitions,
                log=lambda line: print(line, file=sys.stderr, flush=True),
                clock=CLOCKS[args.clock],
            )
            timings += results
            by_name = {r.contender.name: r for r in results}
            baselines = [by_name.get(b) for b in ("orm add_all", "core insert", "copy")]
            for result in results:
                rows.append(
                    [
                        name,
                        result.contender.name,
                        f"{result.median:.2f} s",
                        f"{result.spread:.0%}",
                        f"{result.per_second:,.0f}",
                        *(
                            f"{ratio(base.median, result.median):.2f}x" if base else ""
                            for base in baselines
                        ),
                    ]
                )
            if ASYNC_HOOK in by_name and SYNC_HOOK in by_name:
                hooks = ratio(by_name[ASYNC_HOOK].median, by_name[SYNC_HOOK].median)
                verdicts.append(
                    f"- {name}: the `async def` hook takes {hooks:.2f}x the time of the same "
                    f"hook written sync (target <= {HOOK_TARGET}x: "
                    f"{'met' if hooks <= HOOK_TARGET else '**missed**'})."
                )
            if name == "PostgreSQL" and memory_counts:
                memory_rows = []
                for count in memory_counts:
                    await _fresh(engine)
                    memory = peak_rss_megabytes(url, count)
                    memory_rows.append([f"{count:,}", f"{memory:.1f} MB"])
                sections += [
                    "Peak RSS of a separate `seed` process (PostgreSQL, fresh tables):",
                    markdown_table(["posts", "peak RSS"], memory_rows),
                ]
            if args.profile:
                await _fresh(engine)
                where = await asyncio.to_thread(profile, url, n)
                sections.append(
                    f"Where one seed run of {n:,} posts on {name} spends its time "
                    f"(cProfile):\n\n```text\n{where}\n```"
                )
        finally:
            await engine.dispose()
    report = "\n\n".join(
        [
            f"{n:,} posts, each with an author ({2 * n:,} rows), batches of {BATCH:,}, "
            f"median of {repetitions} (spread: (max - min) / median)"
            f"{CLOCK_NOTES[args.clock]}; "
            f"{today()}, {machine_description()}.",
            _table_without_empty_columns(
                [
                    "database",
                    "contender",
                    "median",
                    "spread",
                    "posts/s",
                    "vs ORM",
                    "vs Core",
                    "vs COPY",
                ],
                rows,
            ),
            "\n".join(verdicts),
            *sections,
        ]
    )
    return report, timings, peaks


def _table_without_empty_columns(headers: list[str], rows: list[list[object]]) -> str:
    """The table without the ratio columns no row fills (their baseline was not run, see
    ``--contenders``)."""
    kept = [i for i in range(len(headers)) if not rows or any(row[i] != "" for row in rows)]
    return markdown_table([headers[i] for i in kept], [[row[i] for i in kept] for row in rows])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="seed_bench", description=__doc__)
    add_common_arguments(parser)
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--sqlite-url", default="sqlite+aiosqlite:///./seed_bench.db")
    parser.add_argument("--postgres-url", default="")
    parser.add_argument(
        "--memory-counts",
        type=lambda text: [int(part) for part in text.split(",") if part],
        default=[10_000, 100_000, 1_000_000],
        help="post counts whose seed process's peak RSS is measured (comma-separated; '' for none)",
    )
    parser.add_argument("--profile", action="store_true", help="add a cProfile of one seed run")
    parser.add_argument(
        "--contenders",
        type=chosen_contenders,
        default=frozenset(),
        help="run only these contenders (comma-separated names; 'hooks' for the sync and "
        "async def hook rows); all by default",
    )
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="wall",
        help="time runs by the wall clock (default) or by this process's CPU time",
    )
    args = parser.parse_args(argv)
    report, results, memory = asyncio.run(amain(args))
    publish(report, args.output, results=results, memory=memory, unit="posts/s")


if __name__ == "__main__":
    main()
