"""Models in the other mapping styles: dataclass, imperative and SQLModel, each its own metadata."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedAsDataclass, mapped_column, registry
from sqlmodel import Field, SQLModel


class DataclassBase(MappedAsDataclass, DeclarativeBase):
    """Declarative dataclass mapping: the models' ``__init__`` is a dataclass one."""


class Author(DataclassBase):
    __tablename__ = "sa_dc_author"

    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    name: Mapped[str] = mapped_column(sa.String(50))


class Book(DataclassBase):
    """No ``relationship()``: the factory copies the author's generated key."""

    __tablename__ = "sa_dc_book"

    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    title: Mapped[str] = mapped_column(sa.String(100))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("sa_dc_author.id"))


imperative = registry()

account_table = sa.Table(
    "sa_imp_account",
    imperative.metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("login", sa.String(50), nullable=False),
)


class Account:
    """A plain class, mapped imperatively onto ``account_table``."""

    id: int | None

    def __init__(self, login: str) -> None:
        self.login = login


imperative.map_imperatively(Account, account_table)


class SqlModelHero(SQLModel, table=True):
    __tablename__ = "sa_sqlmodel_hero"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=50)
    power: int = 0
