"""The pytest plugin's default fixture for Beanie factories: ``mongo_session``."""

from __future__ import annotations

import pytest

from tests.plugin._project import run


def test_beanie_factories_default_to_mongo_session(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_mode = strict\n")
    pytester.makepyfile(
        """
        import pytest
        from beanie import Document
        from async_factory_boy.factory.beanie import AsyncBeanieFactory
        from async_factory_boy.pytest import register

        class Pet(Document):
            name: str

        class PetFactory(AsyncBeanieFactory[Pet]):
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
    result.stdout.fnmatch_lines(["*no fixture named 'mongo_session'*mongo_session=*"])


def test_a_registered_beanie_factory_creates_through_the_fixture(
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
        from beanie import Document, init_beanie
        from pymongo import AsyncMongoClient
        from async_factory_boy.factory.beanie import AsyncBeanieFactory
        from async_factory_boy.pytest import register

        class Pet(Document):
            name: str

        class PetFactory(AsyncBeanieFactory[Pet]):
            class Meta:
                model = Pet
            name = "Rex"

        register(PetFactory, "pet")

        @pytest_asyncio.fixture
        async def mongo_session():
            client = AsyncMongoClient(os.environ["AFB_TEST_MONGO_URI"])
            name = f"afb_plugin_{uuid.uuid4().hex[:8]}"
            await init_beanie(database=client[name], document_models=[Pet])
            yield None
            await client.drop_database(name)
            await client.close()

        @pytest.mark.asyncio
        async def test_pet(pet):
            assert (await Pet.get(pet.id)).name == "Rex"
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=1)
