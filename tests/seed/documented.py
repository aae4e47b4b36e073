"""Models and factories with every declaration and hook the docs show (seed.md, sqlalchemy.md).

The seed command must store exactly the rows ``create_batch_async`` stores for each of them
(``test_seed_equals_create_batch``).
"""

from __future__ import annotations

from typing import Any

import factory
from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from async_factory_boy import AsyncFactory, await_, current_call
from async_factory_boy.factory.mongo import AsyncMongoFactory
from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory


class Base(AsyncAttrs, DeclarativeBase):
    pass


member_tags = Table(
    "doc_member_tags",
    Base.metadata,
    Column("member_id", ForeignKey("doc_member.id"), primary_key=True),
    Column("tag_id", ForeignKey("doc_tag.id"), primary_key=True),
)


class Company(Base):
    __tablename__ = "doc_company"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    users: Mapped[list[User]] = relationship(back_populates="company")


class User(Base):
    __tablename__ = "doc_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(100), default="")
    company_id: Mapped[int | None] = mapped_column(ForeignKey("doc_company.id"))
    company: Mapped[Company | None] = relationship(back_populates="users")


class Membership(Base):
    """No ``relationship()``: its factory reads the company's generated key."""

    __tablename__ = "doc_membership"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("doc_company.id"))
    role: Mapped[str] = mapped_column(String(20))


class AuditEntry(Base):
    __tablename__ = "doc_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("doc_user.id"))
    subject: Mapped[User] = relationship()


class Tag(Base):
    __tablename__ = "doc_tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))


class Member(Base):
    __tablename__ = "doc_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    tags: Mapped[list[Tag]] = relationship(secondary=member_tags)


class CompanyFactory(AsyncSQLAlchemyModelFactory[Company]):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")


class UserFactory(AsyncSQLAlchemyModelFactory[User]):
    class Meta:
        model = User

    class Params:
        vip = factory.Trait(name=factory.LazyAttribute(lambda o: f"VIP {o.company.name}"))

    name = factory.Sequence(lambda n: f"user {n}")
    company = factory.SubFactory(CompanyFactory)


class ChildOfUserFactory(UserFactory):
    """The issue's case: a declaration reads the generated key of a SubFactory object."""

    label = factory.LazyAttribute(lambda o: f"child-of-{o.company.id}")


class UnflushedChildFactory(ChildOfUserFactory):
    """``sqlalchemy_session_persistence = None``: added to the session, never flushed for."""

    class Meta:
        sqlalchemy_session_persistence = None

    company = factory.SubFactory(
        CompanyFactory, name=factory.LazyAttribute(lambda o: f"Unflushed {o.factory_parent.name}")
    )


class CommittedChildFactory(ChildOfUserFactory):
    """``sqlalchemy_session_persistence = "commit"``."""

    class Meta:
        sqlalchemy_session_persistence = "commit"


class CountingUserFactory(UserFactory):
    """Reads a relationship collection of a sub-object (a lazy load on a persistent one)."""

    label = factory.LazyAttribute(lambda user: f"{len(user.company.users)} colleagues")


class VipUserFactory(UserFactory):
    """Trait, Maybe, ``__`` overrides, SelfAttribute on a sub-object, a lazy load."""

    vip = True
    company__name = factory.Sequence(lambda n: f"VIP company {n}")
    label = factory.Maybe(
        factory.SelfAttribute("vip"),
        yes_declaration=factory.SelfAttribute("company.name"),
        no_declaration="plain",
    )


class CompanyWithUsersFactory(CompanyFactory):
    """RelatedFactory, and a sync hook that reads a relationship (a lazy load)."""

    users = factory.RelatedFactoryList(UserFactory, factory_related_name="company", size=2)

    @factory.post_generation
    def rename(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        self.name = f"{self.name} ({len(self.users)} users)"


class MembershipFactory(AsyncSQLAlchemyModelFactory[Membership]):
    class Meta:
        model = Membership
        exclude = ("company",)

    company = factory.SubFactory(CompanyFactory)
    company_id = factory.SelfAttribute("company.id")
    role = "member"


class AutoMembershipFactory(AsyncSQLAlchemyModelFactory[Membership]):
    """``auto_fields``: a hidden parent company whose key is read (flushed on demand)."""

    class Meta:
        model = Membership
        auto_fields = True


class AuditedUserFactory(UserFactory):
    """``_create_async`` overridden, adding an object through the call's session."""

    @classmethod
    async def _create_async(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        user = await super()._create_async(model_class, *args, **kwargs)
        session = current_call().get("sqlalchemy_session")  # type: ignore[union-attr]
        session.add(AuditEntry(subject=user))
        return user


class SharedCompanyFactory(CompanyFactory):
    """get_or_create: three names for any number of companies."""

    class Meta:
        sqlalchemy_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Shared {n % 3}")


class TagFactory(AsyncSQLAlchemyModelFactory[Tag]):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"tag {n}")


class MemberWithSyncHookFactory(AsyncSQLAlchemyModelFactory[Member]):
    """Many-to-many through a sync hook that calls another factory (``await_``)."""

    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"member {n}")

    @factory.post_generation
    def tags(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.tags.extend(await_(TagFactory.create_batch_async(2)))


class MemberWithAsyncHookFactory(MemberWithSyncHookFactory):
    """Many-to-many through an ``async def`` hook (``awaitable_attrs``), keys read in it."""

    @factory.post_generation
    async def tags(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            tags = await TagFactory.create_batch_async(2)
            (await self.awaitable_attrs.tags).extend(tags)
            self.name = f"{self.name} #{self.id}"


class CompanyWithUsersAsyncHookFactory(CompanyFactory):
    """CompanyWithUsersFactory's hook written ``async def``: written in bulk all the same."""

    users = factory.RelatedFactoryList(UserFactory, factory_related_name="company", size=2)

    @factory.post_generation
    async def rename(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        self.name = f"{self.name} ({len(await self.awaitable_attrs.users)} users)"


class KeyAwaitingUserFactory(UserFactory):
    """An ``async def`` hook that reads its generated key through ``awaitable_attrs``."""

    @factory.post_generation
    async def numbered(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        self.label = f"#{await self.awaitable_attrs.id}"


class SharedCompanyWithUsersFactory(SharedCompanyFactory):
    """get_or_create (through the session) with users taken over: each user hangs in
    ``Company.users`` (``back_populates``) of a company already in the session."""

    users = factory.RelatedFactoryList(UserFactory, factory_related_name="company", size=2)


class PlainCompanyFactory(AsyncFactory[Company]):
    """A plain AsyncFactory of a mapped model: it persists nothing itself, the seed writes it."""

    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Plain {n}")


class MongoCompanyFactory(AsyncMongoFactory[dict[str, Any]]):
    class Meta:
        collection = "companies"

    name = "Mongo"


class CrossBackendFactory(UserFactory):
    """Reaches a Mongo factory: a SQL seed cannot write it."""

    label = factory.LazyAttribute(lambda o: str(o.mongo_company["_id"]))
    mongo_company = factory.SubFactory(MongoCompanyFactory)

    class Meta:
        exclude = ("mongo_company",)


#: The factories the equality test seeds, in order.
DOCUMENTED = (
    "UserFactory",
    "ChildOfUserFactory",
    "UnflushedChildFactory",
    "CommittedChildFactory",
    "CountingUserFactory",
    "VipUserFactory",
    "CompanyWithUsersFactory",
    "MembershipFactory",
    "AutoMembershipFactory",
    "AuditedUserFactory",
    "SharedCompanyFactory",
    "MemberWithSyncHookFactory",
    "MemberWithAsyncHookFactory",
    "CompanyWithUsersAsyncHookFactory",
    "KeyAwaitingUserFactory",
    "SharedCompanyWithUsersFactory",
)
