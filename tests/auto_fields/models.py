"""A corpus of SQLAlchemy models for ``auto_fields``: every column type the docs list, unique
columns and constraints, a self-reference, chains of required foreign keys, a foreign key
without a relationship, server defaults and composite keys.

Table names carry an ``af_`` prefix so they never meet another package's tables in the run's
shared PostgreSQL / MariaDB database. Everything here works on SQLite, PostgreSQL and MariaDB;
the PostgreSQL-only ARRAY column lives on its own model.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class PgBase(DeclarativeBase):
    """Models that need PostgreSQL's own types."""


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


class Size(str, enum.Enum):
    S = "s"
    M = "m"


class Text(Base):
    __tablename__ = "af_text"
    id: Mapped[int] = mapped_column(primary_key=True)
    short: Mapped[str] = mapped_column(sa.String(5))
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    note: Mapped[str | None] = mapped_column(sa.String(50))


class Numbers(Base):
    __tablename__ = "af_numbers"
    id: Mapped[int] = mapped_column(primary_key=True)
    small: Mapped[int] = mapped_column(sa.SmallInteger)
    regular: Mapped[int] = mapped_column(sa.Integer)
    big: Mapped[int] = mapped_column(sa.BigInteger)
    price: Mapped[decimal.Decimal] = mapped_column(sa.Numeric(8, 2))
    ratio: Mapped[float] = mapped_column(sa.Float)
    active: Mapped[bool] = mapped_column(sa.Boolean)


class Moments(Base):
    __tablename__ = "af_moments"
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[datetime.date] = mapped_column(sa.Date)
    at: Mapped[datetime.datetime] = mapped_column(sa.DateTime)
    at_utc: Mapped[datetime.datetime] = mapped_column(sa.DateTime(timezone=True))
    clock: Mapped[datetime.time] = mapped_column(sa.Time)
    duration: Mapped[datetime.timedelta] = mapped_column(sa.Interval)


class Choices(Base):
    __tablename__ = "af_choices"
    id: Mapped[int] = mapped_column(primary_key=True)
    color: Mapped[Color] = mapped_column(sa.Enum(Color))
    size: Mapped[Size] = mapped_column(sa.Enum(Size))
    mood: Mapped[str] = mapped_column(sa.Enum("happy", "sad", name="af_mood"))


class Blobs(Base):
    __tablename__ = "af_blobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    token: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    raw: Mapped[bytes] = mapped_column(sa.LargeBinary(64))


class UniqueThings(Base):
    __tablename__ = "af_unique_things"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(120), unique=True)
    code: Mapped[str] = mapped_column(sa.String(12), unique=True)
    number: Mapped[int] = mapped_column(unique=True)
    day: Mapped[datetime.date] = mapped_column(unique=True)
    token: Mapped[uuid.UUID] = mapped_column(sa.Uuid, unique=True)


class Pair(Base):
    __tablename__ = "af_pair"
    __table_args__ = (sa.UniqueConstraint("left", "right"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    left: Mapped[str] = mapped_column(sa.String(30))
    right: Mapped[int]


class Defaults(Base):
    __tablename__ = "af_defaults"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40))
    status: Mapped[str] = mapped_column(sa.String(10), server_default="new")
    created: Mapped[datetime.datetime] = mapped_column(server_default=sa.func.now())
    rank: Mapped[int] = mapped_column(default=5)


class StringKey(Base):
    __tablename__ = "af_string_key"
    slug: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(40))


class UuidKey(Base):
    __tablename__ = "af_uuid_key"
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(40))


class Category(Base):
    """A self-reference (nullable: the root has no parent)."""

    __tablename__ = "af_category"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("af_category.id"))
    parent: Mapped[Category | None] = relationship(remote_side=[id])


class Country(Base):
    __tablename__ = "af_country"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(8), unique=True)


class City(Base):
    __tablename__ = "af_city"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    country_id: Mapped[int] = mapped_column(sa.ForeignKey("af_country.id"))
    country: Mapped[Country] = relationship()


class Street(Base):
    __tablename__ = "af_street"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("af_city.id"))
    city: Mapped[City] = relationship()


class Building(Base):
    """The end of a chain of required foreign keys (street -> city -> country)."""

    __tablename__ = "af_building"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int]
    street_id: Mapped[int] = mapped_column(sa.ForeignKey("af_street.id"))
    street: Mapped[Street] = relationship()


class Visit(Base):
    """A required foreign key without a relationship: its parent is made and its key read."""

    __tablename__ = "af_visit"
    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(sa.ForeignKey("af_building.id"))
    note: Mapped[str] = mapped_column(sa.String(40))


class Optional(Base):
    """Only optional fields: nothing is derived unless ``auto_fields = "all"``."""

    __tablename__ = "af_optional"
    id: Mapped[int] = mapped_column(primary_key=True)
    nickname: Mapped[str | None] = mapped_column(sa.String(30))
    score: Mapped[int | None]
    city_id: Mapped[int | None] = mapped_column(sa.ForeignKey("af_city.id"))
    city: Mapped[City | None] = relationship()


class Membership(Base):
    """A composite primary key of two required foreign keys."""

    __tablename__ = "af_membership"
    country_id: Mapped[int] = mapped_column(sa.ForeignKey("af_country.id"), primary_key=True)
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("af_city.id"), primary_key=True)
    country: Mapped[Country] = relationship()
    city: Mapped[City] = relationship()
    role: Mapped[str] = mapped_column(sa.String(20))


class Everything(Base):
    """Many required columns of many types at once, and two required relationships."""

    __tablename__ = "af_everything"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    count: Mapped[int]
    amount: Mapped[decimal.Decimal] = mapped_column(sa.Numeric(12, 4))
    flag: Mapped[bool]
    when: Mapped[datetime.datetime]
    color: Mapped[Color] = mapped_column(sa.Enum(Color, name="af_color2"))
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("af_city.id"))
    city: Mapped[City] = relationship()
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("af_category.id"))
    category: Mapped[Category] = relationship()


class Tagged(PgBase):
    """PostgreSQL ARRAY columns."""

    __tablename__ = "af_tagged"
    id: Mapped[int] = mapped_column(primary_key=True)
    tags: Mapped[list[str]] = mapped_column(sa.ARRAY(sa.String(20)))
    scores: Mapped[list[int]] = mapped_column(sa.ARRAY(sa.Integer))


CORPUS = [
    Text,
    Numbers,
    Moments,
    Choices,
    Blobs,
    UniqueThings,
    Pair,
    Defaults,
    StringKey,
    UuidKey,
    Category,
    Country,
    City,
    Street,
    Building,
    Visit,
    Optional,
    Membership,
    Everything,
]
