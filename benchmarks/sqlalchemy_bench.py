"""SQLAlchemy benchmark: users with their own company, through every factory library.

Workload (issue 3): N users, each with its own company through a SubFactory; every field is
a Sequence (no Faker, which alone costs about 60 us a name). Two scenarios:

* **batch**: N users in one call; the baseline is hand-written ``add_all`` + one ``flush``;
  a hand-written Core script (``insert()`` executemany, company keys through an ordered
  ``RETURNING``) shows what the database and driver allow.
* **loop**: N single-object calls; the baseline is hand-written ``add`` + ``flush`` per user.

Every run starts on freshly created tables, gets a new session, ends with one ``commit``
(inside the timed region, for every contender alike) and is verified afterwards: exactly N
users and N companies, each user with its own company. Contenders run interleaved in the same
process. Databases: a SQLite file (aiosqlite / sqlite3) and PostgreSQL (asyncpg / psycopg 3),
in a private database created for the run and dropped at the end.

Peak memory is measured for a bigger batch (N=20,000 by default) with tracemalloc, for ours
and for the hand-written ``add_all`` + one flush.

    python -m benchmarks.sqlalchemy_bench            # full run, writes docs/performance/
    python -m benchmarks.sqlalchemy_bench --quick    # smoke run: small N, one repetition
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import pathlib
import secrets
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import factory
import sqlalchemy as sa
from factory.alchemy import SQLAlchemyModelFactory
from polyfactory import Use
from polyfactory.factories.sqlalchemy_factory import (
    SQLAlchemyFactory,
    SQLAlchemyPersistenceMethod,
)
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory
from async_factory_boy.factory.sqlalchemy._bulk_session import write_pending

from . import _harness, _legacy_afb

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS_OUTPUT = ROOT / "docs" / "performance" / "sqlalchemy.md"
#: Where ``--ours-only`` writes by default: its table lacks the other libraries' rows, so it
#: never replaces the full page.
OURS_ONLY_OUTPUT = ROOT / "docs" / "performance" / "sqlalchemy-ours.md"

POSTGRES_HOST = os.environ.get("POSTGRES_HOST", "127.0.0.1")
POSTGRES_PORT = int(os.environ.get("POSTGRES_PORT", "5432"))
POSTGRES_USER = os.environ.get("POSTGRES_USER", "postgres")


# -- the models -----------------------------------------------------------------------------


class Base(DeclarativeBase):
    pass


class Company(Base):
    __tablename__ = "bench_company"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))


class User(Base):
    __tablename__ = "bench_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    email: Mapped[str] = mapped_column(sa.String(200), unique=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("bench_company.id"))
    company: Mapped[Company] = relationship()


# -- the contenders' factories: the same three Sequence fields and one SubFactory each -------

_counter = itertools.count()


def _next() -> int:
    return next(_counter)


class OurCompanyFactory(AsyncSQLAlchemyModelFactory[Company]):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"company{n}")


class OurUserFactory(AsyncSQLAlchemyModelFactory[User]):
    class Meta:
        model = User

    name = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    company = factory.SubFactory(OurCompanyFactory)


class SyncCompanyFactory(SQLAlchemyModelFactory):  # type: ignore[misc]
    class Meta:
        model = Company
        sqlalchemy_session_persistence = "flush"

    name = factory.Sequence(lambda n: f"company{n}")


class SyncUserFactory(SQLAlchemyModelFactory):  # type: ignore[misc]
    class Meta:
        model = User
        sqlalchemy_session_persistence = "flush"

    name = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    company = factory.SubFactory(SyncCompanyFactory)


class PolyCompanyFactory(SQLAlchemyFactory[Company]):
    __set_primary_key__ = False
    __persistence_method__ = SQLAlchemyPersistenceMethod.FLUSH
    __check_model__ = False

    name = Use(lambda: f"company{_next()}")


class PolyUserFactory(SQLAlchemyFactory[User]):
    __set_primary_key__ = False
    __set_foreign_keys__ = False
    __persistence_method__ = SQLAlchemyPersistenceMethod.FLUSH
    __check_model__ = False

    name = Use(lambda: f"user{_next()}")
    email = Use(lambda: f"user{_next()}@example.com")
    company = Use(PolyCompanyFactory.build)


def _legacy_factories() -> tuple[Any, Any]:
    """async-factory-boy 1.0.1's factories (its session lives on ``Meta``, set per run)."""
    legacy = _legacy_afb.load_sqlalchemy_module()

    class LegacyCompanyFactory(legacy.AsyncSQLAlchemyFactory):  # type: ignore[misc,name-defined]
        class Meta:
            model = Company
            sqlalchemy_session = None

        name = factory.Sequence(lambda n: f"company{n}")

    class LegacyUserFactory(legacy.AsyncSQLAlchemyFactory):  # type: ignore[misc,name-defined]
        class Meta:
            model = User
            sqlalchemy_session = None

        name = factory.Sequence(lambda n: f"user{n}")
        email = factory.Sequence(lambda n: f"user{n}@example.com")
        company = factory.SubFactory(LegacyCompanyFactory)

    return LegacyCompanyFactory, LegacyUserFactory


# -- databases ------------------------------------------------------------------------------


@dataclass
class Database:
    """One database under test: an async engine, a sync engine on the same data."""

    name: str
    async_engine: AsyncEngine
    sync_engine: sa.Engine

    def recreate_tables(self) -> None:
        Base.metadata.drop_all(self.sync_engine)
        Base.metadata.create_all(self.sync_engine)

    def verify(self, n: int) -> None:
        """Exactly ``n`` users and ``n`` companies, one company per user."""
        with self.sync_engine.connect() as conn:
            users = conn.scalar(sa.select(sa.func.count()).select_from(User))
            companies = conn.scalar(sa.select(sa.func.count()).select_from(Company))
            distinct = conn.scalar(sa.select(sa.func.count(sa.distinct(User.company_id))))
        if (users, companies, distinct) != (n, n, n):
            raise AssertionError(
                f"{self.name}: expected {n} users with {n} distinct companies, found "
                f"{users} users, {companies} companies, {distinct} distinct company ids"
            )

    async def dispose(self) -> None:
        await self.async_engine.dispose()
        self.sync_engine.dispose()


@contextmanager
def sqlite_database() -> Iterator[Database]:
    with tempfile.TemporaryDirectory(prefix="afb-bench-") as directory:
        path = pathlib.Path(directory) / "bench.db"
        yield Database(
            "SQLite (file)",
            create_async_engine(f"sqlite+aiosqlite:///{path}"),
            sa.create_engine(f"sqlite:///{path}"),
        )


@contextmanager
def postgres_database() -> Iterator[Database]:
    """A private database on the PostgreSQL server, dropped at the end."""
    name = f"afb_bench_{os.getpid()}_{secrets.token_hex(3)}"
    server = f"{POSTGRES_USER}@{POSTGRES_HOST}:{POSTGRES_PORT}"
    admin = sa.create_engine(
        f"postgresql+psycopg://{server}/postgres", isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield Database(
            "PostgreSQL",
            create_async_engine(f"postgresql+asyncpg://{server}/{name}"),
            sa.create_engine(f"postgresql+psycopg://{server}/{name}"),
        )
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# -- contenders -----------------------------------------------------------------------------


class _Sessions:
    """The session of the current run: opened by ``prepare``, closed by ``cleanup``."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.async_session: AsyncSession | None = None
        self.sync_session: Session | None = None

    def prepare_async(self) -> None:
        self.database.recreate_tables()
        self.async_session = AsyncSession(self.database.async_engine)

    def prepare_sync(self) -> None:
        self.database.recreate_tables()
        self.sync_session = Session(self.database.sync_engine)

    @property
    def a(self) -> AsyncSession:
        assert self.async_session is not None
        return self.async_session

    @property
    def s(self) -> Session:
        assert self.sync_session is not None
        return self.sync_session

    async def cleanup(self) -> None:
        if self.async_session is not None:
            await self.async_session.close()
            self.async_session = None
        if self.sync_session is not None:
            self.sync_session.close()
            self.sync_session = None


def _hand_written_user() -> User:
    n = _next()
    return User(name=f"user{n}", email=f"user{n}@example.com", company=Company(name=f"company{n}"))


def contenders(database: Database, n: int) -> list[_harness.Contender]:
    """Every contender of both scenarios on ``database``, creating ``n`` users a run."""
    sessions = _Sessions(database)
    legacy_company, legacy_user = _legacy_factories()

    def verify() -> None:
        database.verify(n)

    def contender(
        group: str, name: str, run: Callable[[], Any], *, sync: bool = False
    ) -> _harness.Contender:
        return _harness.Contender(
            name=name,
            group=group,
            run=run,
            prepare=sessions.prepare_sync if sync else sessions.prepare_async,
            verify=verify,
            cleanup=sessions.cleanup,
        )

    # batch: N users in one call
    async def hand_add_all() -> None:
        sessions.a.add_all([_hand_written_user() for _ in range(n)])
        await sessions.a.flush()
        await sessions.a.commit()

    async def hand_core() -> None:
        numbers = [_next() for _ in range(n)]
        statement = sa.insert(Company).returning(Company.id, sort_by_parameter_order=True)
        result = await sessions.a.execute(
            statement, [{"name": f"company{number}"} for number in numbers]
        )
        company_ids = result.scalars().all()
        await sessions.a.execute(
            sa.insert(User),
            [
                {"name": f"user{number}", "email": f"user{number}@example.com", "company_id": key}
                for number, key in zip(numbers, company_ids, strict=True)
            ],
        )
        await sessions.a.commit()

    async def ours_batch() -> None:
        await OurUserFactory.create_batch_async(n, sqlalchemy_session=sessions.a)
        await sessions.a.commit()

    def factory_boy_batch() -> None:
        SyncCompanyFactory._meta.sqlalchemy_session = sessions.s
        SyncUserFactory._meta.sqlalchemy_session = sessions.s
        SyncUserFactory.create_batch(n)
        sessions.s.commit()

    async def legacy_batch() -> None:
        legacy_company._meta.sqlalchemy_session = sessions.a
        legacy_user._meta.sqlalchemy_session = sessions.a
        await legacy_user.create_batch(n)
        await sessions.a.commit()

    async def poly_batch() -> None:
        PolyCompanyFactory.__async_session__ = sessions.a
        PolyUserFactory.__async_session__ = sessions.a
        await PolyUserFactory.create_batch_async(n)
        await sessions.a.commit()

    # loop: N single-object calls
    async def hand_add_flush() -> None:
        for _ in range(n):
            sessions.a.add(_hand_written_user())
            await sessions.a.flush()
        await sessions.a.commit()

    async def ours_loop() -> None:
        for _ in range(n):
            await OurUserFactory.create_async(sqlalchemy_session=sessions.a)
        await sessions.a.commit()

    def factory_boy_loop() -> None:
        SyncCompanyFactory._meta.sqlalchemy_session = sessions.s
        SyncUserFactory._meta.sqlalchemy_session = sessions.s
        for _ in range(n):
            SyncUserFactory.create()
        sessions.s.commit()

    async def legacy_loop() -> None:
        legacy_company._meta.sqlalchemy_session = sessions.a
        legacy_user._meta.sqlalchemy_session = sessions.a
        for _ in range(n):
            await legacy_user.create()
        await sessions.a.commit()

    async def poly_loop() -> None:
        PolyCompanyFactory.__async_session__ = sessions.a
        PolyUserFactory.__async_session__ = sessions.a
        for _ in range(n):
            await PolyUserFactory.create_async()
        await sessions.a.commit()

    # parts of a batch: where the time of ours goes (build, then write)
    built: list[Any] = []

    def verify_built() -> None:
        if len(built) != n or not all(isinstance(user.company, Company) for user in built):
            raise AssertionError(f"expected {n} users with companies, built {len(built)}")
        built.clear()

    def hand_build() -> None:
        built.extend(_hand_written_user() for _ in range(n))

    async def ours_build() -> None:
        built.extend(await OurUserFactory.build_batch_async(n))

    async def hand_objects_bulk_write() -> None:
        sessions.a.add_all([_hand_written_user() for _ in range(n)])
        if not await write_pending(sessions.a):
            raise AssertionError("the bulk writer declined the batch")
        await sessions.a.commit()

    def part(name: str, run: Callable[[], Any], *, database: bool) -> _harness.Contender:
        if database:
            return contender(PARTS, name, run)
        return _harness.Contender(name=name, group=PARTS, run=run, verify=verify_built)

    return [
        contender(BATCH, HAND_BATCH, hand_add_all),
        contender(BATCH, OURS_BATCH, ours_batch),
        contender(BATCH, HAND_CORE, hand_core),
        contender(BATCH, "factory_boy 3.3 `create_batch` (sync)", factory_boy_batch, sync=True),
        contender(BATCH, "async-factory-boy 1.0.1 `create_batch`", legacy_batch),
        contender(BATCH, "polyfactory 3 `create_batch_async`", poly_batch),
        contender(LOOP, HAND_LOOP, hand_add_flush),
        contender(LOOP, OURS_LOOP, ours_loop),
        contender(LOOP, "factory_boy 3.3 `create()` loop (sync)", factory_boy_loop, sync=True),
        contender(LOOP, "async-factory-boy 1.0.1 `create()` loop", legacy_loop),
        contender(LOOP, "polyfactory 3 `create_async` loop", poly_loop),
        part(HAND_BUILD, hand_build, database=False),
        part(OURS_BUILD, ours_build, database=False),
        part(BULK_WRITE, hand_objects_bulk_write, database=True),
    ]


BATCH = "batch"
LOOP = "loop"
PARTS = "parts"
HAND_BATCH = "hand-written `add_all` + one `flush`"
HAND_LOOP = "hand-written `add` + `flush` per user"
HAND_CORE = "hand-written Core `insert()` executemany"
HAND_BUILD = "hand-built objects, no database"
OURS_BUILD = "**ours** `build_batch_async`, no database"
BULK_WRITE = "hand-built objects + **our** bulk write (`add_all`, `write_pending`)"
OURS_BATCH = "**ours** `create_batch_async`"
OURS_LOOP = "**ours** `create_async` loop"


#: The contenders ``--ours-only`` keeps: this library's and the hand-written code's.
OURS_AND_HAND = (
    HAND_BATCH,
    OURS_BATCH,
    HAND_CORE,
    HAND_LOOP,
    OURS_LOOP,
    HAND_BUILD,
    OURS_BUILD,
    BULK_WRITE,
)


def memory_contenders(database: Database, n: int) -> list[_harness.Contender]:
    """Ours and the hand-written batch, for the peak-memory comparison."""
    return [c for c in contenders(database, n) if c.name in (HAND_BATCH, OURS_BATCH)]


def work_contenders(database: Database, n: int) -> list[_harness.Contender]:
    """Ours and the hand-written baselines of both scenarios, to count their calls."""
    names = (HAND_BATCH, OURS_BATCH, HAND_LOOP, OURS_LOOP)
    return [c for c in contenders(database, n) if c.name in names]


# -- report ---------------------------------------------------------------------------------

#: Issue 26's targets: ours / hand-written ORM, per scenario and database.
TARGETS = {
    ("SQLite (file)", BATCH): 4.0,
    ("PostgreSQL", BATCH): 2.0,
    ("SQLite (file)", LOOP): 1.05,
    ("PostgreSQL", LOOP): 1.05,
}
MEMORY_TARGET = 1.0


def timing_table(results: list[_harness.Result]) -> str:
    rows: list[list[object]] = []
    for group in (BATCH, LOOP, PARTS):
        in_group = [r for r in results if r.contender.group == group]
        baseline = in_group[0].per_second
        for result in in_group:
            cpu, low, high = _harness.paired_cpu_ratio(result, in_group[0])
            rows.append(
                [
                    group,
                    result.contender.name,
                    f"{result.median * 1000:,.0f}",
                    f"{result.per_second:,.0f}",
                    f"{_harness.ratio(result.per_second, baseline):.2f}x",
                    f"{result.spread * 100:.0f}%",
                    f"{cpu:.2f}x ({low:.2f}-{high:.2f})",
                ]
            )
    headers = [
        "scenario",
        "contender",
        "median ms",
        "users/s",
        "vs hand-written",
        "spread",
        "CPU vs hand-written (pairs)",
    ]
    return _harness.markdown_table(headers, rows)


def verdicts(database: str, results: list[_harness.Result]) -> list[str]:
    """Whether ours meets the issue's targets, one line per target."""
    lines = []
    for group in (BATCH, LOOP):
        in_group = [r for r in results if r.contender.group == group]
        baseline, ours = in_group[0], in_group[1]
        others = [r for r in in_group[2:] if r.contender.name != HAND_CORE]
        got = _harness.ratio(ours.per_second, baseline.per_second)
        target = TARGETS[database, group]
        met = "met" if got >= target else "**missed**"
        if others:
            fastest_other = max(others, key=lambda r: r.per_second)
            lead = (
                f"; {_harness.ratio(ours.per_second, fastest_other.per_second):.1f}x the "
                f"fastest other library ({fastest_other.contender.name})"
            )
        else:
            lead = ""
        core = [r for r in in_group if r.contender.name == HAND_CORE]
        versus_core = (
            f"; {_harness.ratio(ours.per_second, core[0].per_second):.2f}x hand-written Core"
            if core
            else ""
        )
        lines.append(
            f"- {group}: ours at {got:.2f}x the hand-written ORM baseline (target "
            f">= {target}x: {met}){versus_core}{lead}."
        )
    return lines


def breakdown(results: list[_harness.Result]) -> str:
    """Where a batch of ours spends its time: building (resolution) against writing."""
    by_name = {r.contender.name: r.median for r in results}
    ours, hand = by_name[OURS_BATCH], by_name[HAND_BATCH]
    build, hand_build = by_name[OURS_BUILD], by_name[HAND_BUILD]
    write = max(by_name[BULK_WRITE] - hand_build, 0.0)
    return (
        f"- where the time goes: ours {ours * 1000:,.0f} ms = building {build * 1000:,.0f} ms "
        f"(factory_boy's resolution; hand-built objects take {hand_build * 1000:,.0f} ms) + "
        f"writing about {write * 1000:,.0f} ms with the bulk writer (the hand-written "
        f"`add_all` + flush run takes {hand * 1000:,.0f} ms in all, "
        f"{max(hand - hand_build, 0.0) * 1000:,.0f} ms of it writing)."
    )


def work_table(calls: list[tuple[_harness.Contender, int]], n: int) -> str:
    """Python function calls per user, and what ours adds to the hand-written code."""
    rows: list[list[object]] = []
    for (hand, hand_calls), (ours, ours_calls) in zip(calls[::2], calls[1::2], strict=True):
        rows.append([hand.group, hand.name, f"{hand_calls / n:,.0f}", ""])
        rows.append(
            [
                ours.group,
                ours.name,
                f"{ours_calls / n:,.0f}",
                f"+{(ours_calls - hand_calls) / n:,.0f}",
            ]
        )
    return _harness.markdown_table(
        ["scenario", "contender", "Python calls/user", "added by the factory"], rows
    )


def memory_table(results: list[_harness.MemoryResult]) -> tuple[str, str]:
    baseline = results[0].peak_bytes
    rows = [
        [
            r.contender.name,
            f"{r.peak_bytes / 2**20:,.1f}",
            f"{r.per_item:,.0f}",
            f"{_harness.ratio(r.peak_bytes, baseline):.2f}x",
        ]
        for r in results
    ]
    got = _harness.ratio(results[1].peak_bytes, baseline)
    met = "met" if got <= MEMORY_TARGET else "**missed**"
    verdict = (
        f"- memory: ours at {got:.2f}x the hand-written peak (target <= {MEMORY_TARGET}x: {met})."
    )
    table = _harness.markdown_table(
        ["contender", "peak MiB", "bytes/user", "vs hand-written"], rows
    )
    return table, verdict


# -- entry point ----------------------------------------------------------------------------


async def bench(
    args: argparse.Namespace,
) -> tuple[str, dict[str, list[_harness.Result]], dict[str, list[_harness.MemoryResult]]]:
    n = args.count or (200 if args.quick else 2_000)
    repetitions = args.repetitions or (1 if args.quick else 5)
    memory_n = 2_000 if args.quick else 20_000
    title, command = "# SQLAlchemy benchmark", "python -m benchmarks.sqlalchemy_bench"
    if args.ours_only:
        title += ": this library against the hand-written code"
        command += " --ours-only"
    sections = [
        title,
        "",
        f"Generated by `{command}`; do not edit by hand.",
        "",
        f"- machine: {_harness.machine_description()}",
        f"- date: {_harness.today()}",
        f"- workload: N={n:,} users, each with its own company through a SubFactory; fields "
        "`User.name`, `User.email`, `Company.name`, all Sequences (no Faker); one `commit` at "
        "the end of every run, inside the timed region",
        f"- {repetitions} repetitions per contender, interleaved in one process; medians; "
        "rows verified after every run; spread = (max - min) / median",
        f"- versions: SQLAlchemy {sa.__version__}, factory_boy {factory.__version__}, "
        f"polyfactory {_version('polyfactory')}, async-factory-boy {_legacy_afb.VERSION} "
        "(loaded from a private directory)",
        "- drivers: the async contenders use aiosqlite and asyncpg; factory_boy, being sync, "
        "uses sqlite3 and psycopg 3 on the same databases. aiosqlite runs every statement on "
        "a thread of its own and hands the result back to the event loop, so with one flush "
        "per user (the loop scenario) a sync driver on SQLite beats every async contender, "
        "the hand-written baseline included",
        "- the spread column shows how noisy the machine was; the call counts do not depend "
        "on load",
        "- CPU vs hand-written (pairs): the hand-written baseline's CPU time (this process, "
        "every thread) over the contender's, per interleaved repetition: the median, lowest "
        "and highest; it leaves out time spent waiting for a core, so it holds on a loaded "
        "machine, and the database server's own work, which it does not see",
        *(
            [
                "- `--ours-only`: the other factory libraries' rows are left out (see "
                "[the full table](sqlalchemy.md) for them)"
            ]
            if args.ours_only
            else []
        ),
        "",
    ]
    timings: dict[str, list[_harness.Result]] = {}
    peaks: dict[str, list[_harness.MemoryResult]] = {}
    for make_database in (sqlite_database, postgres_database):
        with make_database() as database:
            try:
                print(f"{database.name}: timing, N={n}, {repetitions} repetitions", flush=True)
                measured = contenders(database, n)
                if args.ours_only:
                    measured = [c for c in measured if c.name in OURS_AND_HAND]
                results = await _harness.measure(
                    measured, items=n, repetitions=repetitions, log=print
                )
                print(f"{database.name}: counting calls", flush=True)
                calls = [(c, await _harness.count_calls(c)) for c in work_contenders(database, n)]
                print(f"{database.name}: peak memory, N={memory_n}", flush=True)
                memory = [
                    await _harness.measure_peak_memory(c, items=memory_n)
                    for c in memory_contenders(database, memory_n)
                ]
            finally:
                await database.dispose()
        timings[database.name], peaks[database.name] = results, memory
        table, memory_verdict = memory_table(memory)
        sections += [
            f"## {database.name}",
            "",
            timing_table(results),
            "",
            "Work per user, independent of machine load: Python function calls (cProfile, "
            "one run). What the factory adds is factory_boy's declaration resolution "
            "(Sequences, the SubFactory, building the objects through `Meta.model`) plus "
            "this library's layer; time spent waiting for the database does not show here.",
            "",
            work_table(calls, n),
            "",
            f"Peak traced memory (tracemalloc), one batch of N={memory_n:,}:",
            "",
            table,
            "",
            *verdicts(database.name, results),
            breakdown(results),
            memory_verdict,
            "",
        ]
    return "\n".join(sections), timings, peaks


def _version(distribution: str) -> str:
    from importlib.metadata import version

    return version(distribution)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sqlalchemy_bench")
    _harness.add_common_arguments(parser)
    parser.add_argument(
        "--ours-only",
        action="store_true",
        help="time this library and the hand-written code only, not the other factory "
        "libraries (async-factory-boy 1.0.1 alone takes minutes a run on a loaded machine); "
        "written to docs/performance/sqlalchemy-ours.md unless --output says otherwise",
    )
    parser.add_argument(
        "--count", type=int, default=None, help="users per run (default 2,000; --quick 200)"
    )
    args = parser.parse_args(argv)
    # 1.0.1 and polyfactory warn about things this benchmark does on purpose.
    warnings.simplefilter("ignore", DeprecationWarning)
    report, results, memory = asyncio.run(bench(args))
    page = OURS_ONLY_OUTPUT if args.ours_only else DOCS_OUTPUT
    output = args.output or (None if args.quick else str(page))
    _harness.publish(report, output, results=results, memory=memory, unit="users/s")


if __name__ == "__main__":
    main()
