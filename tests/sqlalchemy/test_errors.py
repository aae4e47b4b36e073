"""Mistakes a user can make, each with an error naming the factory and what to do."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from async_factory_boy.errors import (
    FactoryConfigurationError,
    MissingSessionError,
    SessionTypeError,
)
from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory
from async_factory_boy.persistence import MemoryPersistence

from .factories import UserFactory
from .models import User


@pytest.mark.asyncio
async def test_a_missing_session_names_the_factory_and_the_argument() -> None:
    with pytest.raises(MissingSessionError, match=r"UserFactory.*sqlalchemy_session="):
        await UserFactory.create_async()


@pytest.mark.asyncio
async def test_a_missing_session_is_a_runtime_error() -> None:
    with pytest.raises(RuntimeError):
        await UserFactory.create_batch_async(3)


@pytest.mark.asyncio
async def test_a_sync_session_is_refused_with_a_type_error(sqlite_session: AsyncSession) -> None:
    engine = sqlite_session.bind
    assert isinstance(engine, AsyncEngine)
    with (
        Session(engine.sync_engine) as sync_session,
        pytest.raises(SessionTypeError, match=r"UserFactory.*needs an AsyncSession"),
    ):
        await UserFactory.create_async(sqlalchemy_session=sync_session)


@pytest.mark.asyncio
async def test_a_session_type_error_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="AsyncSession"):
        await UserFactory.create_async(sqlalchemy_session="not a session")


def test_a_session_on_the_meta_class_is_refused_at_class_definition(
    sqlite_session: AsyncSession,
) -> None:
    with pytest.raises(FactoryConfigurationError, match=r"StoredSessionFactory.*per call"):

        class StoredSessionFactory(AsyncSQLAlchemyModelFactory[User]):
            class Meta:
                model = User
                sqlalchemy_session = sqlite_session


def test_an_unknown_persistence_is_a_type_error_at_class_definition() -> None:
    with pytest.raises(TypeError, match=r"EagerFactory.*sqlalchemy_session_persistence"):

        class EagerFactory(AsyncSQLAlchemyModelFactory[User]):
            class Meta:
                model = User
                sqlalchemy_session_persistence = "save"


@pytest.mark.asyncio
@pytest.mark.parametrize("handler", ["commit", 42, MemoryPersistence()], ids=type)
async def test_a_persistence_argument_is_refused_by_a_session_factory(
    handler: object, sqlite_session: AsyncSession
) -> None:
    with pytest.raises(
        SessionTypeError, match=r"^UserFactory persists through sqlalchemy_session="
    ):
        await UserFactory.create_async(sqlalchemy_session=sqlite_session, persistence=handler)
