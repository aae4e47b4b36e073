"""The example API with pytest-asyncio fixtures: factories write through SQLModel's
session, the API reads and writes through the same one."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from examples.sqlmodel_app.factories import (
    HeroFactory,
    HeroPowerLinkFactory,
    PowerFactory,
    TeamFactory,
)
from examples.sqlmodel_app.models import Hero, Rank

from .conftest import open_client, open_session

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def session(database_url: str) -> AsyncIterator[AsyncSession]:
    async with open_session(database_url) as session:
        yield session


@pytest_asyncio.fixture
async def client(session: AsyncSession) -> AsyncIterator[httpx.AsyncClient]:
    async with open_client(session) as client:
        yield client


async def test_a_team_counts_its_heroes(client: httpx.AsyncClient, session: AsyncSession) -> None:
    team = await TeamFactory.create_async(sqlalchemy_session=session)
    await HeroFactory.create_batch_async(3, team=team, sqlalchemy_session=session)
    await HeroFactory.create_async(sqlalchemy_session=session)  # another team's

    response = await client.get(f"/teams/{team.id}")

    assert response.status_code == 200
    assert response.json()["hero_count"] == 3
    assert response.json()["name"] == team.name


async def test_heroes_are_listed_with_their_powers(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    hero = await HeroFactory.create_async(name="Ada", sqlalchemy_session=session)
    flight = await PowerFactory.create_async(name="flight", sqlalchemy_session=session)
    for power in (
        flight,
        await PowerFactory.create_async(name="x-ray", sqlalchemy_session=session),
    ):
        await HeroPowerLinkFactory.create_async(
            hero_id=hero.id, power_id=power.id, sqlalchemy_session=session
        )
    again = await PowerFactory.create_async(name="flight", sqlalchemy_session=session)

    response = await client.get(f"/teams/{hero.team_id}/heroes")

    assert again.id == flight.id  # get_or_create on SQLModel's session, no warning
    assert [(h["name"], h["powers"]) for h in response.json()] == [("Ada", ["flight", "x-ray"])]


async def test_creating_a_hero_refuses_a_taken_email(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    taken = await HeroFactory.create_async(sqlalchemy_session=session)
    body = {"name": "New", "email": taken.email, "team_id": taken.team_id}

    refused = await client.post("/heroes", json=body)
    created = await client.post("/heroes", json={**body, "email": "new@example.com"})

    assert refused.status_code == 409
    assert created.status_code == 201
    assert created.json()["rank"] == Rank.rookie.value
    stored = (await session.exec(select(Hero).where(Hero.team_id == taken.team_id))).all()
    assert len(stored) == 2


async def test_promoting_a_hero(client: httpx.AsyncClient, session: AsyncSession) -> None:
    rookie = await HeroFactory.create_async(sqlalchemy_session=session)
    veteran = await HeroFactory.create_async(veteran=True, sqlalchemy_session=session)

    response = await client.post(f"/heroes/{rookie.id}/promote")

    assert response.json()["rank"] == "veteran"
    assert veteran.rank is Rank.veteran
    assert (await client.get("/heroes/999999")).status_code == 404
