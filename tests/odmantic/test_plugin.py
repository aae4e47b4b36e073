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
