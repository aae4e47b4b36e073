"""``register()`` turns a factory into fixtures named as pytest-factoryboy names them."""

from __future__ import annotations

import pytest

from tests.plugin._project import make_project, run


def test_register_defines_factory_and_model_fixtures(pytester: pytest.Pytester) -> None:
    make_project(pytester)
    pytester.makepyfile(
        """
        import pytest
        from async_factory_boy.pytest import register
        from models import User, UserFactory

        register(UserFactory)

        @pytest.mark.asyncio
        async def test_user(user, user_factory, store):
            assert issubclass(user_factory, UserFactory)
            assert isinstance(user, User)
            assert user in store.saved and user.company in store.saved
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_register_as_class_decorator_bare_and_called(pytester: pytest.Pytester) -> None:
    make_project(pytester)
    pytester.makepyfile(
        """
        import factory
        import pytest
        from async_factory_boy.pytest import register
        from models import Company, StoreFactory

        @register
        @register(_name="partner")
        class CompanyFactory(StoreFactory):
            class Meta:
                model = Company
            name = "ACME"

        @pytest.mark.asyncio
        async def test_both(company, partner, company_factory):
            assert issubclass(company_factory, CompanyFactory)
            assert company is not partner
            assert company.name == partner.name == "ACME"
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_names_follow_pytest_factoryboy_rules(pytester: pytest.Pytester) -> None:
    make_project(pytester)
    pytester.makepyfile(
        """
        import dataclasses
        import pytest
        from async_factory_boy.pytest import register
        from models import StoreFactory

        @dataclasses.dataclass
        class HTTPRequestLog:
            path: str = "/"

        @register
        class HTTPRequestLogFactory(StoreFactory):
            class Meta:
                model = HTTPRequestLog
            path = "/index"

        @pytest.mark.asyncio
        async def test_names(http_request_log, http_request_log_factory, http_request_log__path):
            assert http_request_log.path == http_request_log__path == "/index"
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_register_with_name_and_attribute_values(pytester: pytest.Pytester) -> None:
    make_project(pytester)
    pytester.makepyfile(
        """
        import pytest
        from async_factory_boy.pytest import register
        from models import UserFactory

        register(UserFactory)
        register(UserFactory, "boss", name="Ada", admin=True)

        @pytest.mark.asyncio
        async def test_boss(user, boss):
            assert (boss.name, boss.is_admin) == ("Ada", True)
            assert user.is_admin is False
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_parametrize_an_attribute(pytester: pytest.Pytester) -> None:
    make_project(pytester)
    pytester.makepyfile(
        """
        import pytest
        from async_factory_boy.pytest import register
        from models import UserFactory

        register(UserFactory)

        @pytest.mark.asyncio
        @pytest.mark.parametrize("user__name", ["alice", "bob"])
        async def test_name(user, user__name):
            assert user.name == user__name
        """
    )
    run(pytester).assert_outcomes(passed=2)


def test_attribute_fixture_override(pytester: pytest.Pytester) -> None:
    make_project(pytester)
    pytester.makepyfile(
        """
        import pytest
        from async_factory_boy.pytest import register
        from models import UserFactory

        register(UserFactory)

        @pytest.fixture
        def user__name():
            return "carol"

        @pytest.mark.asyncio
        async def test_name(user):
            assert user.name == "carol"
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_trait_and_post_generation_overrides(pytester: pytest.Pytester) -> None:
    make_project(pytester)
    pytester.makepyfile(
        """
        import pytest
        from async_factory_boy.pytest import register
        from models import UserFactory

        register(UserFactory)

        @pytest.mark.asyncio
        @pytest.mark.parametrize(("user__admin", "user__tags"), [(True, ["a", "b"])])
        async def test_overrides(user):
            assert user.is_admin is True
            assert user.tags == ["a", "b"]

        @pytest.mark.asyncio
        async def test_defaults(user):
            assert (user.is_admin, user.tags) == (False, [])
        """
    )
    run(pytester).assert_outcomes(passed=2)


def test_subfactory_uses_registered_sub_model_fixture(pytester: pytest.Pytester) -> None:
    make_project(pytester)
    pytester.makepyfile(
        """
        import pytest
        from async_factory_boy.pytest import register
        from models import CompanyFactory, UserFactory

        register(UserFactory)
        register(CompanyFactory)

        @pytest.mark.asyncio
        async def test_same_company(user, company):
            assert user.company is company

        @pytest.mark.asyncio
        @pytest.mark.parametrize("company__name", ["Initech"])
        async def test_sub_model_attribute(user):
            assert user.company.name == "Initech"
        """
    )
    run(pytester).assert_outcomes(passed=2)


def test_subfactory_without_registered_sub_model(pytester: pytest.Pytester) -> None:
    make_project(pytester)
    pytester.makepyfile(
        """
        import pytest
        from async_factory_boy.pytest import register
        from models import Company, UserFactory

        register(UserFactory)

        @pytest.mark.asyncio
        async def test_company_made_by_the_factory(user, store):
            assert isinstance(user.company, Company)
            assert store.saved == [user.company, user]
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_lazy_fixture_value(pytester: pytest.Pytester) -> None:
    make_project(pytester)
    pytester.makepyfile(
        """
        import pytest
        from async_factory_boy.pytest import LazyFixture, register
        from models import CompanyFactory, UserFactory

        register(CompanyFactory)
        register(CompanyFactory, "other_company", name="Other")
        register(UserFactory, "contractor", company=LazyFixture("other_company"))

        @pytest.mark.asyncio
        async def test_contractor(contractor, other_company):
            assert contractor.company is other_company
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_register_refuses_a_sync_factory(pytester: pytest.Pytester) -> None:
    make_project(pytester)
    pytester.makepyfile(
        """
        import factory
        from async_factory_boy.pytest import register
        from models import Company

        class SyncCompanyFactory(factory.Factory):
            class Meta:
                model = Company

        register(SyncCompanyFactory)

        def test_nothing():
            pass
        """
    )
    result = run(pytester)
    result.stdout.fnmatch_lines(["*register(SyncCompanyFactory)*AsyncFactory subclasses*"])
    assert result.ret != 0
