"""``isolated_database``: a database per test, named after the xdist worker, dropped after it
(both drivers: ``mongo_client`` is parametrized over PyMongo and Motor)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from async_factory_boy.pytest import isolated_database

pytestmark = [pytest.mark.asyncio, pytest.mark.mongo]


async def test_the_database_is_fresh_and_dropped_at_the_end(
    mongo_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)

    async with isolated_database(mongo_client) as database:
        assert re.fullmatch(r"test_main_[0-9a-f]{8}", database.name)
        assert await database.notes.count_documents({}) == 0
        await database.notes.insert_one({"text": "kept until the block ends"})
        assert database.name in await mongo_client.list_database_names()

    assert database.name not in await mongo_client.list_database_names()


async def test_each_worker_and_block_gets_its_own_name(
    mongo_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw3")

    async with (
        isolated_database(mongo_client, prefix="app") as first,
        isolated_database(mongo_client, prefix="app") as second,
    ):
        assert first.name.startswith("app_gw3_")
        assert second.name.startswith("app_gw3_")
        assert first.name != second.name


async def test_the_database_is_dropped_when_the_test_fails(mongo_client: Any) -> None:
    names: list[str] = []

    async def failing_test() -> None:
        async with isolated_database(mongo_client) as database:
            names.append(database.name)
            await database.notes.insert_one({"text": "written before the failure"})
            raise LookupError

    with pytest.raises(LookupError):
        await failing_test()

    assert names[0] not in await mongo_client.list_database_names()
