"""Progress records: one per committed batch, written in the batch's own transaction.

Because a batch and its record commit together, the records are exactly the batches that
are in the database, whatever killed a run and when: ``--resume`` writes the others and
nothing twice. SQL databases keep them in the table :data:`TABLE`, MongoDB in the collection
of the same name (created when missing, next to the seeded data).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .._seeding import PROGRESS_TABLE, BatchRecord, BatchWrite

__all__ = ["TABLE", "BatchRecord", "BatchWrite", "FactoryProgress", "summarize"]

#: The table (SQL) or collection (MongoDB) of progress records.
TABLE = PROGRESS_TABLE


@dataclass(frozen=True)
class FactoryProgress:
    """``seed status``'s line: one factory of one run."""

    run_id: str
    factory: str
    done: int
    total: int
    rows: int

    @property
    def complete(self) -> bool:
        return self.done >= self.total

    def line(self) -> str:
        state = "complete" if self.complete else "incomplete"
        return (
            f"{self.run_id}  {self.factory}  batches {self.done:,}/{self.total:,}  "
            f"rows {self.rows:,}  {state}"
        )


def summarize(records: Iterable[tuple[str, str, int, int]]) -> list[FactoryProgress]:
    """Per (run, factory), from (run_id, factory, batches, rows) of each record, in order."""
    grouped: dict[tuple[str, str], list[int]] = {}
    for run_id, factory, batches, rows in records:
        entry = grouped.setdefault((run_id, factory), [0, batches, 0])
        entry[0] += 1
        entry[1] = max(entry[1], batches)
        entry[2] += rows
    return [
        FactoryProgress(run_id, factory, done, total, rows)
        for (run_id, factory), (done, total, rows) in sorted(grouped.items())
    ]
