"""Errors name the factory called (and the one reached) and say what to do."""

from __future__ import annotations

import factory
import pytest

from async_factory_boy.errors import (
    FactoryConfigurationError,
    MissingSessionError,
    SessionTypeError,
    SyncCallError,
)
from async_factory_boy.factory.tortoise import (
    AsyncTortoiseModelFactory,
    TortoiseNotInitialisedError,
)

from .conftest import TortoiseDatabase
from .factories import CompanyFactory, UserFactory
from .models import Company


@pytest.mark.asyncio
async def test_missing_connection_without_init_names_the_factory() -> None:
    with pytest.raises(TortoiseNotInitialisedError) as info:
        await UserFactory.create_async()
    message = str(info.value)
    assert "UserFactory.create_async()" in message
    assert "tortoise_connection=" in message
    assert "Tortoise.init" in message
    assert isinstance(info.value, MissingSessionError)


@pytest.mark.asyncio
async def test_wrong_connection_type_names_the_factory(tortoise_db: TortoiseDatabase) -> None:
    with pytest.raises(SessionTypeError, match=r"UserFactory\.create_batch_async\(\)"):
        await UserFactory.create_batch_async(2, tortoise_connection=object())
    with pytest.raises(SessionTypeError, match=r"connections\.get\(name\)"):
        await UserFactory.create_async(tortoise_connection="default")


@pytest.mark.asyncio
async def test_persistence_argument_is_refused(tortoise_db: TortoiseDatabase) -> None:
    from async_factory_boy.persistence import MemoryPersistence

    with pytest.raises(SessionTypeError, match="tortoise_connection="):
        await UserFactory.create_async(persistence=MemoryPersistence())


def test_sync_create_points_to_create_async() -> None:
    with pytest.raises(SyncCallError, match=r"await UserFactory\.create_async"):
        UserFactory.create()
    with pytest.raises(SyncCallError, match=r"create_batch_async"):
        UserFactory.create_batch(2)


def test_sync_create_of_a_plain_factory_reaching_it() -> None:
    class PlainFactory(factory.Factory):
        class Meta:
            model = dict

        company = factory.SubFactory(CompanyFactory)

    with pytest.raises(SyncCallError, match="CompanyFactory"):
        PlainFactory.create()


def test_get_or_create_option_must_be_field_names() -> None:
    with pytest.raises(FactoryConfigurationError, match="tortoise_get_or_create"):

        class BadFactory(AsyncTortoiseModelFactory[Company]):
            class Meta:
                model = Company
                tortoise_get_or_create = "name"


@pytest.mark.asyncio
async def test_get_or_create_field_without_value(tortoise_db: TortoiseDatabase) -> None:
    class NoValueFactory(AsyncTortoiseModelFactory[Company]):
        class Meta:
            model = Company
            tortoise_get_or_create = ("name",)

    with pytest.raises(factory.errors.FactoryError, match="NoValueFactory"):
        await NoValueFactory.create_async()


class PlainCompanyFactory(factory.Factory):  # type: ignore[misc]  # untyped base
    """factory_boy's plain Factory over a Tortoise model: its create() saves nothing."""

    class Meta:
        model = Company

    name = "plain"


@pytest.mark.asyncio
async def test_a_plain_factory_over_a_tortoise_model_reached_from_create_async_is_named(
    tortoise_db: TortoiseDatabase,
) -> None:
    class MemberFactory(UserFactory):
        company = factory.SubFactory(PlainCompanyFactory)

    with pytest.raises(FactoryConfigurationError) as raised:
        await MemberFactory.create_async(tortoise_connection=tortoise_db.connection)

    message = str(raised.value)
    assert message.startswith(
        "MemberFactory reaches PlainCompanyFactory (a SubFactory or RelatedFactory), a sync "
        "factory_boy Factory (its create() does not save Company, a Tortoise model)"
    )
    assert "async_factory_boy.factory.tortoise.AsyncTortoiseModelFactory" in message
    assert await Company.all().using_db(tortoise_db.connection).count() == 0
    assert (await MemberFactory.build_async()).company.name == "plain"  # building is fine
