"""``seed_on_dask`` into MongoDB: the same path, a ``mongodb://`` URL and ``database``."""

from __future__ import annotations

import asyncio

import pytest
from dask.distributed import Client
from pymongo import AsyncMongoClient

from async_factory_boy.dask import seed_on_dask
from tests.seed.conftest import mongo_database_name  # noqa: F401  (the fixture)


@pytest.mark.mongo
def test_shards_write_every_batch_once_into_mongo(
    dask_client: Client,
    mongo_uri: str,
    mongo_database_name: str,  # noqa: F811
) -> None:
    report = seed_on_dask(
        dask_client, ["tests.seed.factories:MongoPostFactory"], url=mongo_uri,
        database=mongo_database_name, count=12, batch_size=3, seed=5, shards=2,
    )  # fmt: skip

    async def read() -> tuple[list[str], int]:
        client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(mongo_uri)
        try:
            db = client[mongo_database_name]
            titles = sorted([str(doc["title"]) async for doc in db.posts.find({})])
            authors = [doc["_id"] async for doc in db.authors.find({}, {"_id": 1})]
            linked = await db.posts.count_documents({"author_id": {"$in": authors}})
            return titles, linked
        finally:
            await client.close()

    titles, linked = asyncio.run(read())
    # The named factory's sequence numbers are those of one run: each batch exactly once.
    assert titles == sorted(f"Post {n}" for n in range(12))
    assert linked == 12
    assert report.rows == {"authors": 12, "posts": 12}
    assert [rows["posts"] for rows in report.per_shard] == [6, 6]
