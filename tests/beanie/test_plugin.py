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
