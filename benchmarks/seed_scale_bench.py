"""The seed command at scale on PostgreSQL: memory, workers, resume after SIGKILL, shards.

Every measurement runs the real command (``python -m async_factory_boy seed``) in its own
process, as a user or a scheduler would; nothing is timed inside the suite.

- ``memory``: N posts, each with its own author (``benchmarks.seed_bench``'s factories:
  sequences, no Faker), at 10k / 100k / 1M posts (``--sizes``), written by 2 processes
  (``--split workers``: one command with ``--workers 2``; ``--split shards``: two commands
  ``--shard 0/2`` and ``--shard 1/2`` started together). Peak RSS of each process (``VmHWM``
  from ``/proc``, polled while it runs), rows/s.
- ``workers``: the same work with 1 process and with 2, interleaved, several repetitions (the
  machine is shared and noisy: the ratio of each pair, then the median and the spread).
- ``resume``: the example blog's ``PostFactory`` (Faker text, SubFactories, a
  RelatedFactoryList: 12 rows per post). Each trial starts the command, SIGKILLs it at a
  random point, resumes it with ``--resume`` (again until it completes), then compares every
  table, foreign keys resolved to what they point to, with an uninterrupted run of the same
  seed: duplicate rows, missing rows, equal or not.
- ``shards``: the same blog run as N ``--shard I/N`` processes started together, compared
  with one run.

It drops and re-creates the blog's tables and the progress table in the database of
``--postgres-url`` (give it a scratch database). Run:
``python -m benchmarks seed_scale --postgres-url postgresql+asyncpg://postgres@127.0.0.1/bench``
(``--parts memory,workers`` for some of them, ``--quick`` for a smoke run).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pathlib
import random
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from benchmarks._harness import (
    add_common_arguments,
    machine_description,
    markdown_table,
    publish,
    today,
)
from tests.dask._blog import content
from tests.seed._db import query, wipe

ROOT = pathlib.Path(__file__).resolve().parents[1]
PLAIN_POSTS = "benchmarks.seed_bench:PostFactory"  # a post and its author: 2 rows
BLOG_POSTS = "examples.blog.factories:PostFactory"  # 12 rows per post, Faker text
TABLES = ("post_tags", "comments", "posts", "tags", "authors", "async_factory_boy_seed_progress")
PARTS = ("memory", "workers", "resume", "shards", "dask")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "ASYNC_FACTORY_BOY_URL"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _command(url: str, factory: str, count: int, batch: int, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "async_factory_boy", "seed", factory, "-n", str(count),
        "--batch-size", str(batch), "--seed", "7", "--quiet", "--url", url, *extra,
    ]  # fmt: skip


def _start(argv: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        argv,
        cwd=ROOT,
        env=_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # SIGKILL reaches the command's worker processes too
    )


def _finish(process: subprocess.Popen[str]) -> None:
    out, err = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"the seed command failed ({process.returncode}): {err or out}")


def _descendants(pid: int) -> list[int]:
    found = [pid]
    for each in found:
        for path in pathlib.Path(f"/proc/{each}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                found += [int(child) for child in path.read_text().split()]
    return found


def _peak_rss_mb(pid: int) -> float | None:
    try:
        for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of ``pid`` so far (``/proc/PID/stat`` fields 14 and 15)."""
    try:
        fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _server_processes(database: str) -> list[int]:
    """PostgreSQL's backends serving ``database`` (their title names it), on this machine."""
    found = []
    for path in pathlib.Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            title = path.read_bytes()
            if title.startswith(b"postgres: ") and f" {database} ".encode() in title:
                found.append(int(path.parent.name))
    return found


def _role(pid: int) -> str:
    """What a process of the command is: the command, a ``--workers`` worker, or
    multiprocessing's resource tracker."""
    try:
        argv = pathlib.Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return "?"
    if "resource_tracker" in argv:
        return "tracker"
    return "worker" if "multiprocessing" in argv else "command"


@dataclass
class _Watched:
    seconds: float
    peak_mb: dict[int, float] = field(default_factory=dict)  # pid -> peak RSS
    roles: dict[int, str] = field(default_factory=dict)  # pid -> _role
    cpu: dict[int, float] = field(default_factory=dict)  # pid -> CPU seconds, last seen
    server_cpu: dict[int, float] = field(default_factory=dict)  # backend pid -> CPU seconds

    @property
    def cpu_seconds(self) -> float:
        """CPU time of every process of the run (the database server's not included)."""
        return sum(self.cpu.values())

    @property
    def server_cpu_seconds(self) -> float:
        """CPU time of the PostgreSQL backends that served the run (seen while it ran)."""
        return sum(self.server_cpu.values())

    def peaks(self) -> str:
        """``command 71 / worker 77 / worker 77 MB``, the command first."""
        order = {"command": 0, "worker": 1, "tracker": 2}
        pids = sorted(self.peak_mb, key=lambda pid: (order.get(self.roles[pid], 3), pid))
        return " / ".join(f"{self.roles[pid]} {self.peak_mb[pid]:.0f}" for pid in pids)


def _split(url: str, factory: str, size: int, n: int, how: str) -> list[list[str]]:
    """The commands that write ``size`` objects with ``n`` processes: one command with
    ``--workers n``, or ``n`` commands with ``--shard i/n`` started together."""
    if n == 1:
        return [_command(url, factory, size, 1000)]
    if how == "workers":
        return [_command(url, factory, size, 1000, "--workers", str(n))]
    return [_command(url, factory, size, 1000, "--shard", f"{i}/{n}") for i in range(n)]


def _run_watched(commands: list[list[str]], database: str = "") -> _Watched:
    """Run ``commands`` together to their end, polling the peak RSS and CPU time of each and
    of every process they start (and, given ``database``, the CPU time of its backends)."""
    watched = _Watched(0.0)
    started = time.perf_counter()
    processes = [_start(argv) for argv in commands]
    while any(process.poll() is None for process in processes):
        for pid in _server_processes(database) if database else []:
            cpu = _cpu_seconds(pid)
            if cpu is not None:
                watched.server_cpu[pid] = cpu
        for pid in [pid for process in processes for pid in _descendants(process.pid)]:
            peak = _peak_rss_mb(pid)
            if peak is not None:
                watched.peak_mb[pid] = max(watched.peak_mb.get(pid, 0.0), peak)
                watched.roles[pid] = _role(pid)  # again: a fresh child shows its parent's
            cpu = _cpu_seconds(pid)
            if cpu is not None:
                watched.cpu[pid] = cpu
        time.sleep(0.2)
    watched.seconds = time.perf_counter() - started
    for process in processes:
        _finish(process)
    return watched


def _wipe(url: str) -> None:
    wipe(url, *TABLES)


def _create_tables(url: str) -> None:
    """The blog's tables (both factories write them), through the command: the blog's model
    factories tell it the metadata (the plain ``AsyncFactory`` ones of seed_bench do not)."""
    _finish(_start(_command(url, BLOG_POSTS, 0, 1, "--create-tables")))


def _rows(url: str) -> int:
    return sum(int(query(url, f"SELECT COUNT(*) FROM {table}")[0][0]) for table in TABLES[:-1])


def memory(url: str, sizes: list[int], how: str) -> str:
    rows = []
    for size in sizes:
        _wipe(url)
        _create_tables(url)
        watched = _run_watched(_split(url, PLAIN_POSTS, size, 2, how))
        written = _rows(url)
        assert written == 2 * size, (written, size)
        rows.append(
            [
                f"{size:,}",
                f"{written:,}",
                f"{watched.seconds:.1f} s",
                f"{written / watched.seconds:,.0f}",
                watched.peaks(),
            ]
        )
        print(f"memory: {size:,} posts, {watched.seconds:.1f} s, {watched.peaks()}", flush=True)
    _wipe(url)
    return (
        f"Posts with their authors, batches of 1,000, 2 processes ({_HOW[how]}), one run per "
        "size. Peak RSS is each process's `VmHWM`.\n\n"
        + markdown_table(["posts", "rows", "time", "rows/s", "peak RSS per process (MB)"], rows)
    )


_HOW = {"workers": "`--workers 2`", "shards": "`--shard 0/2` and `--shard 1/2` together"}


def workers(url: str, size: int, repetitions: int, how: str) -> str:
    times: dict[int, list[float]] = {1: [], 2: []}
    cpu: dict[int, list[float]] = {1: [], 2: []}
    server: dict[int, list[float]] = {1: [], 2: []}
    database = url.rpartition("/")[2].partition("?")[0]
    for repetition in range(repetitions):
        order = [1, 2] if repetition % 2 == 0 else [2, 1]
        for count in order:
            _wipe(url)
            _create_tables(url)
            watched = _run_watched(_split(url, PLAIN_POSTS, size, count, how), database)
            times[count].append(watched.seconds)
            cpu[count].append(watched.cpu_seconds)
            server[count].append(watched.server_cpu_seconds)
            print(f"workers {count}: {times[count][-1]:.2f} s", flush=True)
    _wipe(url)
    ratios = [one / two for one, two in zip(times[1], times[2], strict=True)]
    rows = [
        [
            f"{count}",
            f"{statistics.median(times[count]):.2f} s",
            f"{min(times[count]):.2f} - {max(times[count]):.2f} s",
            f"{2 * size / statistics.median(times[count]):,.0f}",
            f"{statistics.median(cpu[count]):.1f} s",
            f"{statistics.median(server[count]):.1f} s",
        ]
        for count in (1, 2)
    ]
    # What two idle cores would allow: one process runs client and server work in turn (each
    # batch waits for its round trip); two processes can at best share all the CPU work
    # (theirs and the server's) over two cores.
    one = statistics.median(cpu[1]) + statistics.median(server[1])
    two = (statistics.median(cpu[2]) + statistics.median(server[2])) / 2
    return (
        f"{size:,} posts with their authors, batches of 1,000, {repetitions} interleaved "
        f"repetitions (1 then 2 processes, then 2 then 1, ...); 2 processes: {_HOW[how]}. "
        "CPU columns: medians of the user + system time of the command's processes and of the "
        "PostgreSQL backends serving it; "
        f"load average at the end: {os.getloadavg()[0]:.1f}.\n\n"
        + markdown_table(
            ["processes", "median", "range", "rows/s", "command CPU", "server CPU"], rows
        )
        + "\n\nSpeed-up of 2 processes over 1, per pair: "
        + ", ".join(f"{ratio:.2f}x" for ratio in ratios)
        + f"; median **{statistics.median(ratios):.2f}x** "
        f"(min {min(ratios):.2f}x, max {max(ratios):.2f}x). From the CPU times, the most two "
        f"idle cores could give here: {one / two:.2f}x."
    )


def _content(url: str) -> dict[str, Counter[tuple[Any, ...]]]:
    # The Dask tests' key-resolving snapshot (serial keys differ between a resumed run and an
    # uninterrupted one: a killed batch used up sequence values).
    return {table: Counter(rows) for table, rows in content(url).items()}


def _compare(
    got: dict[str, Counter[tuple[Any, ...]]], expected: dict[str, Counter[tuple[Any, ...]]]
) -> tuple[int, int]:
    """(duplicate or extra rows, missing rows) of ``got`` against ``expected``."""
    extra = sum(sum((got[t] - expected[t]).values()) for t in expected)
    missing = sum(sum((expected[t] - got[t]).values()) for t in expected)
    return extra, missing


def _posts(url: str) -> int:
    return int(query(url, "SELECT COUNT(*) FROM posts")[0][0])


def _first_commit(url: str, process: subprocess.Popen[str]) -> float:
    """Wait until the run's first batch is committed (or it ended); the time waited."""
    started = time.perf_counter()
    while process.poll() is None and _posts(url) == 0:
        time.sleep(0.02)
    return time.perf_counter() - started


def resume(url: str, size: int, batch: int, trials: int, seed: int, workers: int) -> str:
    split = ["--workers", str(workers)] if workers > 1 else []
    _wipe(url)
    _create_tables(url)
    started = time.perf_counter()
    process = _start(_command(url, BLOG_POSTS, size, batch))
    start_up = _first_commit(url, process)
    _finish(process)
    writing = time.perf_counter() - started - start_up
    expected = _content(url)
    chooser = random.Random(seed)
    rows = []
    for trial in range(1, trials + 1):
        _wipe(url)
        _create_tables(url)
        process = _start(_command(url, BLOG_POSTS, size, batch, *split))
        _first_commit(url, process)
        # A random point of the writing (start-up, mostly imports, is not where batches die).
        delay = chooser.uniform(0.0, 0.95) * writing
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        posts_at_kill = _posts(url)
        _finish(_start(_command(url, BLOG_POSTS, size, batch, "--resume", *split)))
        extra, missing = _compare(_content(url), expected)
        rows.append(
            [
                trial,
                f"{delay:.2f} s",
                f"{posts_at_kill:,}",
                extra,
                missing,
                "yes" if extra == missing == 0 else "**no**",
            ]
        )
        print(f"resume trial {trial}: killed at {delay:.2f} s, {extra} extra, {missing} missing")
    _wipe(url)
    total = sum(sum(counter.values()) for counter in expected.values())
    return (
        f"{size:,} blog posts ({total:,} rows in 5 tables), batches of {batch}, `--seed 7`"
        + (f", killed and resumed runs with `--workers {workers}`" if workers > 1 else "")
        + "; "
        f"an uninterrupted run writes for {writing:.1f} s after {start_up:.1f} s of start-up. "
        "Each trial: start, wait for the first committed batch, SIGKILL (the whole process "
        "group) after a random further delay, then `--resume` to the end; the final tables, "
        "foreign keys resolved, compared with the uninterrupted run's.\n\n"
        + markdown_table(
            [
                "trial",
                "killed after first commit +",
                "posts at kill",
                "duplicates",
                "missing",
                "equal",
            ],
            rows,
        )
    )


def shards(url: str, size: int, batch: int, counts: list[int]) -> str:
    _wipe(url)
    _create_tables(url)
    _finish(_start(_command(url, BLOG_POSTS, size, batch)))
    expected = _content(url)
    rows = []
    for n in counts:
        _wipe(url)
        _create_tables(url)
        started = time.perf_counter()
        processes = [
            _start(_command(url, BLOG_POSTS, size, batch, "--shard", f"{i}/{n}")) for i in range(n)
        ]
        for process in processes:
            _finish(process)
        seconds = time.perf_counter() - started
        extra, missing = _compare(_content(url), expected)
        rows.append(
            [n, f"{seconds:.1f} s", extra, missing, "yes" if extra == missing == 0 else "**no**"]
        )
        print(f"shards {n}: {extra} extra, {missing} missing", flush=True)
    _wipe(url)
    return (
        f"{size:,} blog posts, batches of {batch}, `--seed 7`: N `--shard I/N` processes "
        "started together, compared with one run.\n\n"
        + markdown_table(["shards", "time", "extra rows", "missing rows", "equal"], rows)
    )


def on_dask(url: str, size: int, repetitions: int) -> str:
    """``seed_on_dask`` on a two-process LocalCluster (4 shards) against one process."""
    from dask.distributed import Client, LocalCluster

    from async_factory_boy.dask import seed_on_dask

    times: dict[str, list[float]] = {"one process": [], "Dask, 2 workers": []}
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        for repetition in range(repetitions):
            order = list(times) if repetition % 2 == 0 else list(reversed(times))
            for name in order:
                _wipe(url)
                _create_tables(url)
                started = time.perf_counter()
                if name == "one process":
                    _finish(_start(_command(url, PLAIN_POSTS, size, 1000)))
                else:
                    seed_on_dask(client, [PLAIN_POSTS], url=url, count=size, seed=7, shards=4)
                times[name].append(time.perf_counter() - started)
                print(f"dask part, {name}: {times[name][-1]:.2f} s", flush=True)
    _wipe(url)
    ratios = [
        one / dask for one, dask in zip(times["one process"], times["Dask, 2 workers"], strict=True)
    ]
    rows = [
        [
            name,
            f"{statistics.median(values):.2f} s",
            f"{min(values):.2f} - {max(values):.2f} s",
            f"{2 * size / statistics.median(values):,.0f}",
        ]
        for name, values in times.items()
    ]
    return (
        f"{size:,} posts with their authors, batches of 1,000, {repetitions} interleaved "
        "repetitions: the command in one process against `seed_on_dask(..., shards=4)` on a "
        "LocalCluster of 2 worker processes (started once, outside the timings; the first "
        "shard in each worker imports the factories).\n\n"
        + markdown_table(["how", "median", "range", "rows/s"], rows)
        + "\n\nSpeed-up per pair: "
        + ", ".join(f"{ratio:.2f}x" for ratio in ratios)
        + f"; median **{statistics.median(ratios):.2f}x**."
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="seed_scale_bench", description=__doc__)
    add_common_arguments(parser)
    parser.add_argument("--postgres-url", default="")
    parser.add_argument("--parts", default=",".join(PARTS))
    parser.add_argument("--sizes", default="10000,100000,1000000", help="memory: posts")
    parser.add_argument("--workers-count", type=int, default=50_000, help="workers: posts")
    parser.add_argument("--resume-count", type=int, default=2_000, help="resume/shards: posts")
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument(
        "--resume-workers", type=int, default=1, help="resume: --workers of the killed runs"
    )
    parser.add_argument(
        "--split",
        choices=sorted(_HOW),
        default="workers",
        help="memory/workers: how 2 "
        "processes share the work (one command with --workers 2, or two --shard commands)",
    )
    args = parser.parse_args(argv)
    if not args.postgres_url:
        print("seed_scale: skipped, it needs --postgres-url (a scratch PostgreSQL database)")
        return
    parts = args.parts.split(",")
    repetitions = args.repetitions or 3
    sizes = [int(size) for size in args.sizes.split(",")]
    blog, trials, plain = args.resume_count, args.trials, args.workers_count
    if args.quick:
        sizes, plain, blog, trials, repetitions = [2_000, 4_000], 4_000, 200, 2, 1
    url = args.postgres_url
    sections = [
        "# Seed at scale benchmark",
        f"Generated by `python -m benchmarks.seed_scale_bench` ({', '.join(parts)}) on "
        f"PostgreSQL; {today()}, {machine_description()}.",
    ]
    if "memory" in parts:
        sections += ["## Memory and throughput", memory(url, sizes, args.split)]
    if "workers" in parts:
        sections += ["## Two processes against one", workers(url, plain, repetitions, args.split)]
    if "resume" in parts:
        title = "## Resume after SIGKILL" + (
            f" (`--workers {args.resume_workers}`)" if args.resume_workers > 1 else ""
        )
        resumed = resume(url, blog, 50, trials, seed=16, workers=args.resume_workers)
        sections += [title, resumed]
    if "shards" in parts:
        sections += ["## Shards against one run", shards(url, blog, 50, [2, 4])]
    if "dask" in parts:
        sections += ["## Dask", on_dask(url, plain, repetitions)]
    publish("\n\n".join(sections) + "\n", args.output)


if __name__ == "__main__":
    main()
