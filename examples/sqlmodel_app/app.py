"""The API: teams and their heroes, read and written through SQLModel's session.

The session comes from one dependency, :func:`get_session`, so tests replace it with the
session their factories wrote to (``app.dependency_overrides[get_session]``). Every query
uses ``session.exec()``, as a SQLModel application does: the tests' session must be
SQLModel's ``AsyncSession``.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import selectinload
from sqlmodel import SQLModel, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from .models import Hero, Rank, Team

DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite+aiosqlite:///./sqlmodel_example.db")
engine = create_async_engine(DATABASE_URL)

app = FastAPI(title="async_factory_boy FastAPI + SQLModel example")


async def get_session() -> AsyncIterator[AsyncSession]:
    """One session per request (tests override this dependency)."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        yield session


Session = Annotated[AsyncSession, Depends(get_session)]


class HeroCreate(SQLModel):
    name: str
    email: str
    team_id: int
    age: int | None = None


class HeroPublic(SQLModel):
    id: int
    name: str
    email: str
    rank: Rank
    team_id: int
    powers: list[str] = []


class TeamPublic(SQLModel):
    id: int
    name: str
    headquarters: str
    hero_count: int


def _public(hero: Hero) -> HeroPublic:
    assert hero.id is not None  # stored
    return HeroPublic(
        id=hero.id,
        name=hero.name,
        email=hero.email,
        rank=hero.rank,
        team_id=hero.team_id,
        powers=sorted(power.name for power in hero.powers),
    )


async def _hero(session: AsyncSession, hero_id: int) -> Hero:
    statement = select(Hero).where(Hero.id == hero_id).options(selectinload(Hero.powers))  # type: ignore[arg-type]  # SQLModel types Hero.powers as a list
    hero = (await session.exec(statement)).first()
    if hero is None:
        raise HTTPException(status_code=404, detail="hero not found")
    return hero


@app.get("/teams/{team_id}")
async def read_team(team_id: int, session: Session) -> TeamPublic:
    team = await session.get(Team, team_id)
    if team is None or team.id is None:
        raise HTTPException(status_code=404, detail="team not found")
    count = (await session.exec(select(func.count()).where(Hero.team_id == team_id))).one()
    return TeamPublic(id=team.id, name=team.name, headquarters=team.headquarters, hero_count=count)


@app.get("/teams/{team_id}/heroes")
async def read_team_heroes(team_id: int, session: Session) -> list[HeroPublic]:
    statement = (
        select(Hero)
        .where(Hero.team_id == team_id)
        .order_by(Hero.name)  # type: ignore[arg-type]  # a column at run time
        .options(selectinload(Hero.powers))  # type: ignore[arg-type]  # likewise
    )
    return [_public(hero) for hero in (await session.exec(statement)).all()]


@app.get("/heroes/{hero_id}")
async def read_hero(hero_id: int, session: Session) -> HeroPublic:
    return _public(await _hero(session, hero_id))


@app.post("/heroes", status_code=201)
async def create_hero(data: HeroCreate, session: Session) -> HeroPublic:
    if await session.get(Team, data.team_id) is None:
        raise HTTPException(status_code=422, detail="no such team")
    taken = (await session.exec(select(Hero).where(Hero.email == data.email))).first()
    if taken is not None:
        raise HTTPException(status_code=409, detail="email already registered")
    hero = Hero.model_validate(
        data, update={"joined_at": datetime.datetime.now(datetime.timezone.utc)}
    )
    session.add(hero)
    await session.commit()
    assert hero.id is not None
    return _public(await _hero(session, hero.id))


@app.post("/heroes/{hero_id}/promote")
async def promote(hero_id: int, session: Session) -> HeroPublic:
    hero = await _hero(session, hero_id)
    hero.rank = Rank.veteran
    session.add(hero)
    await session.commit()
    return _public(await _hero(session, hero_id))
