"""RepositoryPersistence: factories saving through an application's repository object."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import pytest

from async_factory_boy.persistence import AsyncPersistence, RepositoryPersistence

from .models import Company, CompanyFactory, User, UserFactory

pytestmark = pytest.mark.asyncio


class CompanyRepository:
    """The kind of repository an application has: ``await repo.add(entity)``."""

    def __init__(self) -> None:
        self.rows: list[Any] = []
        self.bulk_calls = 0

    async def add(self, entity: Any) -> None:
        entity.id = len(self.rows) + 1
        self.rows.append(entity)

    async def add_all(self, entities: Sequence[Any]) -> None:
        self.bulk_calls += 1
        for entity in entities:
            await self.add(entity)


async def test_it_is_an_async_persistence_handler() -> None:
    assert isinstance(RepositoryPersistence(CompanyRepository()), AsyncPersistence)


async def test_create_saves_through_the_repository_add_method() -> None:
    repo = CompanyRepository()

    company = await CompanyFactory.create_async(persistence=RepositoryPersistence(repo))

    assert repo.rows == [company]
    assert company.id == 1


async def test_a_batch_without_a_bulk_method_adds_one_entity_at_a_time() -> None:
    repo = CompanyRepository()

    companies = await CompanyFactory.create_batch_async(3, persistence=RepositoryPersistence(repo))

    assert repo.rows == companies
    assert repo.bulk_calls == 0


async def test_a_batch_uses_the_bulk_method_once_per_model() -> None:
    repo = CompanyRepository()
    handler = RepositoryPersistence(repo, save="add", save_many="add_all")

    users = await UserFactory.create_batch_async(4, persistence=handler)

    assert repo.bulk_calls == 2  # the companies, then the users
    assert repo.rows[4:] == users
    assert [type(row) for row in repo.rows] == [Company] * 4 + [User] * 4


async def test_the_repository_may_return_the_stored_entity() -> None:
    class ReturningRepository:
        async def create(self, entity: Company) -> Company:
            return Company(name=entity.name.upper(), id=5)

    handler = RepositoryPersistence(ReturningRepository(), save="create")

    company = await CompanyFactory.create_async(name="acme", persistence=handler)

    assert (company.name, company.id) == ("ACME", 5)


async def test_sync_repository_methods_run_in_a_worker_thread() -> None:
    threads: list[int] = []

    class SyncRepository:
        def insert(self, entity: Company) -> None:
            threads.append(threading.get_ident())

    await CompanyFactory.create_async(
        persistence=RepositoryPersistence(SyncRepository(), save="insert")
    )

    assert threads
    assert threads != [threading.get_ident()]


async def test_callables_instead_of_method_names() -> None:
    stored: list[Company] = []

    async def store_one(entity: Company) -> None:
        stored.append(entity)

    company = await CompanyFactory.create_async(
        persistence=RepositoryPersistence(object(), save=store_one)
    )

    assert stored == [company]


async def test_a_missing_method_is_named() -> None:
    with pytest.raises(TypeError, match="CompanyRepository has no method 'save'"):
        RepositoryPersistence(CompanyRepository(), save="save")


async def test_a_bulk_method_must_return_one_entity_per_entity() -> None:
    class Lossy(CompanyRepository):
        async def add_all(self, entities: Sequence[Any]) -> list[Any]:
            return []

    handler = RepositoryPersistence(Lossy(), save_many="add_all")

    with pytest.raises(TypeError, match="returned 0 entities for 2"):
        await CompanyFactory.create_batch_async(2, persistence=handler)
