"""The deprecation warning, and errors that tell a 1.0.1 user what to do."""

from __future__ import annotations

import factory
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session

from async_factory_boy import FactoryConfigurationError, MissingSessionError, SessionTypeError
from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyFactory

from .models import Company


def test_defining_a_factory_warns_at_the_class_statement() -> None:
    with pytest.warns(DeprecationWarning, match="AsyncSQLAlchemyFactory is deprecated") as seen:

        class OldCompanyFactory(AsyncSQLAlchemyFactory):
            class Meta:
                model = Company

    (warning,) = seen.list
    assert warning.filename == __file__
    assert "OldCompanyFactory" in str(warning.message)
    assert "create_async(sqlalchemy_session=session)" in str(warning.message)


@pytest.mark.asyncio
async def test_create_without_a_session_names_the_factory() -> None:
    class NoSessionFactory(AsyncSQLAlchemyFactory):
        class Meta:
            model = Company
            sqlalchemy_session = None

        name = "acme"

    with pytest.raises(MissingSessionError, match=r"NoSessionFactory.*Meta\.sqlalchemy_session"):
        await NoSessionFactory.create()


def test_build_needs_no_session() -> None:
    class NoSessionFactory(AsyncSQLAlchemyFactory):
        class Meta:
            model = Company
            sqlalchemy_session = None

        name = factory.Sequence(lambda n: f"company{n}")

    assert NoSessionFactory.build().name.startswith("company")


@pytest.mark.asyncio
async def test_a_sync_session_in_meta_is_refused(engine: AsyncEngine) -> None:
    class SyncSessionFactory(AsyncSQLAlchemyFactory):
        class Meta:
            model = Company
            sqlalchemy_session = Session()

        name = "acme"

    with pytest.raises(SessionTypeError, match=r"SyncSessionFactory.*AsyncSession"):
        await SyncSessionFactory.create()


def test_unknown_persistence_is_refused_at_class_definition() -> None:
    with pytest.raises(FactoryConfigurationError, match="sqlalchemy_session_persistence"):

        class BadFactory(AsyncSQLAlchemyFactory):
            class Meta:
                model = Company
                sqlalchemy_session_persistence = "save"
