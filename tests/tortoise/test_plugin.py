"""The pytest plugin passes a ``tortoise_connection`` fixture to registered Tortoise factories,
and a registered fixture makes the rows ``create_async`` makes (RelatedFactory keywords,
RelatedFactoryList sizes, a fixture name of its own)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def test_model_fixture_uses_the_tortoise_connection_fixture(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        "[pytest]\nasyncio_mode = strict\nasyncio_default_fixture_loop_scope = function\n"
    )
    pytester.makepyfile(
        """
        import factory
        import pytest
        import pytest_asyncio
        from tortoise.context import TortoiseContext
        from async_factory_boy.pytest import register
        from tests.tortoise.factories import CompanyFactory, UserFactory
        from tests.tortoise.models import User

        class StaffedCompanyFactory(CompanyFactory):
            boss = factory.RelatedFactory(UserFactory, "company", name="boss")
            staff = factory.RelatedFactoryList(UserFactory, "company", size=2)

        register(UserFactory)
        register(StaffedCompanyFactory, "staffed_company")

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

        @pytest.mark.asyncio
        async def test_staffed_company(staffed_company, tortoise_connection):
            users = await User.all().using_db(tortoise_connection).order_by("id")
            assert [(u.company_id, u.name) for u in users][0] == (staffed_company.id, "boss")
            assert {u.company_id for u in users} == {staffed_company.id}
            assert len(users) == 3
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:django")
    result.assert_outcomes(passed=2)
