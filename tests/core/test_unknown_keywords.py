"""A keyword nobody accepts is an error naming the factory, the keyword and the nearest
valid name, for SQLModel, declarative and imperative mappings and dataclasses, for
overrides and connection arguments, whatever the model's constructor does with it."""

from __future__ import annotations

import dataclasses
from typing import Any

import factory
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry, relationship
from sqlmodel import Field, SQLModel

from async_factory_boy import AsyncFactory, UnknownKeywordError
from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory

pytestmark = pytest.mark.asyncio


class KwUser(SQLModel, table=True):
    __tablename__ = "kw_user"
    id: int | None = Field(default=None, primary_key=True)
    email: str
    admin: bool = False


class Base(DeclarativeBase):
    pass


class KwCompany(Base):
    __tablename__ = "kw_company"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40))

    @property
    def label(self) -> str:
        return self.name

    @label.setter
    def label(self, value: str) -> None:
        self.name = value


class KwPlain:
    """Mapped imperatively, with a constructor of its own."""

    def __init__(self, title: str) -> None:
        self.title = title


_imperative = registry()
_imperative.map_imperatively(
    KwPlain,
    sa.Table(
        "kw_plain",
        _imperative.metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(40)),
    ),
)


@dataclasses.dataclass
class KwPoint:
    x: int
    y: int


class UserFactory(AsyncSQLAlchemyModelFactory[KwUser]):
    class Meta:
        model = KwUser

    email = factory.Sequence(lambda n: f"u{n}@example.com")

    class Params:
        boss = factory.Trait(admin=True)


class CompanyFactory(AsyncSQLAlchemyModelFactory[KwCompany]):
    class Meta:
        model = KwCompany

    name = "Acme"


class PlainFactory(AsyncSQLAlchemyModelFactory[KwPlain]):
    class Meta:
        model = KwPlain

    title = "t"


class PointFactory(AsyncFactory[KwPoint]):
    class Meta:
        model = KwPoint

    x = 1
    y = 2


CASES = [
    (UserFactory, {"admn": True}, "admn", "admin"),
    (UserFactory, {"emial": "x"}, "emial", "email"),
    (UserFactory, {"sqlalchemy_sesion": object()}, "sqlalchemy_sesion", "sqlalchemy_session"),
    (CompanyFactory, {"nmae": "x"}, "nmae", "name"),
    (CompanyFactory, {"sqlalchemy_sesion": object()}, "sqlalchemy_sesion", "sqlalchemy_session"),
    (PlainFactory, {"titel": "x"}, "titel", "title"),
    (PlainFactory, {"sqlalchemy_sesion": object()}, "sqlalchemy_sesion", "sqlalchemy_session"),
    (PointFactory, {"z": 3}, "z", None),
    (PointFactory, {"xx": 3}, "xx", "x"),
]


@pytest.mark.parametrize(("factory_class", "kwargs", "keyword", "nearest"), CASES)
async def test_an_unknown_keyword_names_the_factory_and_the_nearest_name(
    factory_class: Any, kwargs: dict[str, Any], keyword: str, nearest: str | None
) -> None:
    for call in (factory_class.build_async, factory_class.create_async):
        with pytest.raises(UnknownKeywordError) as info:
            await call(**kwargs)

        message = str(info.value)
        assert message.startswith(f"{factory_class.__name__}: unknown keyword {keyword!r}")
        assert info.value.keyword == keyword
        assert info.value.suggestion == nearest
        if nearest is not None:
            assert f"did you mean {nearest!r}?" in message
    with pytest.raises(UnknownKeywordError):
        factory_class.build(**kwargs)  # the sync build too
    assert isinstance(info.value, TypeError)  # what the constructors raised before


async def test_what_the_factory_and_the_model_accept_passes() -> None:
    user = await UserFactory.build_async(admin=True, id=3, boss=False, __sequence=4)
    company = await CompanyFactory.build_async(label="Renamed")  # a settable attribute
    point = await PointFactory.build_async(x=5)

    assert (user.admin, user.id, user.email) == (True, 3, "u4@example.com")
    assert company.name == "Renamed"
    assert point.x == 5


async def test_a_stub_takes_any_attribute() -> None:
    assert PointFactory.stub(z=3).z == 3  # a StubObject, not the model


async def test_a_factory_with_a_hook_taking_keywords_is_not_checked() -> None:
    class PasswordFactory(PointFactory):
        @classmethod
        def _adjust_kwargs(cls, **kwargs: Any) -> dict[str, Any]:
            kwargs.pop("password", None)
            return kwargs

    assert (await PasswordFactory.build_async(password="secret")).x == 1


class KwMember(Base):
    __tablename__ = "kw_member"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(40))
    company_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kw_company.id"))
    company: Mapped[KwCompany | None] = relationship()


class MemberFactory(AsyncSQLAlchemyModelFactory[KwMember]):
    class Meta:
        model = KwMember

    email = "m@example.com"
    company = factory.SubFactory(CompanyFactory)


class StaffedCompanyFactory(CompanyFactory):
    boss = factory.RelatedFactory(MemberFactory, factory_related_name="company", emial="b@x")


@pytest.mark.parametrize("strategy", ["build_async", "create_async", "build"])
async def test_a_sub_factorys_unknown_keyword_names_it_and_the_outer_factory(
    strategy: str,
) -> None:
    """``company__nmae=`` reaches CompanyFactory through MemberFactory's SubFactory: checked
    as CompanyFactory's own keyword, before anything is built."""
    engine = create_async_engine("sqlite+aiosqlite://")  # no tables: nothing may be sent
    session = {"sqlalchemy_session": AsyncSession(engine)} if strategy == "create_async" else {}

    async def call() -> Any:
        result = getattr(MemberFactory, strategy)(company__nmae="x", **session)
        return result if strategy == "build" else await result

    with pytest.raises(UnknownKeywordError) as info:
        await call()
    await engine.dispose()

    assert str(info.value).startswith(
        "CompanyFactory: unknown keyword 'nmae', passed by a SubFactory or RelatedFactory "
        "of MemberFactory"
    )
    assert info.value.suggestion == "name"
    assert (await MemberFactory.build_async(company__name="x")).company.name == "x"


async def test_a_related_factorys_declared_keyword_is_checked_too() -> None:
    with pytest.raises(UnknownKeywordError) as info:
        await StaffedCompanyFactory.build_async()

    assert str(info.value).startswith(
        "MemberFactory: unknown keyword 'emial', passed by a SubFactory or RelatedFactory "
        "of StaffedCompanyFactory"
    )
    assert info.value.suggestion == "email"
