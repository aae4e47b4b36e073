"""A small pytest-django project, written into a pytester directory by ``test_plugin``.

A lending library as the issue's newcomer wrote it: string ``Meta.model``s, ``register()``
in the conftest, sync and async (pytest-asyncio and anyio) tests on model fixtures, an async
view called through ``async_client``, and a module that keeps pytest-django's plain ``db``
(which the plugin refuses). Every test starts by checking that no earlier test left a row.
"""

from __future__ import annotations

SETTINGS = """
import os
import secrets

DATABASE = os.environ.get("AFB_DJANGO_DB", "sqlite")
RUN_ID = f"afb_lib_{os.getpid()}_{secrets.token_hex(3)}"
if DATABASE == "sqlite":
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "postgres",
            "USER": os.environ.get("POSTGRES_USER", "postgres"),
            "HOST": os.environ.get("POSTGRES_HOST", "127.0.0.1"),
            "PORT": os.environ.get("POSTGRES_PORT", "5432"),
            "TEST": {"NAME": f"test_{RUN_ID}"},
        }
    }
SECRET_KEY = "tests-only"
INSTALLED_APPS = ["library"]
ROOT_URLCONF = "library.urls"
MIDDLEWARE = []
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
"""

MODELS = """
from django.db import models


class Publisher(models.Model):
    name = models.CharField(max_length=100, unique=True)


class Tag(models.Model):
    name = models.CharField(max_length=50)


class Book(models.Model):
    title = models.CharField(max_length=100)
    publisher = models.ForeignKey(Publisher, on_delete=models.CASCADE)
    tags = models.ManyToManyField(Tag, blank=True)


class Review(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE)
    text = models.CharField(max_length=200)
    stars = models.IntegerField()
"""

URLS = """
from django.http import JsonResponse
from django.urls import path

from library.models import Publisher


async def publishers(request):
    if request.method == "POST":
        await Publisher.objects.acreate(name="written by the view")
    names = [publisher.name async for publisher in Publisher.objects.order_by("name")]
    return JsonResponse({"names": names})


urlpatterns = [path("publishers/", publishers)]
"""

FACTORIES = """
import factory

from async_factory_boy.factory.django import AsyncDjangoModelFactory


class PublisherFactory(AsyncDjangoModelFactory):
    class Meta:
        model = "library.Publisher"

    name = factory.Sequence(lambda n: f"Publisher {n}")


class BookFactory(AsyncDjangoModelFactory):
    class Meta:
        model = "library.Book"

    title = factory.Sequence(lambda n: f"Book {n}")
    publisher = factory.SubFactory(PublisherFactory)


class ReviewFactory(AsyncDjangoModelFactory):
    class Meta:
        model = "library.Review"
        auto_fields = True
"""

CONFTEST = """
import pytest

from async_factory_boy.pytest import register
from factories import BookFactory, PublisherFactory, ReviewFactory

register(BookFactory)
register(PublisherFactory)
register(ReviewFactory)


@pytest.fixture
def anyio_backend():
    return "asyncio"
"""

TESTS = """
import pytest
from django.db import IntegrityError

from factories import PublisherFactory
from library.models import Book, Publisher, Review


def nothing_left():
    assert not Publisher.objects.exists(), list(Publisher.objects.values_list("name"))


async def nothing_left_async():
    assert not await Publisher.objects.aexists()


def test_sync_test_gets_linked_fixtures(book, publisher):
    assert book.publisher == publisher
    assert Publisher.objects.count() == 1


@pytest.mark.parametrize("publisher__name", ["Acme"])
def test_parametrize_through_a_string_model(book):
    assert book.publisher.name == "Acme"
    assert Book.objects.get().publisher.name == "Acme"


@pytest.mark.asyncio
async def test_auto_fields_on_a_string_model(review):
    assert review.pk and review.text and isinstance(review.stars, int)
    assert await Review.objects.filter(book__publisher=review.book.publisher).acount() == 1


@pytest.mark.asyncio
@pytest.mark.usefixtures("async_db")
async def test_asyncio_writes_roll_back():
    await nothing_left_async()
    await PublisherFactory.create_batch_async(3)
    await Publisher.objects.acreate(name="application write")
    assert await Publisher.objects.acount() == 4


@pytest.mark.anyio
@pytest.mark.usefixtures("async_db")
async def test_anyio_writes_roll_back():
    await nothing_left_async()
    await PublisherFactory.create_async(name="anyio")
    assert await Publisher.objects.acount() == 1


@pytest.mark.asyncio
async def test_async_view_joins_the_transaction(publisher, async_client):
    response = await async_client.post("/publishers/")
    assert response.json() == {"names": [publisher.name, "written by the view"]}


@pytest.mark.asyncio
@pytest.mark.usefixtures("async_db")
async def test_failing_batch_leaves_no_row():
    await nothing_left_async()
    with pytest.raises(IntegrityError):
        await PublisherFactory.create_batch_async(3, name="same")
    assert await Publisher.objects.acount() == 0


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_transactional_test_may_use_model_fixtures(publisher):
    assert await Publisher.objects.acount() == 1


def test_sync_test_sees_nothing_left(db):
    nothing_left()
"""

PLAIN_DB = """
import pytest


@pytest.fixture
def django_database(db):
    return "default"


@pytest.mark.asyncio
async def test_refused_on_plain_db(publisher):
    pass
"""

FILES = {
    "settings.py": SETTINGS,
    "library/__init__.py": "",
    "library/models.py": MODELS,
    "library/urls.py": URLS,
    "factories.py": FACTORIES,
    "conftest.py": CONFTEST,
    "test_library.py": TESTS,
    "test_plain_db.py": PLAIN_DB,
}
