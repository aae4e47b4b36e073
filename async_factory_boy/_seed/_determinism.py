"""The same rows however a run is split: every batch starts from state of its own.

Before a batch is built, everything its values come from is set from the batch alone, never
from what the process did before (a worker, a shard or a resumed run starts in a fresh
process, at any batch):

* with ``--seed S``: factory_boy's random (``factory.fuzzy``), Python's ``random`` and every
  Faker are reseeded from a digest of (S, the factory's ``module:Class``, the batch number);
* always: the sequence counter of the factory and of every factory it reaches starts at a
  number fixed by the batch. The factory's own counter (when nothing else shares it) starts
  at ``batch * batch_size``, dense like an uninterrupted ``create_batch``. A counter that is
  reached (a SubFactory's author, a RelatedFactoryList's comments), or shared by several
  jobs, gets a window of ``batch_size * stride`` numbers per batch: the number of objects it
  makes per top object is not known before the batch is built (a RelatedFactoryList's size
  may be random), so the window leaves room for ``stride`` per object (100 by default) and a
  batch that goes past it is rolled back with an error naming ``--sequence-stride``, rather
  than repeating a number the next batch uses (unique columns fed by sequences stay unique).
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .._compat import (
    reseed_fakers,
    reseed_random,
    sequence_counter,
    sequence_next,
    set_sequence_next,
)
from .._reach import reached_from
from .._types import FactoryClass
from ._batches import Batch, Job
from ._errors import SeedError

__all__ = ["DEFAULT_STRIDE", "SequenceLayout", "batch_seed", "reseed"]

DEFAULT_STRIDE = 100


def batch_seed(seed: int, path: str, number: int) -> int:
    """The seed of batch ``number`` of the factory at ``path`` in a run seeded with ``seed``."""
    digest = hashlib.sha256(json.dumps([seed, path, number]).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def reseed(value: int) -> None:
    """Seed every random source a factory draws from: factory_boy's, Faker's, ``random``."""
    random.seed(value)
    reseed_random(value)
    reseed_fakers(value)


@dataclass(frozen=True)
class _Window:
    counter: FactoryClass
    start: int
    end: int  # first number past the window


def _is_counted(factory: FactoryClass) -> bool:
    meta = getattr(factory, "_meta", None)
    return getattr(meta, "counter_reference", None) is not None and not meta.abstract  # type: ignore[union-attr]  # meta is not None when counter_reference is set


class SequenceLayout:
    """Where each counter starts for each batch of a run's jobs."""

    def __init__(self, jobs: Sequence[Job], batch_size: int, stride: int) -> None:
        self._jobs = list(jobs)
        self._batch_size = batch_size
        self._stride = stride
        self._tops = [sequence_counter(job.factory) for job in jobs]
        self._reached: list[list[FactoryClass]] = []
        for job in jobs:
            counters: list[FactoryClass] = []
            for factory in reached_from(job.factory):
                counter = sequence_counter(factory) if _is_counted(factory) else None
                if counter is not None and counter not in counters:
                    counters.append(counter)
            self._reached.append(counters)
        reached_anywhere = {counter for counters in self._reached for counter in counters}
        tops = Counter(self._tops)
        self._dense = [tops[top] == 1 and top not in reached_anywhere for top in self._tops]
        self._bases: dict[FactoryClass, int] = {}

    def windows(self, batch: Batch) -> list[_Window]:
        """The counters batch ``batch`` draws from, each with its window of numbers."""
        top = self._tops[batch.job]
        shared = self._batch_size * self._stride
        slot = (batch.number * len(self._jobs) + batch.job) * shared
        windows = []
        if self._dense[batch.job]:
            start = self._base(top) + batch.number * self._batch_size
            windows.append(_Window(top, start, start + batch.size))
        else:
            windows.append(_Window(top, self._base(top) + slot, self._base(top) + slot + shared))
        for counter in self._reached[batch.job]:
            if counter is not top:
                base = self._base(counter)
                windows.append(_Window(counter, base + slot, base + slot + shared))
        return windows

    def start(self, batch: Batch) -> list[_Window]:
        """Set every counter of ``batch`` to the start of its window; the windows."""
        windows = self.windows(batch)
        for window in windows:
            set_sequence_next(window.counter, window.start)
        return windows

    def check(self, batch: Batch, windows: list[_Window]) -> None:
        """Raise :class:`SeedError` if the batch took numbers past a window (before commit)."""
        job = self._jobs[batch.job]
        for window in windows:
            reached = sequence_next(window.counter)
            if reached <= window.end:
                continue
            per_object = -(-(reached - window.start) // batch.size)
            raise SeedError(
                f"{window.counter.__name__} sequence numbers reached {reached - 1}, past the "
                f"batch's window {window.start}..{window.end - 1} ({self._stride} per "
                f"{job.factory.__name__}), where the next batch starts: pass "
                f"--sequence-stride {max(per_object, self._stride + 1)} or more"
            )

    def _base(self, counter: FactoryClass) -> int:
        """The factory's own first number (``_setup_next_sequence``, usually 0)."""
        if counter not in self._bases:
            self._bases[counter] = int(counter._setup_next_sequence())
        return self._bases[counter]
