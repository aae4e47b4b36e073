"""The worker side: one shard of a seed run, in the worker process, through the command.

Each task runs the ``seed`` command through its own entry point,
:func:`async_factory_boy.__main__.main` (so a shard on Dask writes exactly what
``async-factory-boy seed ... --shard I/N`` writes), with its own event loop
(``asyncio.run`` in the task's thread) and an :class:`~async_factory_boy._seed._output.Output`
that forwards progress to the submitting process through a Dask queue instead of printing.
"""

from __future__ import annotations

import io
import threading
import time
from collections import Counter

from distributed import Event, Queue

from .. import __main__ as command
from .._seed._output import Output
from .._seed._url import Redactor
from ._report import ShardProgress, ShardResult

__all__ = ["EXIT_STOPPED", "Channel", "run_shard"]

EXIT_STOPPED = 130
_STOP_CHECK_INTERVAL = 0.5  # seconds between looks at the run's stop flag

# The seed run reseeds process-wide state (factory_boy's random, Faker, ``random``, factory
# sequences): two shards in one worker process at the same time would interleave it. A worker
# with several threads therefore runs its shards one after the other.
_ONE_SHARD_PER_PROCESS = threading.Lock()


class _StopRequested(BaseException):
    """Another shard failed: end this one between batches (its committed batches stay).

    A ``BaseException``, like ``KeyboardInterrupt``: it is a request to stop, not an error
    of the batch, and no ``except Exception`` on the way out may turn it into one.
    """


class Channel:
    """The names of one run's Dask queue (progress) and event (stop), shared by its shards."""

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def progress(self) -> str:
        return f"{self.name}-progress"

    @property
    def stop(self) -> str:
        return f"{self.name}-stop"


class _ForwardingOutput(Output):
    """The command's output, turned into messages: progress goes to the submitter's queue,
    the summary and ``error:`` lines are kept for the shard's result, nothing is printed."""

    def __init__(self, redact: Redactor, shard: int, shards: int, channel: Channel) -> None:
        super().__init__(redact, quiet=True, out=io.StringIO(), err=io.StringIO())
        self._shard = shard
        self._shards = shards
        self._queue = Queue(channel.progress)
        self._stop = Event(channel.stop)
        self._last_check = 0.0
        self._redactor = redact
        self.rows: Counter[str] = Counter()
        self.errors: list[str] = []

    def progress(self, name: str, done: int, total: int, rows: int, elapsed: float) -> None:
        event = ShardProgress(self._shard, self._shards, name, done, total, rows, elapsed)
        self._queue.put(event)
        self.check_stop()

    def check_stop(self) -> None:
        """Raise :class:`_StopRequested` if the run was told to stop (checked at most every
        half second: each look is a round trip to the scheduler)."""
        now = time.monotonic()
        if now - self._last_check < _STOP_CHECK_INTERVAL:
            return
        self._last_check = now
        if self._stop.is_set():
            raise _StopRequested

    def summary(self, display: str, counts: Counter[str], elapsed: float, headline: str) -> None:
        self.rows = Counter(counts)

    def error(self, text: str) -> None:
        self.errors.append(self._redactor(text))

    def text(self, text: str, *, err: bool = True) -> None:
        if err:
            self.errors.append(self._redactor(text.rstrip("\n")))


def run_shard(argv: list[str], shard: int, shards: int, channel: Channel) -> ShardResult:
    """Run ``async-factory-boy ARGV`` (one shard of the run) here; how it ended.

    Runs in a Dask worker. Every failure the command reports is returned (status 1 or 2 and its
    ``error:`` line), not raised, so the submitter can name the shard; a worker that dies is
    reported by Dask itself.
    """
    started = time.perf_counter()
    redact = Redactor()
    redact.learn(argv)
    output = _ForwardingOutput(redact, shard, shards, channel)
    with _ONE_SHARD_PER_PROCESS:
        try:
            output.check_stop()
            status = command.main(argv, output)
        except _StopRequested:
            status = EXIT_STOPPED
    return ShardResult(
        shard=shard,
        status=status,
        rows=dict(output.rows),
        elapsed=time.perf_counter() - started,
        errors=tuple(output.errors),
    )
