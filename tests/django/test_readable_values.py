"""``auto_fields`` values on Django models read like their fields: the field's class
(``EmailField``, ``URLField``, ``SlugField``, ``GenericIPAddressField``) or its name says
what it holds, and datetimes are aware under ``USE_TZ = True``. Built, not saved."""

from __future__ import annotations

import ipaddress

import pytest

from async_factory_boy.factory.django import AsyncDjangoModelFactory
from tests.django.testapp.models import Profile

pytestmark = pytest.mark.asyncio


class ReadableProfileFactory(AsyncDjangoModelFactory[Profile]):
    class Meta:
        model = Profile
        auto_fields = True


async def test_values_read_like_their_fields() -> None:
    profile = await ReadableProfileFactory.build_async()

    assert "@" in profile.email
    assert profile.website.startswith("http")
    assert " " not in profile.handle
    ipaddress.ip_address(profile.address)
    assert " " in profile.about  # a sentence, by the name "about"
    assert profile.seen.tzinfo is not None  # USE_TZ = True
    assert profile.home.name  # the required one-to-one's city
