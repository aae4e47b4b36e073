"""The pytest plugin's default fixture for ODMantic factories: ``odmantic_engine``."""

from __future__ import annotations

import pytest

from tests.plugin._project import run


def test_odmantic_factories_default_to_odmantic_engine(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_mode = strict\n")
    pytester.makepyfile(
        """
        import pytest
        from odmantic import Model
        from async_factory_boy.factory.odmantic import AsyncODManticFactory
        from async_factory_boy.pytest import register

        class Pet(Model):
            name: str

        class PetFactory(AsyncODManticFactory[Pet]):
            class Meta:
                model = Pet
            name = "Rex"

        register(PetFactory, "pet")

        @pytest.mark.asyncio
        async def test_pet(pet):
            pass
        """
    )
    result = run(pytester)
    result.stdout.fnmatch_lines(["*no fixture named 'odmantic_engine'*odmantic_engine=*"])


def test_a_registered_odmantic_factory_creates_through_the_fixture(
    pytester: pytest.Pytester, mongo_uri: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AFB_TEST_MONGO_URI", mongo_uri)
    pytester.makeini("[pytest]\nasyncio_mode = strict\n")
    pytester.makepyfile(
        """
        import os
        import uuid

        import pytest
        import pytest_asyncio
        from motor.motor_asyncio import AsyncIOMotorClient
        from odmantic import AIOEngine, Model
        from async_factory_boy.factory.odmantic import AsyncODManticFactory
        from async_factory_boy.pytest import register

        class Pet(Model):
            name: str

        class PetFactory(AsyncODManticFactory[Pet]):
            class Meta:
                model = Pet
            name = "Rex"

        register(PetFactory, "pet")

        @pytest_asyncio.fixture
        async def odmantic_engine():
            client = AsyncIOMotorClient(os.environ["AFB_TEST_MONGO_URI"])
            name = f"afb_plugin_{uuid.uuid4().hex[:8]}"
            yield AIOEngine(client, database=name)
            await client.drop_database(name)
            client.close()

        @pytest.mark.asyncio
        async def test_pet(pet, odmantic_engine):
            assert await odmantic_engine.find_one(Pet, Pet.id == pet.id) == pet
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=1)
