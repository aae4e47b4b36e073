"""The set-up of a run: which batches this process writes, and opening the writer on them
(tables, progress records, the refusal of a run already under way without ``--resume``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .._backends import all_backends, backend_of
from .._seeding import SeedWriter
from ..factory import AsyncFactory
from ._batches import Batch, Job, Shard, batch_count, default_run_id, plan_batches
from ._cli import SeedOptions
from ._determinism import SequenceLayout
from ._errors import SeedError, UsageError, one_line
from ._progress import BatchRecord
from ._url import DEFAULT_URL, Redactor, Target, parse_target

__all__ = [
    "Plan",
    "Writer",
    "make_plan",
    "open_writer",
    "parse_url",
    "registered_target",
    "writer_for",
]

#: What the run needs of a writer: the backends' seed writers (SQL, Mongo, Tortoise, ...).
Writer = SeedWriter

# What a URL of each kind needs installed, said when its writer cannot be imported.
_URL_NEEDS = {
    "sql": "a SQL URL needs SQLAlchemy 2 with asyncio (the 'sqlalchemy' extra)",
    "mongo": "a mongodb:// URL needs PyMongo 4.13 or later (the 'mongo' extra)",
}


@dataclass(frozen=True)
class RegisteredTarget:
    """The target of a URL whose scheme a registered backend claims (``Backend.seed_urls``
    is neither ``"sql"`` nor ``"mongo"``, e.g. ``jsonl``): its writer reads the URL."""

    kind: str
    url: str
    display: str
    local: bool
    database: str | None = None
    hint: str = ""


def registered_target(url: str, database: str | None, redact: Redactor) -> Target | None:
    """The target of ``url`` if a registered backend claims its scheme, else ``None``."""
    scheme, separator, rest = url.partition("://")
    if not separator:
        return None
    for backend in all_backends():
        if backend.seed_urls not in (None, "sql", "mongo") and backend.seed_urls == scheme:
            redact.learn([url])
            host = rest.partition("/")[0].rpartition("@")[2]
            target = RegisteredTarget(
                kind=scheme,
                url=url,
                display=redact(url),
                local=host in ("", "localhost"),
                database=database,
            )
            return target  # type: ignore[return-value]  # a RegisteredTarget is a SeedTarget (structurally)
    return None


def parse_url(url: str, database: str | None, redact: Redactor) -> Target:
    """The target of ``url``: a registered backend's own URL scheme, else
    :func:`parse_target` (SQL and ``mongodb://`` URLs), with one line when the URL's
    library is not installed.

    A SQL URL is read with SQLAlchemy: without it (a MongoDB-only install) the default URL
    or any SQL URL cannot even be parsed, so the command asks for a ``mongodb://`` one.
    """
    registered = registered_target(url, database, redact)
    if registered is not None:
        return registered
    try:
        return parse_target(url, database, redact)
    except ImportError:
        if url != DEFAULT_URL:
            raise  # a SQL URL given without SQLAlchemy: the missing extra is named
        raise UsageError(
            f"no --url was given, and the default ({DEFAULT_URL}) needs SQLAlchemy, which is "
            "not installed: to seed MongoDB pass its URL, e.g. --url "
            "mongodb://localhost:27017 --database app."
        ) from None


def writer_for(
    target: Target, factories: list[type[AsyncFactory[Any]]], copy: bool = True
) -> Writer:
    """The writer for ``target``, from the backend registry.

    The writer of the first factory whose backend stores batches at this kind of URL; else
    the writer of the first backend registered for the kind (it refuses the factories it
    cannot store, saying why; ``seed status`` passes no factory and reads the records with
    it). Raises :class:`SeedError` when the writer's driver is not installed.
    """
    backends = [backend_of(factory) for factory in factories]
    backends += [backend for backend in all_backends() if backend not in backends]
    for backend in backends:
        if backend.seed_urls != target.kind or backend.seed_writer_ref is None:
            continue
        try:
            make = backend.seed_writer
        except ImportError as exc:
            needs = _URL_NEEDS.get(target.kind, f"{target.display} needs {backend.name}")
            raise SeedError(f"{needs}: {exc}") from None
        assert make is not None
        writer: Writer = make(target, copy=copy)
        return writer
    raise SeedError(f"no backend stores factories at {target.display}.")


@dataclass
class Plan:
    """The batches this process writes, and what it needs to write them."""

    run_id: str
    jobs: list[Job]
    batches: list[Batch]
    totals: list[int]  # batches per job in the whole run
    layout: SequenceLayout
    finished: set[tuple[str, int]] = field(default_factory=set)

    def record(self, batch: Batch) -> BatchRecord:
        """The progress record ``batch`` commits with."""
        job = self.jobs[batch.job]
        return BatchRecord(self.run_id, job.path, batch.number, self.totals[batch.job])

    def is_finished(self, batch: Batch) -> bool:
        """Whether ``batch`` was committed by an earlier process of the run."""
        return (self.jobs[batch.job].path, batch.number) in self.finished


def make_plan(options: SeedOptions, jobs: list[Job], shard: Shard | None) -> Plan:
    """The batches ``shard`` writes (every batch without one)."""
    return Plan(
        run_id=options.run_id or default_run_id(jobs, options.batch_size, options.seed),
        jobs=jobs,
        batches=plan_batches(jobs, options.batch_size, shard),
        totals=[batch_count(job.count, options.batch_size) for job in jobs],
        layout=SequenceLayout(jobs, options.batch_size, options.sequence_stride),
    )


async def open_writer(options: SeedOptions, target: Target, writer: Writer, plan: Plan) -> None:
    """Connect, create the tables (``--create-tables``) and the progress records, read the
    batches of the run already committed, and refuse a run that would write them again
    without ``--resume``. Raises :class:`SeedError`."""
    await writer.connect()
    if options.create_tables:
        try:
            await writer.create_tables([job.factory for job in plan.jobs])
        except Exception as exc:
            raise SeedError(
                f"creating the tables failed: {one_line(exc)}. Nothing was written.", cause=exc
            ) from None
    try:
        await writer.prepare_progress()
        plan.finished = await writer.finished_batches(plan.run_id)
    except Exception as exc:
        raise SeedError(
            f"reading the progress records of run {plan.run_id} failed: {one_line(exc)}. "
            "Nothing was written.",
            cause=exc,
        ) from None
    committed = sum(1 for batch in plan.batches if plan.is_finished(batch))
    if committed and not options.resume:
        raise SeedError(
            f"run {plan.run_id} already committed {committed:,} of the {len(plan.batches):,} "
            f"batches this command writes to {target.display} ('seed status' lists them): "
            "pass --resume to write only the others, or --run-id NAME to start another run. "
            "Nothing was written."
        )
