"""Column types a real model uses, and the type-to-value table every deriver shares:
a ``TypeDecorator`` derives from its ``impl`` (its ``process_bind_param`` still runs), a
registered type (``FIELD_PROVIDERS``) is used, by its column type class or its Python type;
excluded and declared fields are removed before derivation; a declared foreign key
suppresses the hidden parent; readable values by name; aware datetimes where asked."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import uuid
from typing import Any

import factory
import pydantic
import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from async_factory_boy import FIELD_PROVIDERS, AsyncFactory, FieldFacts
from async_factory_boy.errors import FactoryConfigurationError

from .conftest import auto_factory, open_session

pytestmark = pytest.mark.asyncio


class Lowercase(sa.types.TypeDecorator[str]):
    """A project's own type: stored through ``String``, lowered on the way in."""

    impl = sa.String(30)
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else value.lower()


@dataclasses.dataclass(frozen=True)
class Rgb:
    red: int
    green: int
    blue: int


class RgbType(sa.types.TypeDecorator[Rgb]):
    """A type whose Python values are not its ``impl``'s: it names them itself."""

    impl = sa.String(7)
    cache_ok = True

    @property
    def python_type(self) -> type[Rgb]:
        return Rgb

    def process_bind_param(self, value: Rgb | None, dialect: Any) -> str | None:
        return None if value is None else f"#{value.red:02x}{value.green:02x}{value.blue:02x}"


class Hexadecimal(sa.types.TypeDecorator[str]):
    impl = sa.String(7)
    cache_ok = True


class Base(DeclarativeBase):
    pass


class Owner(Base):
    __tablename__ = "ty_owner"
    id: Mapped[int] = mapped_column(primary_key=True)


class Typed(Base):
    __tablename__ = "ty_typed"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(Lowercase)
    shade: Mapped[Rgb] = mapped_column(RgbType)
    tint: Mapped[str] = mapped_column(Hexadecimal)
    price: Mapped[decimal.Decimal] = mapped_column(sa.Numeric(7, 3))
    spent: Mapped[datetime.timedelta] = mapped_column(sa.Interval)
    blob: Mapped[bytes] = mapped_column(sa.LargeBinary(8))
    ref: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    ref_text: Mapped[str] = mapped_column(sa.Uuid(as_uuid=False))
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    document: Mapped[dict[str, Any]] = mapped_column(postgresql.JSONB)
    numbers: Mapped[list[int]] = mapped_column(postgresql.ARRAY(sa.Integer))
    when: Mapped[datetime.datetime] = mapped_column(sa.DateTime(timezone=True))
    contact_email: Mapped[str] = mapped_column(sa.String(40), unique=True)
    first_name: Mapped[str] = mapped_column(sa.String(5))
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("ty_owner.id"))


class Holder(Base):
    __tablename__ = "ty_holder"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("ty_owner.id"))
    owner: Mapped[Owner] = relationship()
    spot = sa.Column(sa.types.NullType(), nullable=False)


@pytest.fixture
def rgb_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        FIELD_PROVIDERS, Rgb, lambda field: factory.LazyFunction(lambda: Rgb(1, 2, 3))
    )


async def test_every_column_type_gets_a_value_of_its_python_type(rgb_registered: None) -> None:
    typed = await auto_factory(Typed).build_async()

    assert isinstance(typed.code, str)
    assert len(typed.code) <= 30
    assert typed.shade == Rgb(1, 2, 3)
    assert isinstance(typed.price, decimal.Decimal)
    assert -typed.price.as_tuple().exponent <= 3  # type: ignore[operator]  # an int here
    assert isinstance(typed.spent, datetime.timedelta)
    assert isinstance(typed.blob, bytes)
    assert len(typed.blob) <= 8
    assert isinstance(typed.ref, uuid.UUID)
    assert str(uuid.UUID(typed.ref_text)) == typed.ref_text
    assert isinstance(typed.payload, dict)
    assert isinstance(typed.document, dict)
    assert typed.numbers
    assert all(isinstance(n, int) for n in typed.numbers)
    assert typed.when.tzinfo is not None
    assert "@" in typed.contact_email  # readable by the name's last word
    assert len(typed.first_name) <= 5


async def test_a_type_decorator_keeps_its_bind_processing(
    sqlite_url: str, rgb_registered: None
) -> None:
    async with open_session(sqlite_url) as session:
        async with session.bind.begin() as connection:  # type: ignore[union-attr]
            await connection.run_sync(Base.metadata.create_all, tables=[Owner.__table__])
            await connection.execute(
                sa.text(
                    "CREATE TABLE ty_lower (id INTEGER PRIMARY KEY, code VARCHAR(30) NOT NULL,"
                    " shade VARCHAR(7) NOT NULL)"
                )
            )

        class Lower(Base):
            __tablename__ = "ty_lower"
            id: Mapped[int] = mapped_column(primary_key=True)
            code: Mapped[str] = mapped_column(Lowercase)
            shade: Mapped[Rgb] = mapped_column(RgbType)

        made = await auto_factory(Lower).create_async(code="MiXeD", sqlalchemy_session=session)
        stored = (await session.execute(sa.text("SELECT code, shade FROM ty_lower"))).one()

    assert made.code == "MiXeD"
    assert tuple(stored) == ("mixed", "#010203")


async def test_a_registered_column_type_wins_over_its_impl(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(FIELD_PROVIDERS, Rgb, factory.LazyFunction(lambda: Rgb(0, 0, 0)))
    monkeypatch.setitem(FIELD_PROVIDERS, Hexadecimal, factory.Faker("hex_color"))

    typed = await auto_factory(Typed).build_async()

    assert typed.tint.startswith("#")
    assert len(typed.tint) == 7


async def test_a_registered_python_type_serves_type_hints_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[FieldFacts] = []

    def provider(field: FieldFacts) -> Any:
        seen.append(field)
        return factory.LazyFunction(lambda: Rgb(9, 9, 9))

    monkeypatch.setitem(FIELD_PROVIDERS, Rgb, provider)

    @dataclasses.dataclass
    class Palette:
        main: Rgb

    class PaletteFactory(AsyncFactory[Palette]):
        class Meta:
            model = Palette
            auto_fields = True

    assert (await PaletteFactory.build_async()).main == Rgb(9, 9, 9)
    assert [field.name for field in seen] == ["main"]


async def test_an_unknown_type_names_the_registration_point() -> None:
    with pytest.raises(FactoryConfigurationError, match=r"FIELD_PROVIDERS\[<the type>\]"):
        auto_factory(Typed)  # Rgb is not registered here


async def test_excluded_and_declared_fields_are_removed_before_derivation() -> None:
    excluded = auto_factory(Holder, auto_fields_exclude=("spot",))
    declared = type("HolderFactory", (excluded,), {"spot": "here"})

    assert "spot" not in excluded.auto_declarations()
    assert (await declared.build_async()).spot == "here"


async def test_a_declared_foreign_key_suppresses_the_hidden_parent(
    rgb_registered: None,
) -> None:
    base = auto_factory(Typed)
    declared_key = type("TypedFactory", (base,), {"owner_id": 7})
    declared_relation = type(
        "HolderFactory", (auto_factory(Holder, auto_fields_exclude=("spot",)),), {"owner_id": 7}
    )

    assert "_owner_id_parent" in base.auto_declarations()
    assert "_owner_id_parent" not in declared_key.auto_declarations()
    assert "owner" not in declared_relation.auto_declarations()  # its column is declared
    assert (await declared_key.build_async()).owner_id == 7


class Profile(pydantic.BaseModel):
    email: str
    title: str
    url: str
    slug: str
    phone: str
    seen_at: pydantic.AwareDatetime
    noted_at: pydantic.NaiveDatetime


async def test_type_hints_get_readable_values_and_the_datetimes_they_ask_for() -> None:
    class ProfileFactory(AsyncFactory[Profile]):
        class Meta:
            model = Profile
            auto_fields = True

    profile = await ProfileFactory.build_async()

    assert "@" in profile.email
    assert profile.url.startswith("http")
    assert " " not in profile.slug
    assert " " in profile.title
    assert any(ch.isdigit() for ch in profile.phone)
    assert profile.seen_at.tzinfo is not None
    assert profile.noted_at.tzinfo is None
