"""``isolated_beanie``: ``init_beanie`` on a database of the test's own, dropped after it."""

from __future__ import annotations

from typing import Any

import pytest

from async_factory_boy.pytest import isolated_beanie
from tests.beanie.models import DOCUMENTS, Author, AuthorFactory

pytestmark = [pytest.mark.asyncio, pytest.mark.mongo]


async def test_init_beanie_binds_the_documents_to_the_test_database(beanie_client: Any) -> None:
    async with isolated_beanie(beanie_client, DOCUMENTS) as database:
        author = await AuthorFactory.create_async()

        assert Author.get_pymongo_collection().database.name == database.name
        assert await database.authors.count_documents({"_id": author.id}) == 1
        indexes = await database.authors.index_information()
        assert any(index.get("unique") for index in indexes.values())  # Indexed(unique=True)

    assert database.name not in await beanie_client.list_database_names()


async def test_the_last_init_beanie_wins(beanie_client: Any) -> None:
    """``init_beanie`` binds classes for the whole process: one database at a time."""
    async with (
        isolated_beanie(beanie_client, DOCUMENTS) as first,
        isolated_beanie(beanie_client, DOCUMENTS) as second,
    ):
        await AuthorFactory.create_async()

        assert await second.authors.count_documents({}) == 1
        assert await first.authors.count_documents({}) == 0
