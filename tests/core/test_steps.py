"""The awaitable steps, and what the sync steps do on an async factory."""

from __future__ import annotations

import asyncio
from typing import Any

import factory
import pytest

from async_factory_boy import AsyncFactory, SyncCallError

from .models import Company, CompanyFactory, Store, StoreFactory, User, UserFactory


async def fetch_name() -> str:
    return "fetched"


@pytest.mark.asyncio
async def test_create_async_returns_a_persisted_object(store: Store) -> None:
    user = await UserFactory.create_async(store=store, name="ada")
    assert isinstance(user, User)
    assert (user.name, user.id is not None) == ("ada", True)


@pytest.mark.asyncio
async def test_create_batch_async_returns_n_persisted_objects(store: Store) -> None:
    users = await UserFactory.create_batch_async(5, store=store, email="same@example.com")
    assert len(users) == 5
    assert len({u.name for u in users}) == 5
    assert all(u.id is not None and u.email == "same@example.com" for u in users)
    assert len(store.of(Company)) == 5


@pytest.mark.asyncio
async def test_create_batch_async_of_zero_is_empty(store: Store) -> None:
    assert await UserFactory.create_batch_async(0, store=store) == []


@pytest.mark.asyncio
async def test_create_batch_async_rejects_a_negative_size(store: Store) -> None:
    with pytest.raises(ValueError, match="UserFactory: batch size must be a non-negative"):
        await UserFactory.create_batch_async(-1, store=store)


@pytest.mark.asyncio
async def test_build_batch_async_builds_without_persisting(store: Store) -> None:
    users = await UserFactory.build_batch_async(3, store=store)
    assert [u.id for u in users] == [None, None, None]
    assert store.rows == []


def test_sync_build_build_batch_and_stub_keep_working() -> None:
    assert UserFactory.build(name="x").name == "x"
    assert len(UserFactory.build_batch(2)) == 2
    assert UserFactory.stub(name="s").name == "s"


def test_sync_create_names_the_factory_and_create_async() -> None:
    with pytest.raises(TypeError, match=r"UserFactory.*create_async"):
        UserFactory.create()


def test_sync_create_batch_names_the_factory_and_create_batch_async() -> None:
    with pytest.raises(TypeError, match=r"UserFactory.*create_batch_async") as raised:
        UserFactory.create_batch(2)
    assert "create_async" in str(raised.value)


def test_calling_the_factory_names_create_async() -> None:
    with pytest.raises(SyncCallError, match=r"UserFactory\(\).*create_async"):
        UserFactory()


class PlainCompanyFactory(AsyncFactory[Company]):
    """No backend and no handler: nothing to persist."""

    class Meta:
        model = Company

    name = "plain"


def test_sync_create_of_a_factory_with_nothing_to_persist_instantiates() -> None:
    # As in factory_boy: pytest-factoryboy suites call factories from post-generation hooks.
    company = PlainCompanyFactory(name="called")

    assert isinstance(company, Company)
    assert company.name == "called"


def test_sync_create_with_a_persistence_handler_names_create_async() -> None:
    from async_factory_boy.persistence import MemoryPersistence

    with pytest.raises(SyncCallError, match=r"PlainCompanyFactory.*create_async"):
        PlainCompanyFactory.create(persistence=MemoryPersistence())


def test_async_factory_is_a_factory_boy_factory() -> None:
    assert issubclass(UserFactory, factory.Factory)
    assert issubclass(AsyncFactory, factory.Factory)


def test_abstract_async_factory_cannot_generate() -> None:
    with pytest.raises(factory.errors.FactoryError, match="abstract factory StoreFactory"):
        StoreFactory.build()


def test_sync_build_explains_that_an_awaitable_needs_build_async() -> None:
    class F(CompanyFactory):
        name = factory.LazyFunction(fetch_name)

    with pytest.raises(SyncCallError, match=r"F: the value of 'name' is awaitable.*build_async"):
        F.build()


class _AfterHook(CompanyFactory):
    """Its after-post-generation step awaits only when it creates (a backend's save)."""

    @classmethod
    async def _after_postgeneration_async(
        cls, instance: Any, create: bool, results: dict[str, Any] | None = None
    ) -> None:
        if create:
            await asyncio.sleep(0)
        instance.after = create


def test_sync_build_runs_an_after_postgeneration_step_that_awaits_nothing() -> None:
    company = _AfterHook.build()

    assert company.after is False
    assert [each.after for each in _AfterHook.build_batch(2)] == [False, False]


def test_sync_build_names_build_async_when_the_after_step_must_await() -> None:
    class Waiting(_AfterHook):
        @classmethod
        async def _after_postgeneration_async(
            cls, instance: Any, create: bool, results: dict[str, Any] | None = None
        ) -> None:
            await asyncio.sleep(0)

    with pytest.raises(SyncCallError, match=r"await Waiting\.build_async"):
        Waiting.build()


@pytest.mark.asyncio
async def test_overrides_never_leak_into_later_builds_without_overrides(store: Store) -> None:
    # Declarations parsed once for builds without overrides must stay untouched by builds
    # that pass some, for the factory itself and for its SubFactory.
    plain = await UserFactory.create_async(store=store)
    custom = await UserFactory.create_async(store=store, email="x@y.z", company__name="Initech")
    plain_again = await UserFactory.create_async(store=store)
    assert custom.company is not None
    assert (custom.email, custom.company.name) == ("x@y.z", "Initech")
    for user in (plain, plain_again):
        assert user.email == ""
        assert user.company is not None
        assert user.company.name.startswith("company")
