"""Plain model classes and an in-memory store that the core tests persist into."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import Any

import factory

from async_factory_boy import AsyncFactory, current_call


@dataclass
class Company:
    name: str
    country: str = "FR"
    id: int | None = None


@dataclass
class User:
    name: str
    company: Company | None = None
    email: str = ""
    company_id: int | None = None
    id: int | None = None
    tags: list[str] = field(default_factory=list)


@dataclass
class Membership:
    user: User
    role: str = "member"
    id: int | None = None


class Store:
    """A minimal async store: it hands out ids as a database would and records each write."""

    def __init__(self) -> None:
        self.rows: list[Any] = []
        self.bulk_writes: list[list[Any]] = []
        self._ids = itertools.count(1)

    async def insert(self, instance: Any) -> Any:
        await asyncio.sleep(0)  # a real driver yields to the loop here
        instance.id = next(self._ids)
        self.rows.append(instance)
        return instance

    def of(self, model: type) -> list[Any]:
        return [row for row in self.rows if isinstance(row, model)]


class StoreFactory(AsyncFactory[Any]):
    """Persists into the ``store=`` passed per call: the shape of every real backend."""

    class Meta:
        abstract = True

    _connection_arguments = ("store",)

    @classmethod
    async def _create_async(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        call = current_call()
        assert call is not None
        store: Store = call.get("store")
        return await store.insert(model_class(*args, **kwargs))


class CompanyFactory(StoreFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"company{n}")


class UserFactory(StoreFactory):
    class Meta:
        model = User

    name = factory.Sequence(lambda n: f"user{n}")
    company = factory.SubFactory(CompanyFactory)
