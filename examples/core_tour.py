"""A short tour of the core, no database needed: `python examples/core_tour.py`."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import Any

import factory

from async_factory_boy import AsyncFactory

_ids = itertools.count(1)


@dataclass
class Company:
    name: str
    id: int | None = None


@dataclass
class User:
    name: str
    company: Company
    company_name: str
    tags: list[str] = field(default_factory=list)
    id: int | None = None


class StoredFactory(AsyncFactory[Any]):
    """Hands out ids as a database would; stands in until a real backend is chosen."""

    class Meta:
        abstract = True

    @classmethod
    async def _create_async(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(0)  # a real backend awaits its driver here
        instance = model_class(*args, **kwargs)
        instance.id = next(_ids)
        return instance


class CompanyFactory(StoredFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")


async def fetch_nickname() -> str:
    await asyncio.sleep(0)
    return "async"


class UserFactory(StoredFactory):
    class Meta:
        model = User

    name = factory.LazyFunction(fetch_nickname)
    company = factory.SubFactory(CompanyFactory)
    company_name = factory.SelfAttribute("company.name")

    @factory.post_generation
    async def tags(self, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        await asyncio.sleep(0)
        self.tags.extend(extracted or ["new"])


async def main() -> None:
    user = await UserFactory.create_async(tags=["admin"])
    print(f"created {user}")
    batch = await UserFactory.create_batch_async(3)
    for member in batch:
        print(f"created {member}")


if __name__ == "__main__":
    asyncio.run(main())
