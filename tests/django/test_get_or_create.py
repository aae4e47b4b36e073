"""``Meta.django_get_or_create``: aget_or_create with factory_boy's rules."""

from __future__ import annotations

import factory
import pytest
from django.db import IntegrityError
from factory.errors import FactoryError

from async_factory_boy.factory.django import AsyncDjangoModelFactory
from tests.django.factories import CompanyByNameFactory, CompanyFactory
from tests.django.testapp.models import Company

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("async_db")]


class CompanyBySlugAndNameFactory(CompanyFactory):
    class Meta:
        django_get_or_create = ("slug", "name")


class CompanyBySlugFactory(CompanyFactory):
    class Meta:
        django_get_or_create = ("slug",)


async def test_other_fields_are_defaults_used_only_when_creating() -> None:
    await CompanyByNameFactory.create_async(name="Acme", city="Lyon")

    again = await CompanyByNameFactory.create_async(name="Acme", city="Nantes")

    assert again.city == "Lyon"


async def test_lookup_field_without_a_value_is_an_error() -> None:
    class ByNicknameFactory(AsyncDjangoModelFactory[Company]):
        class Meta:
            model = Company
            django_get_or_create = ("nickname",)

        name = factory.Sequence(lambda n: f"Company {n}")

    with pytest.raises(FactoryError, match="'nickname' in factory ByNicknameFactory"):
        await ByNicknameFactory.create_async()


async def test_integrity_error_falls_back_to_the_lookup_values_passed() -> None:
    existing = await CompanyBySlugAndNameFactory.create_async(name="Acme")

    # slug is a fresh sequence value, so the lookup (slug, name) misses and the insert hits
    # the unique name: the row is read again by the lookup values the caller passed.
    found = await CompanyBySlugAndNameFactory.create_async(name="Acme")

    assert found.pk == existing.pk


async def test_integrity_error_is_raised_when_the_fallback_finds_nothing() -> None:
    await CompanyBySlugAndNameFactory.create_async(name="Acme")

    with pytest.raises(IntegrityError):
        await CompanyBySlugAndNameFactory.create_async(name="Acme", slug="fresh")


async def test_integrity_error_is_raised_without_lookup_values_passed() -> None:
    await CompanyBySlugFactory.create_async(name="Acme")

    with pytest.raises(IntegrityError):
        await CompanyBySlugFactory.create_async(name="Acme")


async def test_batch_gets_or_creates_each_object() -> None:
    companies = await CompanyByNameFactory.create_batch_async(3, name="Acme")

    assert len({company.pk for company in companies}) == 1
    assert await Company.objects.acount() == 1
