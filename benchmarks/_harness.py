"""Shared benchmark machinery: interleaved contenders, medians, ratios, peak memory, tables.

A benchmark module describes *contenders* (one way each of doing the same work) and hands
them to :func:`measure`. Contenders run interleaved: every repetition runs each of them once,
in a rotated order, so a burst of noise on a shared machine (other test runs, a cron job)
hits every contender instead of skewing one. Each run is prepared and verified outside the
timed region; the report gives the median of the repetitions, the throughput and the ratio
to a baseline contender.

Peak memory is measured separately with :mod:`tracemalloc` (it slows the code it traces, so
never inside a timed run): the figure is the peak of Python allocations during one run,
above what was allocated before it started.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime
import gc
import inspect
import os
import pathlib
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from . import _chart, _record

__all__ = [
    "Contender",
    "MemoryResult",
    "Result",
    "add_common_arguments",
    "count_calls",
    "machine_description",
    "markdown_table",
    "measure",
    "measure_peak_memory",
    "paired_cpu_ratio",
    "publish",
    "ratio",
    "run",
    "today",
]

_T = TypeVar("_T")

#: A step of a contender: a plain function or a coroutine function, called without arguments.
Step = Callable[[], Any]


async def _call(step: Step | None) -> Any:
    """Call a sync or async step; sync steps simply block the loop, which is what we time."""
    if step is None:
        return None
    result = step()
    if inspect.isawaitable(result):
        result = await result
    return result


@dataclass
class Contender:
    """One way of doing the benchmark's work.

    Attributes:
        name: shown in the table.
        run: the timed work, sync or async.
        prepare: untimed set-up before every run (fresh tables, a new session, ...).
        verify: untimed check after every run; raise if the work was not done (a contender
            that skips work must not look fast).
        cleanup: untimed tear-down after ``verify`` (close the session, ...).
        group: contenders with the same group are compared with each other (a scenario).
    """

    name: str
    run: Step
    prepare: Step | None = None
    verify: Step | None = None
    cleanup: Step | None = None
    group: str = ""


@dataclass
class Result(_record.Timings):
    """The timings of one contender over every repetition.

    ``median``, ``per_second`` and ``spread`` come from :class:`benchmarks._record.Timings`,
    which the published record's bars share.
    """

    contender: Contender
    items: int
    seconds: list[float] = field(default_factory=list)
    #: This process's CPU time per repetition (every thread: a driver's too), in the order
    #: the repetitions ran. Unlike the wall-clock time it does not count the time the
    #: process waited for a core, so on a shared machine it is the steadier of the two;
    #: it does not count the database server's work either.
    cpu_seconds: list[float] = field(default_factory=list)


def paired_cpu_ratio(result: Result, baseline: Result) -> tuple[float, float, float]:
    """``baseline``'s CPU time over ``result``'s, repetition by repetition (both ran in the
    same interleaved round): the median ratio, and the lowest and highest."""
    ratios = sorted(
        base / own
        for base, own in zip(baseline.cpu_seconds, result.cpu_seconds, strict=False)
        if own
    )
    if not ratios:
        return (float("nan"),) * 3
    return statistics.median(ratios), ratios[0], ratios[-1]


async def measure(
    contenders: Sequence[Contender],
    *,
    items: int,
    repetitions: int,
    log: Callable[[str], None] | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> list[Result]:
    """Run every contender ``repetitions`` times, interleaved, and return their timings.

    ``items`` is the number of objects one run creates (it turns times into throughput).
    Repetition ``r`` starts with contender ``r mod len(contenders)``, so no contender is
    always first (cold caches) or always last. ``clock`` reads the time: wall-clock by
    default; :func:`time.process_time` (this process's CPU time, every thread's) compares
    contenders on a machine other jobs load, where wall-clock spreads reach 100%.
    """
    results = [Result(contender, items) for contender in contenders]
    count = len(results)
    for repetition in range(repetitions):
        for offset in range(count):
            result = results[(repetition + offset) % count]
            contender = result.contender
            await _call(contender.prepare)
            gc.collect()
            started, cpu_started = clock(), time.process_time()
            await _call(contender.run)
            elapsed = clock() - started
            result.cpu_seconds.append(time.process_time() - cpu_started)
            await _call(contender.verify)
            await _call(contender.cleanup)
            result.seconds.append(elapsed)
            if log is not None:
                log(
                    f"  [{repetition + 1}/{repetitions}] {contender.group} {contender.name}: "
                    f"{elapsed:.3f} s ({items / elapsed:,.0f}/s)"
                )
    return results


@dataclass
class MemoryResult:
    """Peak traced memory of one run of one contender."""

    contender: Contender
    items: int
    peak_bytes: int

    @property
    def per_item(self) -> float:
        return self.peak_bytes / self.items if self.items else 0.0


async def measure_peak_memory(contender: Contender, *, items: int) -> MemoryResult:
    """Run ``contender`` once under tracemalloc and return its peak allocation."""
    await _call(contender.prepare)
    gc.collect()
    tracemalloc.start()
    try:
        baseline, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        await _call(contender.run)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    await _call(contender.verify)
    await _call(contender.cleanup)
    return MemoryResult(contender, items, max(0, peak - baseline))


async def count_calls(contender: Contender) -> int:
    """Python function calls made by one run of ``contender`` (cProfile).

    Unlike a time, the count does not depend on what else the machine is doing, so it shows
    how much work a contender does per item even when timings are noisy. C functions count
    as calls too; time spent waiting for the database does not show.
    """
    await _call(contender.prepare)
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        await _call(contender.run)
    finally:
        profiler.disable()
    await _call(contender.verify)
    await _call(contender.cleanup)
    return sum(stats.callcount for stats in profiler.getstats())


def ratio(value: float, baseline: float) -> float:
    """``value / baseline``, with an empty baseline giving infinity rather than an error."""
    return value / baseline if baseline else float("inf")


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub/MyST pipe table; numbers right-aligned, text left-aligned."""

    def cell(value: object) -> str:
        return str(value).replace("|", "\\|")

    def numeric(value: object) -> bool:
        return isinstance(value, int | float) or (
            isinstance(value, str) and value[:1].isdigit() and value.rstrip("x%").isascii()
        )

    align = [
        "---:" if rows and all(numeric(row[i]) for row in rows) else ":---"
        for i in range(len(headers))
    ]
    lines = [
        "| " + " | ".join(cell(h) for h in headers) + " |",
        "| " + " | ".join(align) + " |",
    ]
    lines.extend("| " + " | ".join(cell(v) for v in row) + " |" for row in rows)
    return "\n".join(lines)


def machine_description() -> str:
    """One line saying where the numbers came from."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()} ({sys.implementation.name})"
    )


def today() -> str:
    """The date of the run, ISO formatted."""
    return datetime.date.today().isoformat()


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every benchmark accepts (``python -m benchmarks`` forwards them)."""
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a small, fast run to check the benchmark works (numbers are not meaningful)",
    )
    parser.add_argument(
        "--repetitions", type=int, default=None, help="override the number of repetitions"
    )
    parser.add_argument(
        "--output", default=None, help="write the markdown report to this file as well"
    )


def publish(
    report: str,
    output: str | None,
    *,
    results: Sequence[Result] | Mapping[str, Sequence[Result]] = (),
    memory: Sequence[MemoryResult] | Mapping[str, Sequence[MemoryResult]] = (),
    unit: str = "items/s",
) -> None:
    """Print ``report`` and, when ``output`` names a file, write it there with its data.

    Beside ``<name>.md`` go ``<name>.json`` (every repetition's time, throughput, ratio to
    the baseline, spread, peak memory, machine, date: see :mod:`benchmarks._record`) and
    ``<name>.svg`` (the chart, :mod:`benchmarks._chart`), and the page shows the chart above
    its first table. ``results`` are grouped by section name when the benchmark measured
    each database separately and its groups repeat per database; ``unit`` names what the
    throughput counts (``"users/s"``). The first contender of each group is its baseline.
    """
    print(report)
    if output is None:
        return
    path = pathlib.Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    if results:
        record = _record.from_results(
            name=path.stem,
            title=_title(report, f"{path.stem.capitalize()} benchmark"),
            unit=unit,
            machine=machine_description(),
            date=today(),
            results=results,
            memory=memory,
        )
        _record.save(record, path.with_suffix(".json"))
        path.with_suffix(".svg").write_text(_chart.render(record), encoding="utf-8")
        report = _embed_chart(report, record.title, path.with_suffix(".svg").name)
    path.write_text(report if report.endswith("\n") else report + "\n", encoding="utf-8")
    print(f"written to {path}" + (" (+ .json, .svg)" if results else ""))


def _title(report: str, fallback: str) -> str:
    """The report's first ``# `` heading: the chart's title."""
    for line in report.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return fallback


def _embed_chart(report: str, title: str, image: str) -> str:
    """``report`` with the chart before its first table or section (or at its end)."""
    reference = f"![{title}: throughput of each contender relative to its baseline]({image})"
    lines = report.splitlines()
    for index, line in enumerate(lines):
        if line.startswith(("|", "## ")):
            return "\n".join([*lines[:index], reference, "", *lines[index:]])
    return "\n".join([*lines, "", reference])


def run(main: Callable[[], Awaitable[_T]]) -> _T:
    """Run an async benchmark step on a fresh event loop and return its result."""

    async def step() -> _T:
        return await main()

    return asyncio.run(step())
