"""Models and factories of the bulk-write tests: one shape each, on a metadata of their own.

Each model is there for one question: is the bulk write equal to the flush (plain keys,
defaults, server defaults, one-to-many, many-to-many, self-reference), or does it hand the
batch to the flush (inheritance, a version counter, ``post_update``)?
"""

from __future__ import annotations

import datetime
from typing import Any

import factory
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory


class Base(DeclarativeBase):
    """Tables prefixed ``sab_``, created per run of a test."""


class Firm(Base):
    __tablename__ = "sab_firm"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50), unique=True)
    staff: Mapped[list[Worker]] = relationship(back_populates="firm")


class Worker(Base):
    """Python-side default, server defaults, a nullable column left unset."""

    __tablename__ = "sab_worker"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    nickname: Mapped[str | None] = mapped_column(sa.String(50))
    level: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(sa.String(20), server_default="new")
    joined: Mapped[datetime.datetime] = mapped_column(server_default=sa.func.now())
    firm_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sab_firm.id"))
    firm: Mapped[Firm | None] = relationship(back_populates="staff")
    skills: Mapped[list[Skill]] = relationship(secondary="sab_skill_link", back_populates="holders")


skill_link = sa.Table(
    "sab_skill_link",
    Base.metadata,
    sa.Column("worker_id", sa.ForeignKey("sab_worker.id"), primary_key=True),
    sa.Column("skill_id", sa.ForeignKey("sab_skill.id"), primary_key=True),
)


class Skill(Base):
    __tablename__ = "sab_skill"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(50))
    holders: Mapped[list[Worker]] = relationship(secondary=skill_link, back_populates="skills")


class Note(Base):
    """Self-referential: a note replying to another note of the same batch."""

    __tablename__ = "sab_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(sa.String(50))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sab_note.id"))
    parent: Mapped[Note | None] = relationship(remote_side=[id])


class Versioned(Base):
    """A version counter: the flush sets it, the bulk path must not."""

    __tablename__ = "sab_versioned"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(50))
    version: Mapped[int] = mapped_column()
    __mapper_args__: Any = {"version_id_col": version}


class Animal(Base):
    """Joined-table inheritance."""

    __tablename__ = "sab_animal"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(50))
    __mapper_args__: Any = {"polymorphic_on": kind, "polymorphic_identity": "animal"}


class Dog(Animal):
    __tablename__ = "sab_dog"

    id: Mapped[int] = mapped_column(sa.ForeignKey("sab_animal.id"), primary_key=True)
    bark: Mapped[str] = mapped_column(sa.String(20))
    __mapper_args__: Any = {"polymorphic_identity": "dog"}


class Ring(Base):
    """``post_update``: the flush writes the row, then UPDATEs the reference."""

    __tablename__ = "sab_ring"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(50))
    next_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sab_ring.id"))
    next: Mapped[Ring | None] = relationship(remote_side=[id], post_update=True)


class FirmFactory(AsyncSQLAlchemyModelFactory[Firm]):
    class Meta:
        model = Firm

    name = factory.Sequence(lambda n: f"firm {n}")


class WorkerFactory(AsyncSQLAlchemyModelFactory[Worker]):
    class Meta:
        model = Worker

    name = factory.Sequence(lambda n: f"worker {n}")
    firm = factory.SubFactory(FirmFactory)


class SkilledWorkerFactory(WorkerFactory):
    """Each worker with two new skills (many-to-many, both sides filled by the backref)."""

    @factory.post_generation
    def skills(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        for index in range(2):
            self.skills.append(Skill(label=f"{self.name} skill {index}"))


class NoteFactory(AsyncSQLAlchemyModelFactory[Note]):
    """A reply and the note it replies to, both in the batch."""

    class Meta:
        model = Note

    text = factory.Sequence(lambda n: f"reply {n}")
    parent = factory.LazyAttribute(lambda o: Note(text=f"{o.text} parent"))


class KeyReadingWorkerFactory(WorkerFactory):
    """Reads the firm's generated key mid-batch (flush on demand), relationship set too."""

    firm_id = factory.SelfAttribute("firm.id")


class VersionedFactory(AsyncSQLAlchemyModelFactory[Versioned]):
    class Meta:
        model = Versioned

    label = factory.Sequence(lambda n: f"versioned {n}")


class DogFactory(AsyncSQLAlchemyModelFactory[Dog]):
    class Meta:
        model = Dog

    name = factory.Sequence(lambda n: f"dog {n}")
    bark = "woof"


class RingFactory(AsyncSQLAlchemyModelFactory[Ring]):
    class Meta:
        model = Ring

    label = factory.Sequence(lambda n: f"ring {n}")
    next = factory.LazyAttribute(lambda o: Ring(label=f"{o.label} next"))


FACTORIES = [
    FirmFactory,
    WorkerFactory,
    SkilledWorkerFactory,
    NoteFactory,
    KeyReadingWorkerFactory,
    VersionedFactory,
    DogFactory,
    RingFactory,
]
