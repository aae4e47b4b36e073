"""What saving through a persistence handler costs on top of the core, in memory.

Workload: N users, each with its own company through a SubFactory; Sequence and
LazyAttribute fields, no Faker. Contenders: no handler (the core alone), MemoryPersistence
(ids and one unique constraint on the email), and a do-nothing sync handler (the cost of
``asyncio.to_thread`` per call). Batches call ``save_many`` once per model; loops call
``save`` per object.

    python -m benchmarks persistence [--quick]
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import factory

from async_factory_boy import AsyncFactory
from async_factory_boy.persistence import MemoryPersistence

from ._harness import (
    Contender,
    Result,
    add_common_arguments,
    machine_description,
    markdown_table,
    measure,
    publish,
    run,
    today,
)


@dataclass
class Company:
    name: str
    id: int | None = None


@dataclass
class User:
    name: str
    email: str
    company: Company
    id: int | None = None


class CompanyFactory(AsyncFactory[Company]):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"company{n}")


class UserFactory(AsyncFactory[User]):
    class Meta:
        model = User

    name = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.name}@example.com")
    company = factory.SubFactory(CompanyFactory)


class NullSyncHandler:
    """Stores nothing, blocking: what remains is the thread hop."""

    def save(self, obj: Any) -> Any:
        return obj

    def save_many(self, objs: Sequence[Any]) -> list[Any]:
        return list(objs)


def contenders(n: int) -> list[Contender]:
    made: list[Any] = []
    store: MemoryPersistence[Any] = MemoryPersistence(unique={User: ["email"]})
    sync = NullSyncHandler()

    def verify() -> None:
        assert len(made) == n, f"expected {n} objects, got {len(made)}"
        made.clear()
        store.clear()

    def loop(handler: Any) -> Any:
        async def go() -> None:
            for _ in range(n):
                if handler is None:
                    made.append(await UserFactory.create_async())
                else:
                    made.append(await UserFactory.create_async(persistence=handler))

        return go

    def batch(handler: Any) -> Any:
        async def go() -> None:
            if handler is None:
                made.extend(await UserFactory.create_batch_async(n))
            else:
                made.extend(await UserFactory.create_batch_async(n, persistence=handler))

        return go

    return [
        Contender("no handler", batch(None), verify=verify, group="batch"),
        Contender("MemoryPersistence", batch(store), verify=verify, group="batch"),
        Contender("sync handler (to_thread)", batch(sync), verify=verify, group="batch"),
        Contender("no handler", loop(None), verify=verify, group="one by one"),
        Contender("MemoryPersistence", loop(store), verify=verify, group="one by one"),
        Contender("sync handler (to_thread)", loop(sync), verify=verify, group="one by one"),
    ]


def report(results: list[Result], n: int, repetitions: int) -> str:
    rows = [
        [
            result.contender.group,
            result.contender.name,
            f"{result.median * 1000:.1f}",
            f"{result.per_second:,.0f}",
            f"{result.median / n * 1e6:.1f}",
        ]
        for result in results
    ]
    table = markdown_table(["scenario", "contender", "median ms", "users/s", "us/user"], rows)
    return (
        f"Persistence handlers, in memory: N={n:,} users each with its own company; "
        f"{repetitions} interleaved repetitions, medians. {machine_description()}; "
        f"{today()}.\n\n{table}\n"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks persistence", description=__doc__)
    add_common_arguments(parser)
    args = parser.parse_args(argv)
    n = 200 if args.quick else 2_000
    repetitions = args.repetitions or (2 if args.quick else 7)

    results = run(lambda: measure(contenders(n), items=n, repetitions=repetitions))
    publish(report(results, n, repetitions), args.output, results=results, unit="users/s")


if __name__ == "__main__":
    main()
