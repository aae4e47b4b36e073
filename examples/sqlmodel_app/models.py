"""The service's tables, as SQLModel's tutorial writes them: a team has heroes, a hero has
powers through a link model.

No ``from __future__ import annotations``: SQLModel reads the relationship annotations when
the class is made.
"""

import datetime
import enum

from sqlmodel import Field, Relationship, SQLModel


class Rank(str, enum.Enum):
    rookie = "rookie"
    veteran = "veteran"


class HeroPowerLink(SQLModel, table=True):
    __tablename__ = "example_hero_power"
    hero_id: int | None = Field(default=None, foreign_key="example_hero.id", primary_key=True)
    power_id: int | None = Field(default=None, foreign_key="example_power.id", primary_key=True)


class Team(SQLModel, table=True):
    __tablename__ = "example_team"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    headquarters: str = Field(max_length=120)
    heroes: list["Hero"] = Relationship(back_populates="team")


class Hero(SQLModel, table=True):
    __tablename__ = "example_hero"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, index=True)
    email: str = Field(max_length=120, unique=True)
    age: int | None = None
    rank: Rank = Rank.rookie
    joined_at: datetime.datetime
    team_id: int = Field(foreign_key="example_team.id")
    team: Team = Relationship(back_populates="heroes")
    powers: list["Power"] = Relationship(back_populates="heroes", link_model=HeroPowerLink)


class Power(SQLModel, table=True):
    __tablename__ = "example_power"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40, unique=True)
    heroes: list[Hero] = Relationship(back_populates="powers", link_model=HeroPowerLink)


TABLES = [
    SQLModel.metadata.tables[name]
    for name in ("example_team", "example_hero", "example_power", "example_hero_power")
]
