"""What travels between the submitting process and the shards: progress and results.

Plain frozen dataclasses of built-in values, so Dask pickles them cheaply and a user's
``on_progress`` callback or a report can be kept, compared and printed without Dask.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

__all__ = ["SeedReport", "ShardProgress", "ShardResult"]


@dataclass(frozen=True)
class ShardProgress:
    """One shard's progress, sent after each committed batch (what the command's progress
    line shows, for one shard): ``done`` of ``total`` objects of ``factory`` in this shard,
    ``rows`` written by the shard so far (all tables), ``elapsed`` seconds since it started."""

    shard: int
    shards: int
    factory: str
    done: int
    total: int
    rows: int
    elapsed: float


@dataclass(frozen=True)
class ShardResult:
    """How one shard's seed run ended, as its worker saw it.

    ``status`` is the command's exit status (0 done, 1 failed, 130 stopped); ``rows`` the
    rows per table it wrote in committed batches; ``errors`` its ``error:`` lines (already
    redacted: no password leaves the worker).
    """

    shard: int
    status: int
    rows: dict[str, int]
    elapsed: float
    errors: tuple[str, ...]


@dataclass(frozen=True)
class SeedReport:
    """A finished distributed seed run: rows per table over all shards, and per shard.

    ``elapsed`` is the wall time seen by the submitting process (cluster start-up excluded,
    task scheduling included). ``per_shard`` is in shard order.
    """

    rows: dict[str, int]
    per_shard: tuple[dict[str, int], ...]
    elapsed: float

    @property
    def total(self) -> int:
        """Rows written by every shard, all tables together."""
        return sum(self.rows.values())

    @classmethod
    def combine(cls, results: list[ShardResult], elapsed: float) -> SeedReport:
        """The report of ``results`` (one per shard, any order)."""
        ordered = sorted(results, key=lambda result: result.shard)
        rows: Counter[str] = Counter()
        for result in ordered:
            rows.update(result.rows)
        return cls(dict(rows), tuple(dict(result.rows) for result in ordered), elapsed)
