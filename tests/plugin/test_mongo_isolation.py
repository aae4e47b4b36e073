"""The plugin's Mongo isolation fixtures, in one ``pytest -n 2`` run of a small project.

The project has a Beanie suite (``beanie_test_database``, ``mongo_session`` yielding
``None`` so the factory fixture passes no session), an ODMantic one
(``odmantic_test_engine`` through the ini mapping, its models' indexes created) and a
PyMongo + Motor one (``mongo_test_database``). Each test counts its documents: a test that
saw another's would fail. Every test database name carries its xdist worker, and none is
left once the run ends.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pymongo import MongoClient

from tests.plugin._project import run

MODELS = """
import factory
from beanie import Document, Indexed
from odmantic import Field, Model

from async_factory_boy.factory.beanie import AsyncBeanieFactory
from async_factory_boy.factory.mongo import AsyncMongoFactory
from async_factory_boy.factory.odmantic import AsyncODManticFactory


class User(Document):
    email: Indexed(str, unique=True)

    class Settings:
        name = "users"


class Tag(Document):
    label: str

    class Settings:
        name = "tags"


class UserFactory(AsyncBeanieFactory[User]):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")


class TagFactory(AsyncBeanieFactory[Tag]):
    class Meta:
        model = Tag
        beanie_get_or_create = ("label",)

    label = "dessert"


class Author(Model):
    email: str = Field(unique=True)


class AuthorFactory(AsyncODManticFactory[Author]):
    class Meta:
        model = Author

    email = factory.Sequence(lambda n: f"author{n}@example.org")


class NoteFactory(AsyncMongoFactory[dict]):
    class Meta:
        collection = "notes"

    text = factory.Sequence(lambda n: f"note {n}")
"""

CONFTEST = """
import os
from pathlib import Path


def record(name):
    worker = os.environ["PYTEST_XDIST_WORKER"]
    assert name.startswith(f"test_{worker}_"), name
    (Path(os.environ["AFB_TEST_NAMES"]) / name).touch()
"""

BEANIE_TESTS = """
import asyncio
import os

import pytest
import pytest_asyncio
from pymongo import AsyncMongoClient

from async_factory_boy.errors import MissingUniqueIndexWarning
from async_factory_boy.pytest import register
from conftest import record
from models import Tag, TagFactory, User, UserFactory

register(UserFactory)
register(TagFactory)


@pytest_asyncio.fixture
async def mongo_client():
    client = AsyncMongoClient(os.environ["AFB_TEST_MONGO_URI"])
    yield client
    await client.close()


@pytest.fixture
def beanie_document_models():
    return [User, Tag]


@pytest.fixture
def mongo_session(beanie_test_database):
    return None  # Beanie factories write where init_beanie bound them: the test's database


@pytest.mark.asyncio
@pytest.mark.parametrize("n", range(10))
async def test_each_test_has_its_own_database(n, user_factory, beanie_test_database):
    record(beanie_test_database.name)
    await user_factory.create_batch_async(n)
    user = await user_factory()  # the factory fixture, with a None session

    assert await User.count() == n + 1
    assert (await User.get(user.id)).email == user.email
    assert User.get_pymongo_collection().database.name == beanie_test_database.name


@pytest.mark.asyncio
async def test_a_model_fixture_is_created_in_the_test_database(user, beanie_test_database):
    record(beanie_test_database.name)
    assert [each.id for each in await User.find_all().to_list()] == [user.id]


def test_a_sync_test_gets_its_model_fixture(user, beanie_test_database):
    record(beanie_test_database.name)
    assert user.id is not None


@pytest.mark.asyncio
async def test_gathered_get_or_create_stores_one_document(tag_factory, beanie_test_database):
    record(beanie_test_database.name)
    with pytest.warns(MissingUniqueIndexWarning, match="another process"):
        tags = await asyncio.gather(*(tag_factory() for _ in range(20)))

    assert len({tag.id for tag in tags}) == 1
    assert await Tag.count() == 1
"""

ODMANTIC_TESTS = """
import os

import pytest
import pytest_asyncio
from motor.motor_asyncio import AsyncIOMotorClient

from async_factory_boy.pytest import register
from conftest import record
from models import Author, AuthorFactory

register(AuthorFactory)


@pytest_asyncio.fixture
async def mongo_client():
    client = AsyncIOMotorClient(os.environ["AFB_TEST_MONGO_URI"])
    yield client
    client.close()


@pytest.fixture
def odmantic_models():
    return [Author]


@pytest.mark.asyncio
@pytest.mark.parametrize("n", range(4))
async def test_each_test_has_its_own_engine(n, author_factory, odmantic_test_engine):
    record(odmantic_test_engine.database.name)
    await author_factory.create_batch_async(n + 1)

    assert await odmantic_test_engine.count(Author) == n + 1
    indexes = await odmantic_test_engine.get_collection(Author).index_information()
    assert any(index.get("unique") for index in indexes.values())
"""

PYMONGO_TESTS = """
import os

import pytest
import pytest_asyncio
from motor.motor_asyncio import AsyncIOMotorClient
from pymongo import AsyncMongoClient

from async_factory_boy.pytest import register
from conftest import record
from models import NoteFactory

register(NoteFactory, "note")


@pytest_asyncio.fixture(params=["pymongo", "motor"])
async def mongo_client(request):
    uri = os.environ["AFB_TEST_MONGO_URI"]
    if request.param == "pymongo":
        client = AsyncMongoClient(uri)
        yield client
        await client.close()
    else:
        client = AsyncIOMotorClient(uri)
        yield client
        client.close()


@pytest.mark.asyncio
@pytest.mark.parametrize("n", range(3))
async def test_each_test_has_its_own_database(n, note, note_factory, mongo_test_database):
    record(mongo_test_database.name)
    await note_factory.create_batch_async(n)

    assert await mongo_test_database.notes.count_documents({}) == n + 1
"""

MISSING_TESTS = """
import pytest


@pytest.mark.asyncio
async def test_without_a_client(mongo_test_database):
    pass
"""

INI = """
[pytest]
asyncio_mode = strict
asyncio_default_fixture_loop_scope = function
async_factory_boy_session_fixtures =
    mongo_database = mongo_test_database
    odmantic_engine = odmantic_test_engine
"""


@pytest.mark.mongo
def test_isolation_fixtures_under_xdist(
    pytester: pytest.Pytester,
    mongo_uri: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    names = tmp_path / "names"
    names.mkdir()
    monkeypatch.setenv("AFB_TEST_MONGO_URI", mongo_uri)
    monkeypatch.setenv("AFB_TEST_NAMES", str(names))
    pytester.makeini(INI)
    pytester.makepyfile(
        models=MODELS,
        conftest=CONFTEST,
        test_beanie=BEANIE_TESTS,
        test_odmantic=ODMANTIC_TESTS,
        test_pymongo=PYMONGO_TESTS,
        test_missing=MISSING_TESTS,
    )

    result = run(pytester, "-n", "2")

    result.assert_outcomes(passed=23, errors=1)
    result.stdout.fnmatch_lines(
        ["*mongo_test_database takes its client from a fixture named 'mongo_client'*"]
    )
    result.stdout.no_fnmatch_line("*PytestDeprecationWarning*")  # marked for strict mode
    used = sorted(path.name for path in names.iterdir())
    assert len(used) == 23  # one database per test
    assert {name.split("_")[1] for name in used} == {"gw0", "gw1"}
    with MongoClient(mongo_uri) as client:
        assert set(used).isdisjoint(client.list_database_names())
