"""A benchmark run as data: what ``docs/performance/<name>.json`` holds and the chart is drawn from.

The markdown tables are for people; this record is for programs. It keeps every repetition's
time (not only the median), so the chart can draw the spread and a later tool can recompute
anything the tables show without re-running the benchmark, which on this 2-core machine takes
minutes and gives different numbers each time.

Every contender is compared with the *first contender of its group* (its scenario, or its
database): the convention every benchmark in this directory follows, where that first
contender is the hand-written code or the library being measured against.
"""

from __future__ import annotations

import json
import pathlib
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._harness import MemoryResult, Result

__all__ = ["FORMAT", "Bar", "MemoryRow", "Record", "Timings", "from_results", "load", "save"]

#: Bumped when the JSON layout changes incompatibly; :func:`load` refuses other formats.
FORMAT = 1


class Timings:
    """What the repetition times of one contender give: median, throughput, spread.

    Shared by the harness's live results and the record's bars, so the chart and the tables
    compute each figure the same way.
    """

    items: int
    seconds: Sequence[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def per_second(self) -> float:
        """Throughput: items per second at the median time."""
        return self.items / self.median if self.median else float("inf")

    @property
    def spread(self) -> float:
        """(max - min) / median: how noisy the repetitions were."""
        if len(self.seconds) < 2 or not self.median:
            return 0.0
        return (max(self.seconds) - min(self.seconds)) / self.median


@dataclass(frozen=True)
class Bar(Timings):
    """One contender's timings, and the baseline of its group to compare them with.

    Attributes:
        section: what the benchmark measured separately (the database, when each database
            has a run of its own); ``""`` when there is one run.
        group: the scenario the contender belongs to (``Contender.group``).
        contender: the contender's name, as in the table.
        items: objects one run creates (turns times into throughput).
        seconds: every repetition's time, in the order they ran.
        baseline_per_second: the throughput of the group's first contender (this bar's own
            throughput when it is that contender).
        baseline: whether this bar is its group's baseline.
    """

    section: str
    group: str
    contender: str
    items: int
    seconds: tuple[float, ...]
    baseline_per_second: float
    baseline: bool

    @property
    def ratio(self) -> float:
        """Throughput over the baseline's: above 1 is faster than the baseline."""
        return _ratio(self.per_second, self.baseline_per_second)

    @property
    def ratio_range(self) -> tuple[float, float]:
        """The ratio at the slowest and at the fastest repetition: the chart's whiskers."""
        slowest, fastest = max(self.seconds), min(self.seconds)
        return (
            _ratio(self.items / slowest if slowest else float("inf"), self.baseline_per_second),
            _ratio(self.items / fastest if fastest else float("inf"), self.baseline_per_second),
        )

    @property
    def heading(self) -> str:
        """The label of the bar's group in the chart: section and scenario, when both exist."""
        return " · ".join(part for part in (self.section, self.group) if part)


@dataclass(frozen=True)
class MemoryRow:
    """Peak traced memory of one run (``measure_peak_memory``)."""

    section: str
    group: str
    contender: str
    items: int
    peak_bytes: int


@dataclass(frozen=True)
class Record:
    """One benchmark's published results."""

    name: str
    title: str
    unit: str
    machine: str
    date: str
    bars: tuple[Bar, ...]
    memory: tuple[MemoryRow, ...] = ()


def _ratio(value: float, baseline: float) -> float:
    return value / baseline if baseline else float("inf")


def _sections(
    results: Sequence[Result] | Mapping[str, Sequence[Result]],
) -> Mapping[str, Sequence[Result]]:
    return results if isinstance(results, Mapping) else {"": results}


def from_results(
    *,
    name: str,
    title: str,
    unit: str,
    machine: str,
    date: str,
    results: Sequence[Result] | Mapping[str, Sequence[Result]],
    memory: Sequence[MemoryResult] | Mapping[str, Sequence[MemoryResult]] = (),
) -> Record:
    """Turn the harness's results into a record.

    ``results`` (and ``memory``) are either one list, or lists by section name when the
    benchmark ran each database on its own and its groups repeat per database.
    """
    bars: list[Bar] = []
    for section, in_section in _sections(results).items():
        baselines: dict[str, float] = {}
        for result in in_section:
            group = result.contender.group
            is_baseline = group not in baselines
            baselines.setdefault(group, result.per_second)
            bars.append(
                Bar(
                    section=section,
                    group=group,
                    contender=result.contender.name,
                    items=result.items,
                    seconds=tuple(result.seconds),
                    baseline_per_second=baselines[group],
                    baseline=is_baseline,
                )
            )
    memory_by_section = memory if isinstance(memory, Mapping) else {"": memory}
    rows = tuple(
        MemoryRow(section, m.contender.group, m.contender.name, m.items, m.peak_bytes)
        for section, in_section in memory_by_section.items()
        for m in in_section
    )
    return Record(name, title, unit, machine, date, tuple(bars), rows)


def to_json(record: Record) -> dict[str, Any]:
    """The JSON document: the primary figures plus the derived ones, for readers."""
    return {
        "format": FORMAT,
        "name": record.name,
        "title": record.title,
        "unit": record.unit,
        "machine": record.machine,
        "date": record.date,
        "baseline": "the first contender of each section and group",
        "contenders": [
            {
                "section": bar.section,
                "group": bar.group,
                "contender": bar.contender,
                "baseline": bar.baseline,
                "items": bar.items,
                "seconds": list(bar.seconds),
                "median_seconds": bar.median,
                "per_second": bar.per_second,
                "baseline_per_second": bar.baseline_per_second,
                "ratio_to_baseline": bar.ratio,
                "spread": bar.spread,
            }
            for bar in record.bars
        ],
        "peak_memory": [
            {
                "section": row.section,
                "group": row.group,
                "contender": row.contender,
                "items": row.items,
                "peak_bytes": row.peak_bytes,
            }
            for row in record.memory
        ],
    }


def from_json(document: Mapping[str, Any]) -> Record:
    """Read a record back; derived figures are recomputed from the stored times."""
    if document.get("format") != FORMAT:
        raise ValueError(
            f"benchmark record {document.get('name')!r} has format {document.get('format')!r}, "
            f"this code reads format {FORMAT}: re-run the benchmark to write it afresh"
        )
    bars = tuple(
        Bar(
            section=entry["section"],
            group=entry["group"],
            contender=entry["contender"],
            items=entry["items"],
            seconds=tuple(entry["seconds"]),
            baseline_per_second=entry["baseline_per_second"],
            baseline=entry["baseline"],
        )
        for entry in document["contenders"]
    )
    memory = tuple(
        MemoryRow(
            entry["section"],
            entry["group"],
            entry["contender"],
            entry["items"],
            entry["peak_bytes"],
        )
        for entry in document["peak_memory"]
    )
    return Record(
        name=document["name"],
        title=document["title"],
        unit=document["unit"],
        machine=document["machine"],
        date=document["date"],
        bars=bars,
        memory=memory,
    )


def save(record: Record, path: pathlib.Path) -> None:
    """Write the record as indented, key-ordered JSON (stable diffs between runs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(to_json(record), indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def load(path: pathlib.Path) -> Record:
    """Read a record written by :func:`save`."""
    return from_json(json.loads(path.read_text(encoding="utf-8")))
