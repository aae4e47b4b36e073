"""Models of the 1.0.1 compatibility tests (tables prefixed ``legacy_``)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Company(Base):
    __tablename__ = "legacy_company"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class User(Base):
    __tablename__ = "legacy_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(200), unique=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("legacy_company.id"))
    company: Mapped[Company] = relationship()
    company_name: Mapped[str] = mapped_column(String(100))
    bio: Mapped[str | None] = mapped_column(String(300), default=None)
    posts: Mapped[list[Post]] = relationship(back_populates="author")


class Post(Base):
    __tablename__ = "legacy_post"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    author_id: Mapped[int] = mapped_column(ForeignKey("legacy_user.id"))
    author: Mapped[User] = relationship(back_populates="posts")


class Tag(Base):
    __tablename__ = "legacy_tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(50), unique=True)
