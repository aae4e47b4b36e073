"""Awaitable declaration values and ``async def`` hooks are awaited inside the factory call."""

from __future__ import annotations

import asyncio
from typing import Any

import factory
import pytest

from .models import CompanyFactory, Membership, Store, StoreFactory, User

# Each behaviour runs along the fast resolution path and with factory_boy's resolver.
pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("resolution")]


async def fetch_name() -> str:
    await asyncio.sleep(0)
    return "fetched"


async def test_async_def_in_lazy_function_is_awaited(store: Store) -> None:
    class F(CompanyFactory):
        name = factory.LazyFunction(fetch_name)

    assert (await F.create_async(store=store)).name == "fetched"


async def test_async_def_in_lazy_attribute_is_awaited_and_readable_by_others(
    store: Store,
) -> None:
    async def shout(obj: Any) -> str:
        await asyncio.sleep(0)
        return obj.country.upper() + "!"

    class F(CompanyFactory):
        name = factory.LazyAttribute(shout)
        country = "fr"

    class G(StoreFactory):
        class Meta:
            model = User

        company = factory.SubFactory(F)
        name = factory.SelfAttribute("company.name")

    user = await G.create_async(store=store)
    assert user.name == "FR!"


async def test_a_coroutine_passed_as_override_is_awaited(store: Store) -> None:
    company = await CompanyFactory.create_async(store=store, name=fetch_name())
    assert company.name == "fetched"


async def test_a_task_value_is_awaited(store: Store) -> None:
    task = asyncio.ensure_future(fetch_name())
    company = await CompanyFactory.create_async(store=store, name=task)
    assert company.name == "fetched"


async def test_an_awaitable_value_is_awaited_once_even_when_read_twice(store: Store) -> None:
    calls = 0

    async def counted() -> str:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0)
        return "once"

    class F(CompanyFactory):
        name = factory.LazyFunction(counted)
        country = factory.LazyAttribute(lambda o: o.name + o.name)

    company = await F.create_async(store=store)
    assert (company.name, company.country, calls) == ("once", "onceonce", 1)


async def test_async_post_generation_hook_receives_the_created_instance(store: Store) -> None:
    received: list[Any] = []

    class F(StoreFactory):
        class Meta:
            model = User

        name = "ada"

        @factory.post_generation
        async def tags(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
            await asyncio.sleep(0)
            received.append(obj)
            obj.tags.append(f"id={obj.id}")

    user = await F.create_async(store=store)
    assert received == [user]
    assert isinstance(user, User)
    assert user.tags == [f"id={user.id}"]


async def test_async_hook_may_itself_create_other_objects(store: Store) -> None:
    class MembershipFactory(StoreFactory):
        class Meta:
            model = Membership

        role = "member"

    class F(StoreFactory):
        class Meta:
            model = User

        name = "ada"

        @factory.post_generation
        async def memberships(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
            # no store= passed: the nested call inherits the outer call's connection
            await MembershipFactory.create_batch_async(2, user=obj)

    user = await F.create_async(store=store)
    memberships = store.of(Membership)
    assert len(memberships) == 2
    assert all(m.user is user and m.id is not None for m in memberships)


async def test_async_post_generation_method_call_is_awaited(store: Store) -> None:
    class Account:
        def __init__(self, name: str) -> None:
            self.name = name
            self.activated = False
            self.id: int | None = None

        async def activate(self, when: str) -> None:
            await asyncio.sleep(0)
            self.activated = when == "now"

    class F(StoreFactory):
        class Meta:
            model = Account

        name = "acc"
        activate = factory.PostGenerationMethodCall("activate", "now")

    assert (await F.create_async(store=store)).activated is True


async def test_build_async_awaits_values_too() -> None:
    class F(CompanyFactory):
        name = factory.LazyFunction(fetch_name)

    assert (await F.build_async()).name == "fetched"
