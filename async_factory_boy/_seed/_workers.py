"""``--workers N``: N processes on this machine, each a shard of the run, one report.

The parent does everything once that must happen once (connect, create the tables and the
progress records, refuse a run already under way without ``--resume``), while N processes
start (``multiprocessing``'s spawn: a fresh interpreter each, as a shard on another machine
would be) and import the factories; they wait at a gate (:class:`_Gate`) until the parent's
preparation is done, and leave without touching the database if it failed. A spawned
interpreter takes about as long to import the factories as the parent takes to prepare, so
starting both at once saves one of them from every run's wall time.

Worker ``w`` writes shard ``w/N`` of the run (of a ``--shard I/M`` run, shard ``I + M*w``
of ``M*N``: its share of that shard), whole batches, one transaction each, and sends its
progress, summary and errors to the parent through a queue; the parent prints one progress
line and one summary for all of them.

Each worker runs in a process group of its own (and ends itself when the parent is gone),
so Ctrl-C on a terminal reaches only the parent, which passes it on once per press: the
first lets every worker finish its running batch, the second abandons it (rolled back). A
worker that fails stops the others (SIGTERM: their running batches are rolled back by the
server), and the parent reports one line. What was committed is in the progress records
either way: ``--resume`` writes the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import queue as queue_module
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from .._types import Args
from ._batches import Job, Shard
from ._cli import SeedOptions
from ._errors import SeedError, one_line
from ._output import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, Output, report_error
from ._plan import make_plan, open_writer
from ._specs import load_factory
from ._url import Redactor, Target

__all__ = ["run_workers", "worker_shard"]

_POLL = 0.5  # seconds between checks that every worker is still alive


def worker_shard(shard: Shard | None, worker: int, workers: int) -> Shard:
    """The shard worker ``worker`` of ``workers`` writes: its share of ``shard``.

    Batch g belongs to shard ``I + M*w`` of ``M*N`` exactly when ``g % M == I`` and
    ``(g // M) % N == w``: the workers split shard ``I/M`` round-robin among themselves.
    """
    index, total = (0, 1) if shard is None else (shard.index, shard.total)
    return Shard(index + total * worker, total * workers)


class _QueueOutput(Output):
    """A worker's output: every call goes to the parent, which prints it."""

    def __init__(self, redact: Redactor, events: Any, worker: int) -> None:
        super().__init__(redact, quiet=False)
        self._events = events
        self._worker = worker

    def line(self, text: str) -> None:
        pass  # the parent prints its own progress and summary

    def error(self, text: str) -> None:
        self._events.put(("error", self._worker, text))

    def text(self, text: str, *, err: bool = True) -> None:
        self._events.put(("text", self._worker, text))

    def progress(self, name: str, done: int, total: int, rows: int, elapsed: float) -> None:
        self._events.put(("progress", self._worker, name, done, rows))

    def summary(self, display: str, counts: Counter[str], elapsed: float, headline: str) -> None:
        self._events.put(("summary", self._worker, dict(counts)))


def _die_with(parent: int) -> None:
    """End this worker at once when its parent is gone (killed with SIGKILL, say): out of
    the terminal's process group, nothing else would stop it. Its running batch is rolled
    back; the committed ones are recorded, for ``--resume``."""
    while os.getppid() == parent:
        time.sleep(_POLL)
    os.kill(os.getpid(), signal.SIGKILL)


#: ``_run.run``, handed in (it starts the workers, so this module cannot import it).
RunOne = Callable[[SeedOptions, Output, Redactor], int]

_WAITING, _GO, _ABORT = 0, 1, 2


class _Gate:
    """Where started workers wait for the parent's preparation: opened, or aborted."""

    def __init__(self, context: Any) -> None:
        self._decision = context.Value("b", _WAITING)
        self._decided = context.Event()

    def open(self) -> None:
        self._decide(_GO)

    def abort(self) -> None:
        self._decide(_ABORT)

    def _decide(self, decision: int) -> None:
        self._decision.value = decision
        self._decided.set()

    def wait(self) -> bool:
        """Whether to run (the parent's preparation succeeded)."""
        self._decided.wait()
        return bool(self._decision.value == _GO)


def _preload(options: SeedOptions) -> None:
    """Import the factories while the parent prepares; the run imports them again (a
    cached module) and reports any failure as it always does."""
    for spec in options.factories:
        with contextlib.suppress(Exception):
            load_factory(spec)


def _worker(
    run: RunOne, options: SeedOptions, worker: int, events: Any, parent: int, gate: _Gate
) -> None:
    """One worker process: a plain single-process run of its shard, once ``gate`` opens.
    ``parent`` is the parent's pid, passed rather than read here: the parent may already be
    gone."""
    if hasattr(os, "setpgrp"):
        os.setpgrp()  # Ctrl-C on the terminal reaches the parent only, which passes it on
        threading.Thread(target=_die_with, args=(parent,), daemon=True).start()
    redact = Redactor()
    redact.learn([options.url])
    output = _QueueOutput(redact, events, worker)
    try:
        _preload(options)
        if not gate.wait():
            return  # the parent's preparation failed: it reports why
        code = run(options, output, redact)
    except KeyboardInterrupt:  # Ctrl-C passed on before the run's own handler was in place
        code = EXIT_INTERRUPTED
    except BaseException as exc:  # a crash must still reach the parent as one line
        output.error(one_line(exc))
        code = EXIT_FAILED
    events.put(("exit", worker, code))


@dataclass
class _Progress:
    """What the workers reported so far."""

    totals: Counter[str]  # objects per factory name in this run (or shard)
    done: dict[tuple[int, str], int] = field(default_factory=dict)
    rows: dict[int, int] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    errors: dict[int, str] = field(default_factory=dict)
    exits: dict[int, int] = field(default_factory=dict)
    failed: int | None = None  # the first worker that failed, which the report names
    stopped: set[int] = field(default_factory=set)  # terminated because another failed

    def exited(self, worker: int, code: int) -> None:
        self.exits[worker] = code
        failed = code not in (EXIT_OK, EXIT_INTERRUPTED) and worker not in self.stopped
        if failed and self.failed is None:
            self.failed = worker

    def line(self, name: str) -> tuple[int, int, int]:
        """(done, total, rows) of factory ``name`` over all workers."""
        done = sum(v for (_, n), v in self.done.items() if n == name)
        return done, self.totals[name], sum(self.rows.values())


def run_workers(
    options: SeedOptions,
    target: Target,
    writer: Any,
    jobs: list[Job],
    output: Output,
    run: RunOne,
) -> int:
    """Run ``options`` with ``options.workers`` processes, each ``run`` on its shard; the
    exit status."""
    if target.kind == "sql" and target.url.startswith("sqlite"):
        output.error(
            "--workers needs a database server: SQLite takes one writer at a time, so "
            "workers would only wait for each other's locks; drop --workers (shards of "
            "one SQLite file run one after another with --shard I/N)."
        )
        return EXIT_USAGE

    async def prepare() -> None:
        try:
            await open_writer(options, target, writer, make_plan(options, jobs, options.shard))
        finally:
            with contextlib.suppress(Exception):
                await writer.close()

    context = multiprocessing.get_context("spawn")
    gate = _Gate(context)
    events = context.Queue()
    processes = _start(run, options, context, events, gate)
    opened = False
    try:
        asyncio.run(prepare())
        totals: Counter[str] = Counter()
        for batch in make_plan(options, jobs, options.shard).batches:
            totals[jobs[batch.job].factory.__name__] += batch.size
        gate.open()
        opened = True
    except SeedError as exc:
        return report_error(exc, output, show_traceback=options.traceback)
    finally:
        if not opened:  # failed or interrupted: the workers leave without a statement
            gate.abort()
            for process in processes:
                process.join()
    return _supervise(options, target, output, totals, events, processes)


def _start(run: RunOne, options: SeedOptions, context: Any, events: Any, gate: _Gate) -> list[Any]:
    """Start the worker processes; they import the factories, then wait at ``gate``."""
    count = options.workers
    processes = []
    for worker in range(count):
        worker_options = replace(
            options,
            shard=worker_shard(options.shard, worker, count),
            workers=1,
            create_tables=False,  # done once by the parent
            resume=True,  # the parent refused a run already under way without --resume
            yes=True,  # the parent asked
        )
        process = context.Process(
            target=_worker, args=(run, worker_options, worker, events, os.getpid(), gate)
        )
        process.start()
        processes.append(process)
    return processes


def _supervise(
    options: SeedOptions,
    target: Target,
    output: Output,
    totals: Counter[str],
    events: Any,
    processes: list[Any],
) -> int:
    count = options.workers
    progress = _Progress(totals)
    started = time.perf_counter()
    interrupted = False
    stopping = False
    while len(progress.exits) < count:
        try:
            stopping = _step(events, processes, progress, output, started, stopping)
        except KeyboardInterrupt:
            interrupted = True
            for process in processes:
                if process.is_alive() and process.pid is not None:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(process.pid, signal.SIGINT)
    for process in processes:
        process.join()
    return _finish(options, target, output, progress, interrupted, started)


def _step(
    events: Any,
    processes: list[Any],
    progress: _Progress,
    output: Output,
    started: float,
    stopping: bool,
) -> bool:
    """Take one event (or notice a worker that died); stop the others once one failed.
    Whether they are being stopped."""
    try:
        _take(events.get(timeout=_POLL), progress, output, started)
    except queue_module.Empty:
        for worker, process in enumerate(processes):
            if worker not in progress.exits and process.exitcode is not None:
                # Killed (SIGKILL, out of memory) before it could say so.
                progress.errors.setdefault(
                    worker, f"the process ended with exit code {process.exitcode}"
                )
                progress.exited(worker, EXIT_FAILED)
    if progress.failed is not None and not stopping:
        for worker, process in enumerate(processes):
            if process.is_alive():
                progress.stopped.add(worker)
                process.terminate()  # its running batch is rolled back by the server
        return True
    return stopping


def _take(event: Args, progress: _Progress, output: Output, started: float) -> None:
    kind, worker = event[0], event[1]
    if kind == "progress":
        name, done, rows = event[2:]
        progress.done[worker, name] = done
        progress.rows[worker] = rows
        all_done, all_total, all_rows = progress.line(name)
        output.progress(name, all_done, all_total, all_rows, time.perf_counter() - started)
    elif kind == "summary":
        progress.counts.update(event[2])
    elif kind == "error":
        progress.errors.setdefault(worker, event[2])
    elif kind == "text":
        output.text(event[2])
    elif kind == "exit":
        progress.exited(worker, event[2])


def _finish(
    options: SeedOptions,
    target: Target,
    output: Output,
    progress: _Progress,
    interrupted: bool,
    started: float,
) -> int:
    elapsed = time.perf_counter() - started
    rows = sum(progress.counts.values())
    worker = progress.failed
    if worker is not None:
        output.summary(target.display, progress.counts, elapsed, "Stopped:")
        output.error(
            f"worker {worker + 1} of {options.workers} failed: "
            f"{progress.errors.get(worker, '').rstrip('.')}"
            f"; the other workers were stopped; {rows:,} rows in committed batches are kept "
            "(--resume writes the rest)."
        )
        return EXIT_FAILED
    if interrupted or any(code == EXIT_INTERRUPTED for code in progress.exits.values()):
        output.summary(target.display, progress.counts, elapsed, "Interrupted:")
        output.error(
            f"interrupted by Ctrl-C; {rows:,} rows were written in committed batches and "
            "kept (--resume writes the rest)."
        )
        return EXIT_INTERRUPTED
    output.summary(target.display, progress.counts, elapsed, "Seeded")
    return EXIT_OK
