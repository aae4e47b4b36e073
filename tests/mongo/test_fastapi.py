"""The FastAPI example of ``docs/mongo.md``: factories fill the database an endpoint reads."""

from __future__ import annotations

from typing import Annotated, Any

import httpx
import pytest
from bson import ObjectId
from fastapi import Depends, FastAPI, HTTPException

from tests.mongo.factories import AuthorFactory

pytestmark = [pytest.mark.asyncio, pytest.mark.mongo]

app = FastAPI()


def get_database() -> Any:
    """The application's database; tests override this dependency."""
    raise NotImplementedError("configured by the application's lifespan")


@app.get("/authors/{author_id}")
async def read_author(author_id: str, db: Annotated[Any, Depends(get_database)]) -> dict[str, str]:
    author = await db.authors.find_one({"_id": ObjectId(author_id)})
    if author is None:
        raise HTTPException(status_code=404)
    publisher = await db.publishers.find_one({"_id": author["publisher_id"]})
    return {"name": author["name"], "publisher": publisher["name"]}


async def test_an_endpoint_reads_documents_made_by_the_factories(mongo_database: Any) -> None:
    author = await AuthorFactory.create_async(mongo_database=mongo_database, name="Colette")
    app.dependency_overrides[get_database] = lambda: mongo_database
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get(f"/authors/{author['_id']}")
    finally:
        app.dependency_overrides.clear()

    assert response.status_code == 200
    publisher = await mongo_database.publishers.find_one({"_id": author["publisher_id"]})
    assert response.json() == {"name": "Colette", "publisher": publisher["name"]}
