"""How a factory finds and uses its persistence handler."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from typing import Any

import factory
import pytest

from async_factory_boy import (
    AsyncFactory,
    FactoryConfigurationError,
    MissingSessionError,
    SessionTypeError,
)
from async_factory_boy.persistence import (
    MemoryPersistence,
    MissingPersistenceError,
    PersistenceFactory,
    SyncPersistence,
)

from .models import (
    Company,
    CompanyFactory,
    Membership,
    MembershipFactory,
    User,
    UserFactory,
)

pytestmark = pytest.mark.asyncio


class Recorder:
    """An async handler that records each call, to check how a factory uses the protocol."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[Any]]] = []

    async def save(self, obj: Any) -> Any:
        self.calls.append(("save", [obj]))
        return obj

    async def save_many(self, objs: Sequence[Any]) -> list[Any]:
        self.calls.append(("save_many", list(objs)))
        return list(objs)


async def test_create_async_saves_through_the_handler_passed_per_call(
    store: MemoryPersistence[Any],
) -> None:
    user = await UserFactory.create_async(persistence=store)

    assert user.id == 1
    assert store.all(User) == [user]


async def test_subfactory_objects_are_saved_through_the_same_handler(
    store: MemoryPersistence[Any],
) -> None:
    user = await UserFactory.create_async(persistence=store)

    assert user.company is not None
    assert store.all(Company) == [user.company]
    assert user.company.id == 1


async def test_a_factory_saves_through_its_meta_default(store: MemoryPersistence[Any]) -> None:
    class StoredCompanyFactory(AsyncFactory[Company]):
        class Meta:
            model = Company
            persistence = store

        name = "Acme"

    company = await StoredCompanyFactory.create_async()

    assert store.get(Company, company.id) is company


async def test_the_per_call_handler_wins_over_the_meta_default(
    store: MemoryPersistence[Any],
) -> None:
    default: MemoryPersistence[Any] = MemoryPersistence()

    class StoredCompanyFactory(AsyncFactory[Company]):
        class Meta:
            model = Company
            persistence = default

        name = "Acme"

    await StoredCompanyFactory.create_async(persistence=store)

    assert store.count(Company) == 1
    assert default.count(Company) == 0


async def test_without_a_handler_a_plain_factory_builds_an_unsaved_object() -> None:
    company = await CompanyFactory.create_async()

    assert company.id is None


async def test_a_handler_may_return_another_object_than_it_was_given() -> None:
    class Copying:
        async def save(self, obj: Company) -> Company:
            return Company(name=obj.name, id=42)

        async def save_many(self, objs: Sequence[Company]) -> list[Company]:
            return [Company(name=obj.name, id=42) for obj in objs]

    company = await CompanyFactory.create_async(persistence=Copying())
    [batch_company] = await CompanyFactory.create_batch_async(1, persistence=Copying())

    assert company.id == 42
    assert batch_company.id == 42


async def test_build_async_never_saves(store: MemoryPersistence[Any]) -> None:
    await UserFactory.build_async(persistence=store)

    assert store.count(User) == 0


async def test_a_batch_calls_save_many_once_per_model_referenced_objects_first() -> None:
    recorder = Recorder()

    memberships = await MembershipFactory.create_batch_async(3, persistence=recorder)

    kinds = [(name, type(objs[0]).__name__, len(objs)) for name, objs in recorder.calls]
    assert kinds == [
        ("save_many", "Company", 3),
        ("save_many", "User", 3),
        ("save_many", "Membership", 3),
    ]
    assert recorder.calls[2][1] == memberships


async def test_a_batch_in_the_memory_store(store: MemoryPersistence[Any]) -> None:
    users = await UserFactory.create_batch_async(5, persistence=store)

    assert [u.id for u in users] == [1, 2, 3, 4, 5]
    assert store.all(User) == users
    assert store.count(Company) == 5


async def test_a_single_create_calls_save_per_object_referenced_first() -> None:
    recorder = Recorder()

    await MembershipFactory.create_async(persistence=recorder)

    assert [(name, type(objs[0])) for name, objs in recorder.calls] == [
        ("save", Company),
        ("save", User),
        ("save", Membership),
    ]


async def test_a_handler_without_save_many_saves_a_batch_one_by_one() -> None:
    saved: list[Company] = []

    class SaveOnly:
        async def save(self, obj: Company) -> Company:
            saved.append(obj)
            return obj

    companies = await CompanyFactory.create_batch_async(3, persistence=SaveOnly())

    assert saved == companies


async def test_a_sync_handler_runs_in_a_worker_thread() -> None:
    loop_thread = threading.get_ident()
    threads: list[int] = []

    class SyncStore:
        def save(self, obj: Company) -> Company:
            threads.append(threading.get_ident())
            obj.id = 7
            return obj

        def save_many(self, objs: Sequence[Company]) -> list[Company]:
            threads.append(threading.get_ident())
            return list(objs)

    handler = SyncStore()
    assert isinstance(handler, SyncPersistence)

    company = await CompanyFactory.create_async(persistence=handler)
    await CompanyFactory.create_batch_async(2, persistence=handler)

    assert company.id == 7
    assert len(threads) == 2
    assert loop_thread not in threads


async def test_a_sync_handler_does_not_block_the_event_loop() -> None:
    release = threading.Event()

    class Slow:
        def save(self, obj: Company) -> Company:
            release.wait(timeout=5)
            return obj

    async def unblock() -> None:  # runs only if the loop is free while save() waits
        release.set()

    company, _ = await asyncio.gather(CompanyFactory.create_async(persistence=Slow()), unblock())

    assert release.is_set()
    assert company.name.startswith("Company")


async def test_a_model_field_named_persistence_stays_a_field() -> None:
    class Setting:
        def __init__(self, persistence: str) -> None:
            self.persistence = persistence

    class SettingFactory(AsyncFactory[Setting]):
        class Meta:
            model = Setting

        persistence = "disk"

    setting = await SettingFactory.create_async(persistence="memory")

    assert setting.persistence == "memory"


# -- get_or_create through the factory ------------------------------------------------------


class CompanyByNameFactory(AsyncFactory[Company]):
    class Meta:
        model = Company
        persistence_get_or_create = ("name",)

    name = "Acme"


async def test_meta_get_or_create_returns_the_stored_object(
    store: MemoryPersistence[Any],
) -> None:
    first = await CompanyByNameFactory.create_async(persistence=store)
    second = await CompanyByNameFactory.create_async(persistence=store)

    assert second is first
    assert store.count(Company) == 1


async def test_meta_get_or_create_under_gathered_calls(store: MemoryPersistence[Any]) -> None:
    results = await asyncio.gather(
        *(CompanyByNameFactory.create_async(persistence=store) for _ in range(100))
    )

    assert store.count(Company) == 1
    assert all(result is results[0] for result in results)


async def test_meta_get_or_create_in_a_batch(store: MemoryPersistence[Any]) -> None:
    companies = await CompanyByNameFactory.create_batch_async(3, persistence=store)

    assert store.count(Company) == 1
    assert companies[0] is companies[1] is companies[2]


async def test_meta_get_or_create_needs_a_handler_that_can() -> None:
    with pytest.raises(FactoryConfigurationError, match=r"CompanyByNameFactory.*Recorder"):
        await CompanyByNameFactory.create_async(persistence=Recorder())


# -- a factory that needs a handler -----------------------------------------------------------


class SavedCompanyFactory(PersistenceFactory[Company]):
    class Meta:
        model = Company

    name = "Acme"


async def test_a_persistence_factory_without_a_handler_says_both_ways_to_give_one() -> None:
    with pytest.raises(MissingPersistenceError) as caught:
        await SavedCompanyFactory.create_async()

    message = str(caught.value)
    assert "SavedCompanyFactory" in message
    assert "create_async(persistence=" in message
    assert "Meta: persistence =" in message


async def test_the_missing_handler_error_is_a_session_and_a_configuration_error() -> None:
    with pytest.raises(MissingSessionError):
        await SavedCompanyFactory.create_batch_async(2)
    with pytest.raises(FactoryConfigurationError):
        await SavedCompanyFactory.create_async()


async def test_meta_persistence_required_is_the_same_switch() -> None:
    class RequiredFactory(AsyncFactory[Company]):
        class Meta:
            model = Company
            persistence_required = True

        name = "Acme"

    with pytest.raises(MissingPersistenceError, match="RequiredFactory"):
        await RequiredFactory.create_async()


async def test_a_persistence_factory_builds_without_a_handler() -> None:
    company = await SavedCompanyFactory.build_async()

    assert company.id is None


async def test_a_nested_factory_without_a_handler_is_named_with_its_caller() -> None:
    class OwnerFactory(AsyncFactory[User]):
        class Meta:
            model = User

        name = "Owner"
        email = "owner@x.org"
        company = factory.SubFactory(SavedCompanyFactory)

    with pytest.raises(MissingPersistenceError, match=r"SavedCompanyFactory \(reached from"):
        await OwnerFactory.create_async()


async def test_a_persistence_factory_with_a_handler_saves(store: MemoryPersistence[Any]) -> None:
    company = await SavedCompanyFactory.create_async(persistence=store)

    assert store.get(Company, 1) is company


# -- handlers of the wrong kind ---------------------------------------------------------------


async def test_a_per_call_handler_without_save_is_refused() -> None:
    with pytest.raises(SessionTypeError, match="CompanyFactory: persistence= must be"):
        await CompanyFactory.create_async(persistence=object())


async def test_a_meta_handler_without_save_is_refused_at_class_definition() -> None:
    with pytest.raises(FactoryConfigurationError, match=r"BrokenFactory: Meta\.persistence"):

        class BrokenFactory(AsyncFactory[Company]):
            class Meta:
                model = Company
                persistence = "memory"


async def test_save_many_must_return_one_object_per_object() -> None:
    class Lossy(Recorder):
        async def save_many(self, objs: Sequence[Any]) -> list[Any]:
            return list(objs)[:1]

    with pytest.raises(TypeError, match=r"Lossy.save_many returned 1 objects for 2"):
        await CompanyFactory.create_batch_async(2, persistence=Lossy())


async def test_the_handler_travels_to_nested_calls_made_from_async_hooks(
    store: MemoryPersistence[Any],
) -> None:
    class TeamFactory(AsyncFactory[Company]):
        class Meta:
            model = Company

        name = "Team"

        @factory.post_generation
        async def members(obj: Company, create: bool, extracted: Any, **kwargs: Any) -> None:
            if create:
                await MembershipFactory.create_async()

    await TeamFactory.create_async(persistence=store)

    assert store.count(Membership) == 1
