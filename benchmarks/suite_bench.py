"""A whole test suite, three ways, serial and with ``-n 2``, on PostgreSQL.

Work: the generated project of :mod:`benchmarks._suite_project` (a FastAPI issue tracker,
six models with a many-to-many, 240 tests calling its endpoints with the data they need),
run with pytest in a subprocess, as a developer runs it. Contenders, per group (``serial``,
``-n 2``), interleaved, medians of the wall time of the whole ``pytest`` command (start-up,
collection, the database per worker made from its schema, the tests, the drop):

- ``hand-written fixtures``: the data made by fixtures written by hand (the baseline);
- ``async_factory_boy``: factories registered with the plugin, on the plugin's
  ``worker_database`` / ``db_engine`` and ``isolated_session``;
- ``factory_boy + pytest-factoryboy``: factory_boy's SQLAlchemy factories registered with
  pytest-factoryboy on a sync ``Session`` (psycopg 3), the app's endpoints sync, called
  through FastAPI's ``TestClient``.

The three suites run with the same plugins only (``PYTEST_DISABLE_PLUGIN_AUTOLOAD``, then
``-p`` for pytest-asyncio, this plugin and pytest-xdist; pytest-xdist and pytest-factoryboy
for the third),
so nothing else installed in the environment weighs on one of them. pytest-factoryboy is
installed on first use into ``.cache/suite_bench_site`` (``pip install --target``) and put
on that suite's ``PYTHONPATH`` only: installed in the development environment it would load
itself into every pytest run of this project's own suite.

The CPU time of each run (the process and its workers, ``getrusage``) is reported next to
the wall time: on a shared machine it moves less with the other load.
``--profile`` adds where a serial run of the factory suite spends its time (cProfile).

Run: ``python -m benchmarks suite`` (``--quick`` for a smoke run,
``--postgres-url postgresql+asyncpg://postgres@127.0.0.1/test``).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from sqlalchemy import make_url

from benchmarks import _suite_project
from benchmarks._harness import (
    Contender,
    Result,
    add_common_arguments,
    machine_description,
    markdown_table,
    measure,
    publish,
    ratio,
    run,
    today,
)

ROOT = pathlib.Path(__file__).resolve().parents[1]
SITE = ROOT / ".cache" / "suite_bench_site"
PYTEST_FACTORYBOY = "pytest-factoryboy==2.8.1"

NAMES = {
    "handwritten": "hand-written fixtures",
    "factories": "async_factory_boy",
    "factoryboy": "factory_boy + pytest-factoryboy",
}
ORDER = ("handwritten", "factories", "factoryboy")
PLUGINS = {
    "handwritten": ("asyncio", "async_factory_boy", "xdist.plugin"),
    "factories": ("asyncio", "async_factory_boy", "xdist.plugin"),
    "factoryboy": ("xdist.plugin", "pytest_factoryboy.plugin"),
}


def _ensure_pytest_factoryboy() -> None:
    """pytest-factoryboy, beside (not in) the environment: see the module docstring."""
    if (SITE / "pytest_factoryboy").exists():
        return
    command = [sys.executable, "-m", "pip", "install", "-q", "--target", str(SITE)]
    subprocess.run([*command, "--no-deps", PYTEST_FACTORYBOY, "inflection"], check=True)


class SuiteRun:
    """One suite run with one set of options: the command, its environment, its CPU times."""

    def __init__(self, suite: str, directory: pathlib.Path, base_url: str, workers: int) -> None:
        self.suite = suite
        self.directory = directory
        self.workers = workers
        self.cpu: list[float] = []
        self.output = ""
        self.returncode = 0
        name = f"afb_suite_{suite}_test"
        self.env = {
            **os.environ,
            "FACTORY_DB_URL": make_url(base_url)
            .set(database=name)
            .render_as_string(hide_password=False),
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        }
        if suite == "factoryboy":
            self.env["PYTHONPATH"] = os.pathsep.join(
                filter(None, [str(SITE), str(ROOT), os.environ.get("PYTHONPATH")])
            )
        plugins = [argument for plugin in PLUGINS[suite] for argument in ("-p", plugin)]
        parallel = ["-n", str(workers)] if workers else []
        self.command = [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            *plugins,
            *parallel,
        ]

    def __call__(self) -> None:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        completed = subprocess.run(
            self.command,
            cwd=self.directory,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        self.cpu.append(used)
        self.output = completed.stdout + completed.stderr
        self.returncode = completed.returncode

    def verify(self, tests: int) -> None:
        if self.returncode != 0 or f"{tests} passed" not in self.output:
            raise RuntimeError(f"{self.suite} (-n {self.workers}) failed:\n{self.output[-3000:]}")


def _profile(run_: SuiteRun, top: int = 30) -> str:
    """Where a serial run of a suite spends its time: cProfile of the pytest process."""
    profile = pathlib.Path(tempfile.mkdtemp(prefix="suite-profile-")) / "run.prof"
    command = run_.command[:]
    command[1:3] = ["-m", "cProfile", "-o", str(profile), "-m", "pytest"]
    started = time.perf_counter()
    subprocess.run(command, cwd=run_.directory, env=run_.env, capture_output=True, check=True)
    elapsed = time.perf_counter() - started
    import io
    import pstats

    stream = io.StringIO()
    stats = pstats.Stats(str(profile), stream=stream)
    stats.sort_stats("cumulative").print_stats(top)
    lines = [line for line in stream.getvalue().splitlines() if line.strip()]
    return f"{elapsed:.1f} s under cProfile\n\n```text\n" + "\n".join(lines[-top - 1 :]) + "\n```"


async def amain(args: argparse.Namespace) -> tuple[str, list[Result]]:
    _ensure_pytest_factoryboy()
    if args.quick:
        _suite_project.MODULES = 2
    tests = _suite_project.test_count()
    repetitions = args.repetitions or (1 if args.quick else 3)
    root = pathlib.Path(tempfile.mkdtemp(prefix="suite-bench-"))
    try:
        directories = _suite_project.write_project(root)
        runs: dict[tuple[str, int], SuiteRun] = {}
        contenders = []
        for workers, group in ((0, "serial"), (2, "-n 2")):
            for suite in ORDER:
                suite_run = SuiteRun(suite, directories[suite], args.postgres_url, workers)
                runs[suite, workers] = suite_run
                contenders.append(
                    Contender(
                        NAMES[suite],
                        suite_run,
                        verify=lambda suite_run=suite_run: suite_run.verify(tests),
                        group=group,
                    )
                )
        results = await measure(
            contenders,
            items=tests,
            repetitions=repetitions,
            log=lambda line: print(line, flush=True),
        )
        profile = _profile(runs["factories", 0]) if args.profile else ""
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return _report(results, runs, tests, repetitions, profile), results


def _report(
    results: list[Result],
    runs: dict[tuple[str, int], SuiteRun],
    tests: int,
    repetitions: int,
    profile: str,
) -> str:
    by_key = {}
    for result in results:
        suite = next(key for key, name in NAMES.items() if name == result.contender.name)
        workers = 0 if result.contender.group == "serial" else 2
        by_key[suite, workers] = result
    lines = [
        "# Suite benchmark",
        "",
        f"{tests} tests of a FastAPI issue tracker (six models, a many-to-many) on PostgreSQL, "
        "the same test bodies with their data made three ways; the wall time of the whole "
        f"`pytest` command, median of {repetitions} interleaved runs, and its CPU time (the "
        f"process and its workers). {machine_description()}; {today()}. "
        "Generated by `python -m benchmarks suite` (`benchmarks/suite_bench.py`).",
        "",
    ]
    for workers, group in ((0, "serial"), (2, "-n 2")):
        baseline = by_key["handwritten", workers].median
        rows = []
        for suite in ORDER:
            result = by_key[suite, workers]
            cpu = statistics.median(runs[suite, workers].cpu)
            rows.append(
                [
                    NAMES[suite],
                    f"{result.median:.2f}",
                    f"{result.spread:.0%}",
                    f"{result.per_second:,.0f}",
                    f"{ratio(result.median, baseline):.2f}x",
                    f"{cpu:.2f}",
                ]
            )
        lines += [
            f"## {group}",
            "",
            markdown_table(
                ["suite", "wall s", "spread", "tests/s", "time vs hand-written", "CPU s"], rows
            ),
            "",
        ]
    factories = by_key["factories", 0].median
    handwritten = by_key["handwritten", 0].median
    parallel = by_key["factories", 2].median
    factoryboy_serial = by_key["factoryboy", 0].median
    factoryboy_parallel = by_key["factoryboy", 2].median
    cpu = {key: statistics.median(value.cpu) for key, value in runs.items()}
    targets = [
        [
            "factory suite / hand-written, serial",
            "<= 1.10x",
            _with_cpu(factories, handwritten, cpu["factories", 0], cpu["handwritten", 0]),
            _met(ratio(factories, handwritten) <= 1.10),
        ],
        [
            "factory suite, serial / -n 2",
            ">= 1.6x",
            f"{ratio(factories, parallel):.2f}x",
            _met(ratio(factories, parallel) >= 1.6),
        ],
        [
            "factory_boy + pytest-factoryboy / factory suite, serial",
            ">= 2x",
            _with_cpu(factoryboy_serial, factories, cpu["factoryboy", 0], cpu["factories", 0]),
            _met(ratio(factoryboy_serial, factories) >= 2),
        ],
        [
            "factory_boy + pytest-factoryboy / factory suite, -n 2",
            ">= 2x",
            f"{ratio(factoryboy_parallel, parallel):.2f}x",
            _met(ratio(factoryboy_parallel, parallel) >= 2),
        ],
    ]
    lines += [
        "## Targets",
        "",
        markdown_table(["ratio (wall time, medians)", "target", "measured", ""], targets),
        "",
    ]
    if profile:
        lines += ["## Profile of a serial run of the factory suite", "", profile, ""]
    return "\n".join(lines)


def _with_cpu(wall: float, wall_base: float, cpu: float, cpu_base: float) -> str:
    return f"{ratio(wall, wall_base):.2f}x (CPU {ratio(cpu, cpu_base):.2f}x)"


def _met(ok: bool) -> str:
    return "met" if ok else "missed"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="suite_bench", description=__doc__)
    add_common_arguments(parser)
    parser.add_argument(
        "--postgres-url",
        default="postgresql+asyncpg://postgres@127.0.0.1:5432/test",
        help="the server to run on (the suites make their own databases there)",
    )
    parser.add_argument("--profile", action="store_true", help="add a cProfile of one run")
    args = parser.parse_args(argv)
    report, results = run(lambda: amain(args))
    publish(report, args.output, results=results, unit="tests/s")


if __name__ == "__main__":
    main()
