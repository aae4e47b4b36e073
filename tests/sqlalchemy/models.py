"""Models the SQLAlchemy backend tests use: one metadata, created per test in its database.

Table names carry an ``sa_`` prefix so they never meet another test package's tables in the
run's shared PostgreSQL / MariaDB database.
"""

from __future__ import annotations

import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base of the test models."""


class Company(Base):
    __tablename__ = "sa_company"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    users: Mapped[list[User]] = relationship(back_populates="company")


class User(Base):
    __tablename__ = "sa_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    email: Mapped[str | None] = mapped_column(sa.String(100), unique=True, default=None)
    company_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sa_company.id"))
    company: Mapped[Company | None] = relationship(back_populates="users")


class Membership(Base):
    """A model without ``relationship()``: its factory reads the company's generated key."""

    __tablename__ = "sa_membership"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("sa_company.id"))
    role: Mapped[str] = mapped_column(sa.String(50))


class Tag(Base):
    """A model with a column called ``session``, which must stay a plain field."""

    __tablename__ = "sa_tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    session: Mapped[str] = mapped_column(sa.String(50))
    label: Mapped[str] = mapped_column(sa.String(50))


class Event(Base):
    """Server-side defaults: the database fills ``status`` and ``created_at``."""

    __tablename__ = "sa_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(100))
    status: Mapped[str] = mapped_column(sa.String(20), server_default="new")
    created_at: Mapped[datetime.datetime] = mapped_column(server_default=sa.func.now())


class Enrollment(Base):
    """A composite primary key, both parts given by the factory."""

    __tablename__ = "sa_enrollment"

    course: Mapped[str] = mapped_column(sa.String(50), primary_key=True)
    student: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    grade: Mapped[int] = mapped_column(default=0)
