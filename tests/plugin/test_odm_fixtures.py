"""The pytest plugin's default fixtures for the ODM factories, one test per behaviour run on
Beanie (``mongo_session``: its fixture runs ``init_beanie`` and yields a session or ``None``)
and ODMantic (``odmantic_engine``)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import pytest

from tests.plugin._project import run


@dataclass(frozen=True)
class ODM:
    """What a project of one ODM writes: its imports, model base, factory and fixture."""

    name: str
    imports: str
    model_base: str
    factory_base: str
    fixture: str
    fixture_body: str
    check: str

    def project(self, with_fixture: bool) -> str:
        """A test module: a ``Pet`` model, its registered factory, maybe the fixture."""
        fixture = f"""
@pytest_asyncio.fixture
async def {self.fixture}():
{textwrap.indent(textwrap.dedent(self.fixture_body).strip(), "    ")}
"""
        return f"""
import os
import uuid

import pytest
import pytest_asyncio
{self.imports}
from async_factory_boy.pytest import register


class Pet({self.model_base}):
    name: str


class PetFactory({self.factory_base}[Pet]):
    class Meta:
        model = Pet

    name = "Rex"


register(PetFactory, "pet")
{fixture if with_fixture else ""}

@pytest.mark.asyncio
async def test_pet(pet{", " + self.fixture if with_fixture else ""}):
    {self.check if with_fixture else "pass"}
"""


BEANIE = ODM(
    name="beanie",
    imports=(
        "from beanie import Document, init_beanie\n"
        "from pymongo import AsyncMongoClient\n"
        "from async_factory_boy.factory.beanie import AsyncBeanieFactory"
    ),
    model_base="Document",
    factory_base="AsyncBeanieFactory",
    fixture="mongo_session",
    fixture_body="""
        client = AsyncMongoClient(os.environ["AFB_TEST_MONGO_URI"])
        name = f"afb_plugin_{uuid.uuid4().hex[:8]}"
        await init_beanie(database=client[name], document_models=[Pet])
        yield None
        await client.drop_database(name)
        await client.close()
    """,
    check='assert (await Pet.get(pet.id)).name == "Rex"',
)
ODMANTIC = ODM(
    name="odmantic",
    imports=(
        "from motor.motor_asyncio import AsyncIOMotorClient\n"
        "from odmantic import AIOEngine, Model\n"
        "from async_factory_boy.factory.odmantic import AsyncODManticFactory"
    ),
    model_base="Model",
    factory_base="AsyncODManticFactory",
    fixture="odmantic_engine",
    fixture_body="""
        client = AsyncIOMotorClient(os.environ["AFB_TEST_MONGO_URI"])
        name = f"afb_plugin_{uuid.uuid4().hex[:8]}"
        yield AIOEngine(client, database=name)
        await client.drop_database(name)
        client.close()
    """,
    check="assert await odmantic_engine.find_one(Pet, Pet.id == pet.id) == pet",
)
ODMS = [pytest.param(odm, id=odm.name) for odm in (BEANIE, ODMANTIC)]


@pytest.mark.parametrize("odm", ODMS)
def test_a_missing_default_fixture_is_named(pytester: pytest.Pytester, odm: ODM) -> None:
    pytester.makeini("[pytest]\nasyncio_mode = strict\n")
    pytester.makepyfile(odm.project(with_fixture=False))

    result = run(pytester)

    result.stdout.fnmatch_lines([f"*no fixture named '{odm.fixture}'*{odm.fixture}=*"])


@pytest.mark.mongo
@pytest.mark.parametrize("odm", ODMS)
def test_a_registered_factory_creates_through_its_default_fixture(
    pytester: pytest.Pytester, mongo_uri: str, monkeypatch: pytest.MonkeyPatch, odm: ODM
) -> None:
    monkeypatch.setenv("AFB_TEST_MONGO_URI", mongo_uri)
    pytester.makeini("[pytest]\nasyncio_mode = strict\n")
    pytester.makepyfile(odm.project(with_fixture=True))

    run(pytester).assert_outcomes(passed=1)
