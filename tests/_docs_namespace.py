"""The names README.md and docs/*.md take for granted, for tests/test_docs_examples.py.

No ``from __future__ import annotations`` here: the models are declared inside a function (a
fresh registry per page, since pages declare models of their own), and SQLAlchemy must see
the ``Mapped[...]`` annotations as objects, not strings it would look up at module level.
"""

from collections.abc import AsyncIterator, Sequence
from typing import Any, Protocol, TypeVar


async def docs_namespace() -> dict[str, Any]:
    """What the pages take for granted: models with tables, a session, ``factory``."""
    import factory
    from sqlalchemy import ForeignKey
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

    class Base(DeclarativeBase):
        pass

    class Company(Base):
        __tablename__ = "company"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(default="")

    class User(Base):
        __tablename__ = "user"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(default="")
        email: Mapped[str | None]
        company_name: Mapped[str | None]
        avatar: Mapped[str | None]
        is_staff: Mapped[bool] = mapped_column(default=False)
        company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"))
        company: Mapped[Company | None] = relationship()

    class Post(Base):
        __tablename__ = "post"
        id: Mapped[int] = mapped_column(primary_key=True)
        title: Mapped[str] = mapped_column(default="")
        author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
        author: Mapped[User | None] = relationship()

    class Token:  # a model persistence.md registers with its own id settings
        token_id: str | None = None

    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    session = async_sessionmaker(engine, expire_on_commit=False)()
    from async_factory_boy import AsyncFactory, await_, current_call, in_bridge
    from async_factory_boy.errors import MissingSessionError

    class CompanyFactory(AsyncFactory[Company]):
        class Meta:
            model = Company

        name = factory.Sequence(lambda n: f"Company {n}")

    return {
        "__name__": "docs_example",
        # the imports the pages leave out
        "Any": Any,
        "AsyncIterator": AsyncIterator,
        "Protocol": Protocol,
        "Sequence": Sequence,
        "T": TypeVar("T"),
        "ForeignKey": ForeignKey,
        "Mapped": Mapped,
        "mapped_column": mapped_column,
        "relationship": relationship,
        "AsyncFactory": AsyncFactory,
        "MissingSessionError": MissingSessionError,
        "await_": await_,
        "current_call": current_call,
        "in_bridge": in_bridge,
        "CompanyFactory": CompanyFactory,
        "factory": factory,
        "AsyncSession": AsyncSession,
        "Base": Base,
        "Company": Company,
        "User": User,
        "Post": Post,
        "Token": Token,
        "engine": engine,
        "session": session,
    }
