"""``class Meta`` options are checked when the factory is defined, not when it is used."""

from __future__ import annotations

from typing import Any

import factory
import pytest

from async_factory_boy.errors import FactoryConfigurationError
from async_factory_boy.factory.mongo import AsyncMongoFactory


def test_an_empty_collection_name_is_refused_when_the_factory_is_defined() -> None:
    with pytest.raises(FactoryConfigurationError, match="collection"):

        class NamelessFactory(AsyncMongoFactory[dict[str, Any]]):
            class Meta:
                collection = ""


def test_a_get_or_create_option_must_list_field_names() -> None:
    with pytest.raises(FactoryConfigurationError, match=r"\('email',\)"):

        class UserFactory(AsyncMongoFactory[dict[str, Any]]):
            class Meta:
                mongo_get_or_create = "email"

            email = factory.Faker("email")


def test_a_dict_factory_subclass_keeps_its_parents_collection() -> None:
    class PersonFactory(AsyncMongoFactory[dict[str, Any]]):
        name = "Ada"

    class AdminFactory(PersonFactory):
        admin = True

    assert AdminFactory._meta.collection == PersonFactory._meta.collection == "person"


def test_an_explicit_collection_is_inherited() -> None:
    class PersonFactory(AsyncMongoFactory[dict[str, Any]]):
        class Meta:
            collection = "people"

    class AdminFactory(PersonFactory):
        pass

    assert AdminFactory._meta.collection == "people"


def test_the_model_defaults_to_dict() -> None:
    class ThingFactory(AsyncMongoFactory[dict[str, Any]]):
        size = 3

    assert not ThingFactory._meta.abstract
