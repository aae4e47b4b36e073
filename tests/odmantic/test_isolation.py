"""``isolated_engine``: an ODMantic engine on a database of the test's own, dropped after it."""

from __future__ import annotations

from typing import Any

import pytest

from async_factory_boy.pytest import isolated_engine
from tests.odmantic.models import Author, AuthorFactory

pytestmark = [pytest.mark.asyncio, pytest.mark.mongo]


async def test_the_engine_writes_to_a_fresh_database_with_its_indexes(motor_client: Any) -> None:
    async with isolated_engine(motor_client, models=[Author]) as engine:
        author = await AuthorFactory.create_async(odmantic_engine=engine)

        assert await engine.count(Author) == 1
        assert await engine.find_one(Author, Author.id == author.id) == author
        indexes = await engine.get_collection(Author).index_information()
        assert any(index.get("unique") for index in indexes.values())  # Field(unique=True)
        name = engine.database.name

    assert name not in await motor_client.list_database_names()
