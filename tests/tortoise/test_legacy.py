"""async-factory-boy 1.0.1's ``AsyncTortoiseFactory``: its API works, without its bugs."""

from __future__ import annotations

import warnings

import factory
import pytest

from async_factory_boy.factory.tortoise import AsyncTortoiseFactory

from .conftest import TortoiseDatabase
from .models import Company, User

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)

    class LegacyCompanyFactory(AsyncTortoiseFactory):  # type: ignore[type-arg]
        class Meta:
            model = Company

        name = factory.Sequence(lambda n: f"legacy {n}")

    class LegacyUserFactory(AsyncTortoiseFactory):  # type: ignore[type-arg]
        class Meta:
            model = User

        name = factory.Sequence(lambda n: f"legacy user {n}")
        email = factory.LazyAttribute(lambda o: f"{o.name.replace(' ', '')}@example.com")
        company = factory.SubFactory(LegacyCompanyFactory)
        company_name = factory.SelfAttribute("company.name")  # a Task in 1.0.1

        class Params:
            company_name = None


def test_defining_a_factory_warns_with_the_new_call() -> None:
    with pytest.warns(DeprecationWarning, match=r"create_async\(\)") as record:

        class MyFactory(AsyncTortoiseFactory):  # type: ignore[type-arg]
            class Meta:
                model = Company

    assert "AsyncTortoiseModelFactory" in str(record[0].message)
    assert record[0].filename == __file__


@pytest.mark.asyncio
async def test_create_and_call(tortoise_db: TortoiseDatabase) -> None:
    company = await LegacyCompanyFactory.create()
    called = await LegacyCompanyFactory(name="called")
    assert company.id is not None
    assert called.name == "called"
    assert await Company.all().count() == 2


@pytest.mark.asyncio
async def test_create_batch(tortoise_db: TortoiseDatabase) -> None:
    users = await LegacyUserFactory.create_batch(3)
    assert len({user.id for user in users}) == 3
    assert await User.all().count() == 3


@pytest.mark.asyncio
async def test_build_saves_nothing(tortoise_db: TortoiseDatabase) -> None:
    """1.0.1's build() saved the SubFactory objects."""
    user = await LegacyUserFactory.build()
    assert user.id is None
    assert user.company.id is None
    assert await Company.all().count() == 0
    built = await LegacyCompanyFactory.build_batch(2)  # 1.0.1: a list of coroutines
    assert [type(c) for c in built] == [Company, Company]


@pytest.mark.asyncio
async def test_post_generation_receives_the_instance(tortoise_db: TortoiseDatabase) -> None:
    seen = []

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)

        class HookFactory(LegacyCompanyFactory):
            @factory.post_generation
            async def hook(obj: Company, create: bool, extracted: object, **kw: object) -> None:
                seen.append(obj)

    company = await HookFactory.create()
    assert seen == [company]
