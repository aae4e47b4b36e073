"""Models and factories for the seed's rows path (``test_seed_rows``).

Shelves and books: Python-side column defaults of every kind the writers apply (a scalar,
a zero-argument callable, one that reads the INSERT's context), a server default, a
nullable foreign key left unset; then one model or factory per thing that must keep the
object path (a hook, a listener, a validator, an ``__init__`` of its own, a
RelatedFactory), each on its own model so that its listener does not reach the others.
"""

from __future__ import annotations

from typing import Any

import factory
from sqlalchemy import ForeignKey, String, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column, relationship, validates

from async_factory_boy import AsyncFactory
from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory


class Base(DeclarativeBase):
    pass


def _shouted(context: Any) -> str:
    """A context-sensitive default: the row's own name, upper-cased."""
    return str(context.get_current_parameters()["name"]).upper()


class Shelf(Base):
    __tablename__ = "rows_shelf"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    code: Mapped[str] = mapped_column(String(10), default="S")
    made: Mapped[str] = mapped_column(String(10), default=lambda: "made")
    shout: Mapped[str] = mapped_column(String(50), default=_shouted)
    note: Mapped[str] = mapped_column(String(10), server_default=text("'n'"))
    books: Mapped[list[Book]] = relationship(back_populates="shelf", foreign_keys="Book.shelf_id")


class Book(Base):
    __tablename__ = "rows_book"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(50), unique=True)
    pages: Mapped[int | None] = mapped_column(default=None)
    shelf_id: Mapped[int | None] = mapped_column(ForeignKey("rows_shelf.id"))
    shelf: Mapped[Shelf | None] = relationship(back_populates="books", foreign_keys=[shelf_id])
    backup_shelf_id: Mapped[int | None] = mapped_column(ForeignKey("rows_shelf.id"))
    backup_shelf: Mapped[Shelf | None] = relationship(foreign_keys=[backup_shelf_id])


class Listened(Base):
    """A ``before_insert`` mapper listener: it must see real objects."""

    __tablename__ = "rows_listened"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))


@event.listens_for(Listened, "before_insert")
def _stamp(mapper: Mapper[Listened], connection: Connection, target: Listened) -> None:
    target.name = f"{target.name} (listened)"


class Validated(Base):
    """A ``@validates`` validator: it runs when the object's attribute is set."""

    __tablename__ = "rows_validated"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))

    @validates("name")
    def _upper(self, key: str, value: str) -> str:
        return value.upper()


class Initialized(Base):
    """An ``__init__`` of its own."""

    __tablename__ = "rows_initialized"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.name = f"{self.name} (init)"


class ShelfFactory(AsyncSQLAlchemyModelFactory[Shelf]):
    class Meta:
        model = Shelf

    name = factory.Sequence(lambda n: f"shelf {n}")


class BookFactory(AsyncSQLAlchemyModelFactory[Book]):
    """Parents through SubFactory, a value read from the parent, an explicit ``None``."""

    class Meta:
        model = Book

    shelf = factory.SubFactory(ShelfFactory)
    backup_shelf = None
    title = factory.LazyAttribute(lambda o: f"book on {o.shelf.name}")
    pages = factory.Sequence(lambda n: n * 10 if n % 2 else None)


class PlainBookFactory(AsyncFactory[Book]):
    """The core's own factory (persistence handlers, none given) of a mapped model."""

    class Meta:
        model = Book

    shelf = factory.SubFactory(ShelfFactory)
    title = factory.Sequence(lambda n: f"plain book {n}")


class CollidingBookFactory(BookFactory):
    """Titles repeat every third book: the batch holding the repeat fails at its INSERT."""

    title = factory.Sequence(lambda n: f"colliding {n % 3}")


class HookedBookFactory(BookFactory):
    @factory.post_generation
    def signed(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        self.title = f"{self.title} (signed)"


class ShelfWithBooksFactory(ShelfFactory):
    books = factory.RelatedFactoryList(
        BookFactory,
        factory_related_name="shelf",
        size=2,
        title=factory.Sequence(lambda n: f"related {n}"),
    )


class ShelfWithListedBooksFactory(ShelfFactory):
    """A one-to-many collection declared as a list: the object path, known before building."""

    books = factory.List([factory.SubFactory(PlainBookFactory, shelf=None) for _ in range(2)])


class KeyReadingBookFactory(BookFactory):
    """Reads the parent's generated key: a row record cannot answer, the batch is rebuilt."""

    title = factory.LazyAttribute(lambda o: f"book on shelf #{o.shelf.id}")


class ListenedFactory(AsyncSQLAlchemyModelFactory[Listened]):
    class Meta:
        model = Listened

    name = factory.Sequence(lambda n: f"listened {n}")


class ValidatedFactory(AsyncSQLAlchemyModelFactory[Validated]):
    class Meta:
        model = Validated

    name = factory.Sequence(lambda n: f"validated {n}")


class InitializedFactory(AsyncSQLAlchemyModelFactory[Initialized]):
    class Meta:
        model = Initialized

    name = factory.Sequence(lambda n: f"initialized {n}")


#: Factories the rows path takes.
ROWS = ("BookFactory", "PlainBookFactory", "ShelfFactory")
#: Factories that keep the object path, and why.
OBJECTS = {
    "HookedBookFactory": "a post-generation hook",
    "ShelfWithBooksFactory": "a RelatedFactoryList",
    "ShelfWithListedBooksFactory": "a one-to-many collection declared as a List",
    "ListenedFactory": "a before_insert listener",
    "ValidatedFactory": "a @validates validator",
    "InitializedFactory": "an __init__ of its own",
}
