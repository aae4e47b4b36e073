"""The session fixture a model fixture passes: found by name, per backend, overridable."""

from __future__ import annotations

import pytest

from tests.plugin._project import make_project, run


def test_session_fixture_chosen_per_register_call(pytester: pytest.Pytester) -> None:
    make_project(pytester)
    pytester.makepyfile(
        """
        import pytest
        import pytest_asyncio
        from async_factory_boy.pytest import register
        from models import CompanyFactory, Store

        @pytest_asyncio.fixture
        async def archive():
            return Store()

        register(CompanyFactory, "archived_company", session_fixture="archive")

        @pytest.mark.asyncio
        async def test_archived(archived_company, archive, store):
            assert archive.saved == [archived_company]
            assert store.saved == []
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_session_fixture_chosen_by_ini_option(pytester: pytest.Pytester) -> None:
    make_project(pytester)
    pytester.makeini(
        "[pytest]\nasyncio_mode = strict\nasyncio_default_fixture_loop_scope = function\n"
        "async_factory_boy_session_fixtures =\n    store = backup\n"
    )
    pytester.makepyfile(
        """
        import pytest
        import pytest_asyncio
        from async_factory_boy.pytest import register
        from models import CompanyFactory, Store

        register(CompanyFactory)

        @pytest_asyncio.fixture
        async def backup():
            return Store()

        @pytest.mark.asyncio
        async def test_backup(company, backup):
            assert backup.saved == [company]
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_missing_session_fixture_names_the_fixture_to_define(pytester: pytest.Pytester) -> None:
    make_project(pytester, conftest="")
    pytester.makepyfile(
        """
        import pytest
        from async_factory_boy.pytest import register
        from models import CompanyFactory

        register(CompanyFactory)

        @pytest.mark.asyncio
        async def test_company(company):
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*no fixture named 'store' is defined*register(CompanyFactory)*create_async() as store=*"]
    )


def test_sqlalchemy_factories_default_to_db_session(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_mode = strict\n")
    pytester.makepyfile(
        """
        import pytest
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
        from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory
        from async_factory_boy.pytest import register

        class Base(DeclarativeBase):
            pass

        class Tag(Base):
            __tablename__ = "tag"
            id: Mapped[int] = mapped_column(primary_key=True)

        @register
        class TagFactory(AsyncSQLAlchemyModelFactory):
            class Meta:
                model = Tag

        @pytest.mark.asyncio
        async def test_tag(tag):
            pass
        """
    )
    result = run(pytester)
    result.stdout.fnmatch_lines(["*no fixture named 'db_session'*sqlalchemy_session=*"])


def test_mongo_factories_default_to_mongo_database(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_mode = strict\n")
    pytester.makepyfile(
        """
        import pytest
        from async_factory_boy.factory.mongo import AsyncMongoFactory
        from async_factory_boy.pytest import register

        class PetFactory(AsyncMongoFactory):
            class Meta:
                model = dict
                collection = "pets"
            name = "Rex"

        register(PetFactory, "pet")

        @pytest.mark.asyncio
        async def test_pet(pet):
            pass
        """
    )
    result = run(pytester)
    result.stdout.fnmatch_lines(["*no fixture named 'mongo_database'*mongo_database=*"])
