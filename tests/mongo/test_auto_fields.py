"""``Meta.auto_fields`` on MongoDB documents: fields derived from type hints and pydantic
constraints, 1,000 documents stored, every one valid against its model."""

from __future__ import annotations

import dataclasses
import datetime
import enum
from typing import Annotated, Any

import pydantic
import pytest

from async_factory_boy.factory.mongo import AsyncMongoFactory

pytestmark = [pytest.mark.asyncio, pytest.mark.mongo]


class Plan(enum.Enum):
    FREE = "free"
    PRO = "pro"


class Address(pydantic.BaseModel):
    city: Annotated[str, pydantic.StringConstraints(min_length=2, max_length=30)]
    zip_code: Annotated[str, pydantic.Field(pattern=r"^[0-9]{5}$")]


class Member(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(populate_by_name=False)

    handle: Annotated[str, pydantic.StringConstraints(min_length=3, max_length=12)]
    full_name: str = pydantic.Field(alias="fullName")
    age: Annotated[int, pydantic.Field(ge=18, le=120)]
    plan: Plan
    joined: datetime.datetime
    address: Address
    tags: list[str]
    bio: str | None = None


@dataclasses.dataclass
class Reading:
    sensor: str
    value: float
    taken: datetime.datetime  # BSON stores datetimes, not dates


class MemberFactory(AsyncMongoFactory[Member]):
    class Meta:
        model = Member
        auto_fields = True


class ReadingFactory(AsyncMongoFactory[Reading]):
    class Meta:
        model = Reading
        auto_fields = True


async def test_a_thousand_members_are_valid_documents(mongo_database: Any) -> None:
    members = await MemberFactory.create_batch_async(1000, mongo_database=mongo_database)

    stored = [doc async for doc in mongo_database["member"].find({})]
    assert len(stored) == 1000
    for document in stored:
        document.pop("_id")
        Member.model_validate(document)  # raises if any value breaks a constraint
    assert all(m.address.zip_code.isdigit() and len(m.address.zip_code) == 5 for m in members)
    assert {m.bio for m in members} == {None}


async def test_dataclass_documents_are_derived_from_type_hints(mongo_database: Any) -> None:
    readings = await ReadingFactory.create_batch_async(50, mongo_database=mongo_database)

    assert await mongo_database["reading"].count_documents({}) == 50
    assert all(
        isinstance(r.value, float) and isinstance(r.taken, datetime.datetime) for r in readings
    )
