"""``Meta.auto_fields`` on Django models: every required field derived from the model, 1,000
objects without a constraint violation, and the project's own factory used for a foreign key."""

from __future__ import annotations

import pytest

from async_factory_boy.errors import FactoryConfigurationError
from async_factory_boy.factory.django import AsyncDjangoModelFactory
from tests.django.testapp.models import City, Country, Profile

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("async_db")]


class CountryFactory(AsyncDjangoModelFactory[Country]):
    class Meta:
        model = Country
        auto_fields = True


class CityFactory(AsyncDjangoModelFactory[City]):
    class Meta:
        model = City
        auto_fields = True


class ProfileFactory(AsyncDjangoModelFactory[Profile]):
    class Meta:
        model = Profile
        auto_fields = True


async def test_a_thousand_profiles_violate_no_constraint() -> None:
    profiles = await ProfileFactory.create_batch_async(1000)

    assert await Profile.objects.acount() == 1000
    assert len({p.email for p in profiles}) == 1000
    assert all(p.kind in {"a", "b"} and p.home_id is not None for p in profiles)


async def test_optional_and_automatic_fields_are_left_to_django() -> None:
    profile = await ProfileFactory.create_async()

    assert profile.nickname is None
    assert profile.rank == 3
    assert profile.created is not None  # auto_now_add, filled by Django


async def test_a_foreign_key_uses_the_related_models_factory() -> None:
    assert ProfileFactory.auto_declarations()["home"] == "SubFactory(<factory of City>)"
    city = await CityFactory.create_async()

    assert city.country_id is not None
    assert await Country.objects.filter(pk=city.country_id).aexists()


async def test_auto_fields_need_the_model_class() -> None:
    with pytest.raises(FactoryConfigurationError, match="auto_fields needs the model class"):

        class StringModelFactory(AsyncDjangoModelFactory[Country]):
            class Meta:
                model = "testapp.Country"
                auto_fields = True
