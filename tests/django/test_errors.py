"""Clear errors: a model string that resolves to nothing, a bad database alias, sync calls,
and Django not configured at all (or configured, its apps not loaded)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import factory
import pytest
from django.db import models

from async_factory_boy._keywords import check_keywords, keywords_of
from async_factory_boy.errors import (
    FactoryConfigurationError,
    SessionTypeError,
    SyncCallError,
    UnknownKeywordError,
)
from async_factory_boy.factory.django import (
    AsyncDjangoModelFactory,
    DjangoDatabaseNotFoundError,
    DjangoModelNotFoundError,
)
from tests.django.factories import CompanyFactory, UserFactory
from tests.django.testapp.models import Company


@pytest.mark.asyncio
async def test_model_string_naming_no_installed_model_is_a_lookup_error() -> None:
    class GhostFactory(AsyncDjangoModelFactory[object]):
        class Meta:
            model = "testapp.Ghost"

    with pytest.raises(DjangoModelNotFoundError, match=r"GhostFactory\.Meta\.model") as info:
        await GhostFactory.create_async()

    assert isinstance(info.value, LookupError)
    assert "INSTALLED_APPS" in str(info.value)


@pytest.mark.asyncio
async def test_model_string_without_app_label_is_rejected() -> None:
    class NoLabelFactory(AsyncDjangoModelFactory[object]):
        class Meta:
            model = "Company"

    with pytest.raises(DjangoModelNotFoundError, match=r"'app_label\.ModelName'"):
        await NoLabelFactory.build_async()


class NotAModel:
    def __init__(self, **kwargs: object) -> None:
        self.__dict__.update(kwargs)


def test_a_model_class_that_is_not_a_django_model_is_refused_at_definition() -> None:
    with pytest.raises(FactoryConfigurationError) as info:

        class PlainFactory(AsyncDjangoModelFactory[NotAModel]):
            class Meta:
                model = NotAModel

    assert str(info.value).startswith(
        "PlainFactory: Meta.model NotAModel is not a Django model (a subclass of "
        "django.db.models.Model)"
    )
    assert "'app_label.ModelName' string" in str(info.value)


def test_an_abstract_django_factory_may_name_no_model_class() -> None:
    class BaseFactory(AsyncDjangoModelFactory[NotAModel]):
        class Meta:
            model = NotAModel
            abstract = True

    assert BaseFactory._meta.abstract


def test_calling_the_factory_points_to_create_async() -> None:
    with pytest.raises(SyncCallError, match=r"UserFactory\.create_async"):
        UserFactory()


@pytest.mark.asyncio
async def test_unknown_database_alias_on_a_call_is_named() -> None:
    with pytest.raises(DjangoDatabaseNotFoundError, match="django_database='replica'"):
        await UserFactory.create_async(django_database="replica")


@pytest.mark.asyncio
async def test_unknown_database_alias_in_meta_is_named() -> None:
    class ReplicaCompanyFactory(AsyncDjangoModelFactory[Company]):
        class Meta:
            model = Company
            database = "replica"

    with pytest.raises(DjangoDatabaseNotFoundError, match=r"ReplicaCompanyFactory: Meta\.database"):
        await ReplicaCompanyFactory.create_async()


@pytest.mark.asyncio
async def test_database_alias_must_be_a_string() -> None:
    with pytest.raises(SessionTypeError, match="must be a database alias"):
        await CompanyFactory.create_async(django_database=object())


UNCONFIGURED = textwrap.dedent(
    """
    import asyncio

    from async_factory_boy.factory.django import AsyncDjangoModelFactory


    class ArticleFactory(AsyncDjangoModelFactory):
        class Meta:
            model = "blog.Article"


    try:
        asyncio.run(ArticleFactory.create_async())
    except Exception as exc:
        print(type(exc).__name__, exc)
    """
)


def test_django_not_configured_says_how_to_configure_it() -> None:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", UNCONFIGURED], capture_output=True, text=True, env=env, check=True
    )

    assert result.stdout.startswith("DjangoNotConfiguredError ArticleFactory is a Django factory")
    assert "DJANGO_SETTINGS_MODULE" in result.stdout


APPS_NOT_LOADED = textwrap.dedent(
    """
    from django.conf import settings

    settings.configure(INSTALLED_APPS=["tests.django.testapp"])  # no django.setup()

    from async_factory_boy.factory.django import AsyncDjangoModelFactory


    class CompanyFactory(AsyncDjangoModelFactory):
        class Meta:
            model = "testapp.Company"


    try:
        CompanyFactory.build()
    except Exception as exc:
        print(type(exc).__name__, exc)
    """
)


def test_a_string_model_before_the_app_registry_is_ready_says_to_set_django_up() -> None:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", APPS_NOT_LOADED], capture_output=True, text=True, env=env, check=True
    )

    assert result.stdout.startswith(
        "DjangoNotConfiguredError CompanyFactory is a Django factory but Django's apps are not "
        "loaded yet: call django.setup()"
    )


@pytest.mark.asyncio
async def test_a_subfactory_to_a_sync_django_model_factory_names_both_and_the_fix() -> None:
    import factory.django

    class SyncCompanyFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]  # untyped base
        class Meta:
            model = Company

        name = "sync"
        slug = "sync"

    class MemberFactory(UserFactory):
        company = factory.SubFactory(SyncCompanyFactory)

    with pytest.raises(FactoryConfigurationError) as raised:
        await MemberFactory.create_async()

    message = str(raised.value)
    assert message.startswith("MemberFactory reaches SyncCompanyFactory")
    assert "sync factory_boy DjangoModelFactory" in message
    assert "async_factory_boy.factory.django.AsyncDjangoModelFactory" in message


class PlainCompanyFactory(factory.Factory):  # type: ignore[misc]  # untyped base
    """factory_boy's plain Factory over a Django model: its create() saves nothing."""

    class Meta:
        model = Company

    name = "plain"
    slug = "plain"


@pytest.mark.asyncio
async def test_a_plain_factory_over_a_django_model_reached_from_create_async_is_named() -> None:
    class MemberFactory(UserFactory):
        company = factory.SubFactory(PlainCompanyFactory)

    with pytest.raises(FactoryConfigurationError) as raised:
        await MemberFactory.create_async()

    message = str(raised.value)
    assert message.startswith(
        "MemberFactory reaches PlainCompanyFactory (a SubFactory or RelatedFactory), a sync "
        "factory_boy Factory (its create() does not save Company, a Django model)"
    )
    assert "async_factory_boy.factory.django.AsyncDjangoModelFactory" in message
    assert (await MemberFactory.build_async()).company.name == "plain"  # building is fine


class _ArgManager(models.Manager):  # type: ignore[type-arg]  # django-stubs is not used
    def create(self, arg: object = None, **kwargs: object) -> object:  # takes out ``arg``
        return super().create(**kwargs)


class WithOwnKeywords(models.Model):
    """A model whose own ``__init__`` and manager's ``create`` take keywords that are no field
    (factory_boy's suite has both: ``WithSignals``, ``WithCustomManager``)."""

    name = models.CharField(max_length=20)

    objects = _ArgManager()

    class Meta:
        app_label = "testapp"
        managed = False

    def __init__(self, *args: object, receiver: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.receiver = receiver


class WithOwnKeywordsFactory(AsyncDjangoModelFactory[WithOwnKeywords]):
    class Meta:
        model = WithOwnKeywords

    name = "x"


def test_keywords_a_models_init_or_manager_takes_are_not_unknown() -> None:
    known = keywords_of(WithOwnKeywordsFactory, ())

    assert {"arg", "receiver", "name"} <= known.names
    check_keywords(WithOwnKeywordsFactory, known, {"arg": 1, "receiver": 2})
    with pytest.raises(UnknownKeywordError, match="did you mean 'receiver'"):
        check_keywords(WithOwnKeywordsFactory, known, {"reciever": 2})
