"""The debug lines of Mongo calls: the database's kind (per driver), the documents the call
wrote, its end-of-call ``insert_many`` writes, and a refused batch's partial count."""

from __future__ import annotations

import logging
from typing import Any

import factory
import pytest

from async_factory_boy.errors import PartialBatchError
from tests.mongo.conftest import CommandLog
from tests.mongo.factories import AuthorFactory

pytestmark = [pytest.mark.asyncio, pytest.mark.mongo]

LOGGER = "async_factory_boy"


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


async def test_a_batch_logs_the_database_kind_its_documents_and_its_writes(
    mongo_database: Any, mongo_commands: CommandLog, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    await AuthorFactory.create_batch_async(3, mongo_database=mongo_database)
    lines = _lines(caplog)
    (call,) = [line for line in lines if line.startswith("create_batch_async ")]
    kind = type(mongo_database).__name__  # AsyncDatabase (PyMongo) or AsyncIOMotorDatabase
    assert call.startswith("create_batch_async AuthorFactory: strategy=create, size=3, ")
    assert f"connection: mongo_database={kind}, " in call
    assert "rows written: 6" in call  # three authors, each with its publisher
    assert sum(mongo_commands.inserts()) == 6  # what the line says is what the server got
    assert await mongo_database.authors.count_documents({}) == 3
    assert any(
        line.startswith("AuthorFactory: MongoScope finished (end-of-call writes) in ")
        for line in lines
    )


async def test_a_single_create_logs_one_line_per_call(
    mongo_database: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    await AuthorFactory.create_async(mongo_database=mongo_database)
    await AuthorFactory.create_async(mongo_database=mongo_database)
    calls = [line for line in _lines(caplog) if line.startswith("create_async ")]
    assert len(calls) == 2
    assert all("AuthorFactory: strategy=create, size=None, " in line for line in calls)
    assert all("rows written: 2" in line for line in calls)


async def test_a_refused_batch_logs_its_failure(
    mongo_database: Any, caplog: pytest.LogCaptureFixture
) -> None:
    await mongo_database.authors.create_index("name", unique=True)
    await mongo_database.authors.insert_one({"name": "taken"})
    names = iter(["a", "taken", "c"])
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    with pytest.raises(PartialBatchError):
        await AuthorFactory.create_batch_async(
            3, mongo_database=mongo_database, name=factory.LazyFunction(lambda: next(names))
        )
    (call,) = [line for line in _lines(caplog) if line.startswith("create_batch_async ")]
    assert call.startswith("create_batch_async AuthorFactory failed after ")
    assert " with PartialBatchError: strategy=create, size=3, " in call
    # Three publishers and three authors were handed over; the error says which were stored
    # (the publishers and author 'a': the ordered insert_many stopped at 'taken').
    assert call.endswith("rows handed to the backend before the failure: 6")
    assert await mongo_database.publishers.count_documents({}) == 3
    assert await mongo_database.authors.count_documents({"name": {"$in": ["a", "c"]}}) == 1
