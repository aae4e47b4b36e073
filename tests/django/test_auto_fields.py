"""``Meta.auto_fields`` on Django models: every required field derived from the model, 1,000
objects without a constraint violation, and the project's own factory used for a foreign key."""

from __future__ import annotations

import pytest

from async_factory_boy.factory.django import AsyncDjangoModelFactory, DjangoModelNotFoundError
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


async def test_a_string_model_is_derived_once_resolved() -> None:
    class StringModelFactory(AsyncDjangoModelFactory[Country]):
        class Meta:
            model = "testapp.Country"
            auto_fields = True

    country = await StringModelFactory.create_async()

    assert country.code
    assert await Country.objects.filter(code=country.code).aexists()


async def test_a_string_model_waits_for_the_app_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.apps import apps

    with monkeypatch.context() as patched:
        patched.setattr(apps, "ready", False)

        class EarlyCityFactory(AsyncDjangoModelFactory[City]):
            class Meta:
                model = "testapp.City"
                auto_fields = True

        assert EarlyCityFactory._meta.auto_declarations == {}  # not derived yet

    assert set(EarlyCityFactory.auto_declarations()) == {"name", "country"}
    city = await EarlyCityFactory.create_async()
    assert city.name
    assert city.country_id is not None


async def test_a_string_model_that_never_resolves_is_named_at_the_first_call() -> None:
    class NowhereFactory(AsyncDjangoModelFactory[Country]):
        class Meta:
            model = "testapp.Nowhere"
            auto_fields = True

    with pytest.raises(DjangoModelNotFoundError, match=r"NowhereFactory\.Meta\.model"):
        await NowhereFactory.create_async()
