"""The seed command on PostgreSQL and MongoDB."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from async_factory_boy._seed._progress import TABLE
from tests import _mongo_server
from tests.seed._db import count, query
from tests.seed.conftest import messages, run_seed
from tests.seed.factories import HTTPLogFactory


@pytest.mark.postgres
def test_seeds_postgres(postgres_asyncpg_url: str) -> None:
    result = run_seed(
        "examples.blog.factories:PostFactory",
        "-n",
        "30",
        "--batch-size",
        "7",
        "--create-tables",
        "--url",
        postgres_asyncpg_url,
    )

    assert result.returncode == 0, result.stderr
    assert count(postgres_asyncpg_url, "posts") == 30
    assert count(postgres_asyncpg_url, "comments") == 90
    assert count(postgres_asyncpg_url, "post_tags") == 60
    linked = "SELECT COUNT(DISTINCT c.post_id) FROM comments c JOIN posts p ON p.id = c.post_id"
    assert query(postgres_asyncpg_url, linked) == [(30,)]


@pytest.mark.mongo
def test_seeds_mongo_with_insert_many_per_collection(
    mongo_uri: str, mongo_database_name: str
) -> None:
    result = run_seed(
        "tests.seed.factories:MongoPostFactory",
        "-n",
        "12",
        "--batch-size",
        "5",
        "--url",
        mongo_uri,
        "--database",
        mongo_database_name,
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.split() == ["posts", "12"] for line in lines)
    assert any(line.split() == ["authors", "12"] for line in lines)

    async def read() -> tuple[int, int]:
        client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(mongo_uri)
        try:
            db = client[mongo_database_name]
            authors = {doc["_id"] async for doc in db.authors.find({}, {"_id": 1})}
            linked = await db.posts.count_documents({"author_id": {"$in": list(authors)}})
            return len(authors), linked
        finally:
            await client.close()

    assert asyncio.run(read()) == (12, 12)


@pytest.mark.mongo
def test_seed_and_create_batch_async_store_the_same_documents(
    mongo_uri: str, mongo_database_name: str
) -> None:
    """One write path: the backend's collection naming and document encoding (issue 11)."""
    result = run_seed(
        "tests.seed.factories:HTTPLogFactory",
        "-n",
        "3",
        "--url",
        mongo_uri,
        "--database",
        mongo_database_name,
    )
    assert result.returncode == 0, result.stderr
    assert any(line.split() == ["http_log", "3"] for line in result.stdout.splitlines())
    created_name = _mongo_server.unique_database_name()

    async def read() -> tuple[list[str], list[dict[str, object]], list[dict[str, object]]]:
        client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(mongo_uri)
        try:
            HTTPLogFactory.reset_sequence(0)
            await HTTPLogFactory.create_batch_async(3, mongo_database=client[created_name])
            seeded, created = client[mongo_database_name], client[created_name]
            names = await seeded.list_collection_names()
            projection = {"_id": 0}
            return (
                names,
                [doc async for doc in seeded.http_log.find({}, projection).sort("path")],
                [doc async for doc in created.http_log.find({}, projection).sort("path")],
            )
        finally:
            await client.drop_database(created_name)
            await client.close()

    names, seeded_documents, created_documents = asyncio.run(read())
    assert sorted(names) == [TABLE, "http_log"]  # the data and the progress records
    assert seeded_documents == created_documents
    assert seeded_documents[0] == {"path": "/logs/0", "fullName": "Client 0"}


@pytest.mark.mongo
@pytest.mark.parametrize(
    ("spec", "family"),
    [
        ("tests.beanie.models:PublisherFactory", "AsyncBeanieFactory"),
        ("tests.odmantic.models:PublisherFactory", "AsyncODManticFactory"),
    ],
)
def test_odm_factories_are_refused_before_anything_is_written(
    mongo_uri: str, mongo_database_name: str, spec: str, family: str
) -> None:
    result = run_seed(spec, "-n", "3", "--url", mongo_uri, "--database", mongo_database_name)

    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {spec} is a {family} subclass")
    assert len(messages(result.stderr)) == 1


def _without_ids(document: Any) -> Any:
    """``document`` without ObjectIds, which the server assigns (in commit order)."""
    if isinstance(document, dict):
        return {k: _without_ids(v) for k, v in document.items() if k not in ("_id", "author_id")}
    return document


@pytest.mark.mongo
def test_mongo_a_shard_then_resume_store_the_documents_of_one_run(
    mongo_uri: str, mongo_database_name: str
) -> None:
    """Without transactions (SecantusDB) a batch's record follows it; resume still skips
    exactly the recorded batches."""
    args = ("tests.seed.factories:MongoPostFactory", "-n", "7", "--batch-size", "2", "-q")
    args = (*args, "--url", mongo_uri, "--database")
    one_name = _mongo_server.unique_database_name()
    try:
        assert run_seed(*args, one_name).returncode == 0
        shard = run_seed(*args, mongo_database_name, "--shard", "0/2")
        rest = run_seed(*args, mongo_database_name, "--resume")
        assert (shard.returncode, rest.returncode) == (0, 0), shard.stderr + rest.stderr

        async def read(name: str) -> tuple[list[Any], int]:
            client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_uri)
            try:
                posts = [_without_ids(d) async for d in client[name].posts.find().sort("title")]
                return posts, await client[name][TABLE].count_documents({})
            finally:
                await client.close()

        (expected, _), (seeded, records) = (
            asyncio.run(read(one_name)),
            asyncio.run(read(mongo_database_name)),
        )
    finally:
        _mongo_server.drop_database(mongo_uri, one_name)

    assert seeded == expected
    assert len(expected) == 7
    assert records == 4
