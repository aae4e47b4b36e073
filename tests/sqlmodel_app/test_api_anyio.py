"""The example API with anyio-style fixtures: plain ``async def`` fixtures, run by anyio's
pytest plugin for tests marked ``anyio`` (the style FastAPI's own docs use)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from async_factory_boy import UnknownKeywordError
from examples.sqlmodel_app.factories import HeroFactory, TeamFactory
from examples.sqlmodel_app.models import Hero

from .conftest import open_client, open_session

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def db(database_url: str, anyio_backend: str) -> AsyncIterator[AsyncSession]:
    async with open_session(database_url) as session:
        yield session


@pytest.fixture
async def api(db: AsyncSession) -> AsyncIterator[httpx.AsyncClient]:
    async with open_client(db) as client:
        yield client


async def test_a_hero_reads_back_as_created(api: httpx.AsyncClient, db: AsyncSession) -> None:
    hero = await HeroFactory.create_async(age=41, sqlalchemy_session=db)

    response = await api.get(f"/heroes/{hero.id}")

    assert response.status_code == 200
    assert response.json() == {
        "id": hero.id,
        "name": hero.name,
        "email": hero.email,
        "rank": "rookie",
        "team_id": hero.team_id,
        "powers": [],
    }
    column = Hero.__table__.c.joined_at.type  # type: ignore[attr-defined]  # a table model
    aware = getattr(getattr(column, "impl_instance", column), "timezone", False)
    assert (hero.joined_at.tzinfo is not None) == aware  # SQLModel's UTCDateTime: aware


async def test_a_team_of_heroes_in_one_batch(api: httpx.AsyncClient, db: AsyncSession) -> None:
    team = await TeamFactory.create_async(sqlalchemy_session=db)
    heroes = await HeroFactory.create_batch_async(20, team=team, sqlalchemy_session=db)

    listed = (await api.get(f"/teams/{team.id}/heroes")).json()

    assert sorted(h["id"] for h in listed) == sorted(hero.id for hero in heroes)
    assert len({hero.email for hero in heroes}) == 20


async def test_a_misspelled_field_is_an_error_not_a_silently_dropped_value(
    db: AsyncSession,
) -> None:
    with pytest.raises(UnknownKeywordError, match="did you mean 'age'"):
        await HeroFactory.create_async(aeg=41, sqlalchemy_session=db)
