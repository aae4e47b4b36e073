"""The pytest plugin passes a ``tortoise_connection`` fixture to registered Tortoise factories."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def test_model_fixture_uses_the_tortoise_connection_fixture(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        "[pytest]\nasyncio_mode = strict\nasyncio_default_fixture_loop_scope = function\n"
    )
    pytester.makepyfile(
        """
        import pytest
        import pytest_asyncio
        from tortoise.context import TortoiseContext
        from async_factory_boy.pytest import register
        from tests.tortoise.factories import UserFactory
        from tests.tortoise.models import User

        register(UserFactory)

        @pytest_asyncio.fixture
        async def tortoise_connection(tmp_path):
            async with TortoiseContext() as context:
                await context.init(
                    db_url=f"sqlite://{tmp_path / 'plugin.db'}",
                    modules={"models": ["tests.tortoise.models"]},
                    _enable_global_fallback=True,  # seen by the test's task too
                )
                await context.generate_schemas()
                yield context.connections.get("default")

        @pytest.mark.asyncio
        async def test_user(user, tortoise_connection):
            assert user.id is not None
            stored = await User.get(id=user.id).using_db(tortoise_connection)
            assert stored.company_id == user.company.id
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:django")
    result.assert_outcomes(passed=1)
