"""A SQLModel model set with every ``Field`` kind SQLModel documents: ``str`` (an
``AutoString``, with and without ``max_length``), ``int``, ``float``, ``bool``, ``Decimal``,
``datetime`` / ``date`` / ``time``, ``UUID``, enums, ``Optional`` fields, foreign keys with
and without a ``Relationship``, a many-to-many link model, and JSON and an aware datetime
through ``sa_column``.

Table names start with ``sm_``: SQLModel keeps every table model in one global metadata,
which the example app's models share. No ``from __future__ import annotations``: SQLModel
reads the relationship annotations at class creation.
"""

import datetime
import enum
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field, Relationship, SQLModel


class SmRole(str, enum.Enum):
    captain = "captain"
    member = "member"


class SmLevel(enum.Enum):
    low = 1
    high = 2


class SmPowerLink(SQLModel, table=True):
    """The link model of a many-to-many relation: a composite key of two foreign keys."""

    __tablename__ = "sm_power_link"
    hero_id: int | None = Field(default=None, foreign_key="sm_hero.id", primary_key=True)
    power_id: int | None = Field(default=None, foreign_key="sm_power.id", primary_key=True)


class SmTeam(SQLModel, table=True):
    __tablename__ = "sm_team"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60, unique=True)
    slug: str = Field(max_length=40, index=True)
    budget: Decimal = Field(max_digits=10, decimal_places=2)
    founded: datetime.date
    motto: str | None = None
    heroes: list["SmHero"] = Relationship(back_populates="team")


class SmHero(SQLModel, table=True):
    __tablename__ = "sm_hero"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    email: str = Field(max_length=80, unique=True)
    age: int
    strength: float
    active: bool
    role: SmRole
    level: SmLevel
    joined_at: datetime.datetime
    wakes_at: datetime.time
    token: uuid.UUID
    nickname: str | None = None
    team_id: int = Field(foreign_key="sm_team.id")
    team: SmTeam = Relationship(back_populates="heroes")
    mentor_id: int | None = Field(default=None, foreign_key="sm_hero.id")
    powers: list["SmPower"] = Relationship(back_populates="heroes", link_model=SmPowerLink)


class SmPower(SQLModel, table=True):
    __tablename__ = "sm_power"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=40)
    heroes: list[SmHero] = Relationship(back_populates="powers", link_model=SmPowerLink)


class SmMission(SQLModel, table=True):
    """A foreign key without a ``Relationship``; JSON and an aware datetime via sa_column."""

    __tablename__ = "sm_mission"
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=120)
    hero_id: int = Field(foreign_key="sm_hero.id")
    reward: Decimal = Field(max_digits=8, decimal_places=3)
    starts_at: datetime.datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    details: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    notes: str | None = None


MODELS = [SmTeam, SmHero, SmPower, SmPowerLink, SmMission]
TABLES = [SQLModel.metadata.tables[model.__tablename__] for model in MODELS]  # type: ignore[index]  # a str here
