"""The two models every backend kit stores: a ``Parent`` with a unique name, and a ``Child``
that references one (a SubFactory in every kit).

SQL backends map them as tables; the Mongo factory stores dict documents; the handlers
(``MemoryPersistence``, ``MongoPersistence``) store the dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class SQLParent(Base):
    __tablename__ = "contract_parent"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)


class SQLChild(Base):
    __tablename__ = "contract_child"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    parent_id: Mapped[int] = mapped_column(ForeignKey("contract_parent.id"))
    parent: Mapped[SQLParent] = relationship()


@dataclass
class Parent:
    name: str
    id: Any = None


@dataclass
class Child:
    label: str
    parent: Parent
    id: Any = None
