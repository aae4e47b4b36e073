"""Errors name the factory the user called, what was wrong and what to pass instead."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo import MongoClient

from async_factory_boy.errors import (
    MissingSessionError,
    SessionTypeError,
)
from async_factory_boy.persistence import MemoryPersistence
from tests.mongo.factories import AuthorFactory, PublisherFactory

pytestmark = [pytest.mark.asyncio, pytest.mark.mongo]


async def test_a_missing_database_names_the_called_factory_and_the_keyword() -> None:
    with pytest.raises(MissingSessionError, match=r"^AuthorFactory .*mongo_database=") as info:
        await AuthorFactory.create_batch_async(2)

    assert "PublisherFactory" not in str(info.value)


async def test_a_session_without_a_database_is_not_enough(mongo_client: Any) -> None:
    with pytest.raises(MissingSessionError, match="mongo_database"):
        await PublisherFactory.create_async(mongo_session=object())


async def test_a_sync_pymongo_database_is_refused(mongo_uri: str) -> None:
    with (
        MongoClient(mongo_uri) as client,
        pytest.raises(SessionTypeError, match=r"AuthorFactory.*synchronous.*AsyncMongoClient"),
    ):
        await AuthorFactory.create_async(mongo_database=client["app"])


async def test_a_client_instead_of_a_database_is_refused(mongo_client: Any) -> None:
    with pytest.raises(SessionTypeError, match=r"got a client.*client\['app'\]"):
        await AuthorFactory.create_async(mongo_database=mongo_client)


async def test_a_collection_instead_of_a_database_is_refused(mongo_database: Any) -> None:
    with pytest.raises(SessionTypeError, match="got a collection"):
        await AuthorFactory.create_async(mongo_database=mongo_database.authors)


async def test_a_sync_session_is_refused(mongo_uri: str, mongo_database: Any) -> None:
    with (
        MongoClient(mongo_uri) as client,
        client.start_session() as session,
        pytest.raises(SessionTypeError, match="mongo_session="),
    ):
        await AuthorFactory.create_async(mongo_database=mongo_database, mongo_session=session)


async def test_a_persistence_handler_is_refused_by_a_mongo_factory(mongo_database: Any) -> None:
    with pytest.raises(
        SessionTypeError, match=r"^PublisherFactory persists through mongo_database="
    ):
        await PublisherFactory.create_async(
            mongo_database=mongo_database, persistence=MemoryPersistence()
        )
