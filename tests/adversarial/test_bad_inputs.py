"""Errors a user can cause name the factory, the wrong thing and the fix (issue 24, item 4).

An unmapped ``Meta.model`` (SQLAlchemy), or one that is not the backend's kind of class
(Tortoise, Beanie and ODMantic unless embedded), is refused where the factory is defined; a
SubFactory or RelatedFactory to a sync factory_boy persistence factory is refused at the
create, naming the outer factory, the sync one and the async class to derive it from, on
both resolution paths (the fast path and factory_boy's own).
"""

from __future__ import annotations

from typing import Any

import factory
import factory.alchemy
import pydantic
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

from async_factory_boy import _codegen, _plan
from async_factory_boy.errors import FactoryConfigurationError
from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory
from tests.sqlalchemy.models import Company, User


class Plain:
    def __init__(self, **kwargs: Any) -> None:
        self.__dict__.update(kwargs)


class Note(pydantic.BaseModel):
    text: str = ""


class AbstractBase(DeclarativeBase):
    __abstract__ = True


def test_an_unmapped_model_is_refused_when_the_factory_is_defined() -> None:
    with pytest.raises(FactoryConfigurationError) as raised:

        class PlainFactory(AsyncSQLAlchemyModelFactory[Plain]):
            class Meta:
                model = Plain

    message = str(raised.value)
    assert message.startswith("PlainFactory: Meta.model Plain is not a mapped SQLAlchemy class")
    assert "__tablename__" in message
    assert "abstract = True" in message


def test_an_abstract_declarative_base_is_not_a_mapped_model() -> None:
    with pytest.raises(FactoryConfigurationError, match=r"^BaseFactory: Meta.model AbstractBase"):

        class BaseFactory(AsyncSQLAlchemyModelFactory[Any]):
            class Meta:
                model = AbstractBase


def test_an_abstract_factory_may_name_an_unmapped_model() -> None:
    class BaseFactory(AsyncSQLAlchemyModelFactory[Any]):
        class Meta:
            model = AbstractBase
            abstract = True

    assert BaseFactory._meta.abstract


def test_a_tortoise_factory_needs_a_tortoise_model() -> None:
    from async_factory_boy.factory.tortoise import AsyncTortoiseModelFactory

    with pytest.raises(FactoryConfigurationError) as raised:

        class PlainFactory(AsyncTortoiseModelFactory[Plain]):
            class Meta:
                model = Plain

    assert str(raised.value).startswith(
        "PlainFactory: Meta.model Plain is not a Tortoise model (a subclass of "
        "tortoise.models.Model)"
    )


def test_a_beanie_factory_needs_a_document_unless_embedded() -> None:
    from async_factory_boy.factory.beanie import AsyncBeanieFactory

    with pytest.raises(FactoryConfigurationError) as raised:

        class NoteFactory(AsyncBeanieFactory[Note]):
            class Meta:
                model = Note

    assert str(raised.value).startswith(
        "NoteFactory: Meta.model Note is not a Beanie document (a subclass of beanie.Document)"
    )
    assert "embedded = True" in str(raised.value)

    class EmbeddedNoteFactory(AsyncBeanieFactory[Note]):
        class Meta:
            model = Note
            embedded = True

    class InheritingFactory(EmbeddedNoteFactory):  # inherits the model and embedded
        pass

    assert InheritingFactory._meta.model is Note


def test_an_odmantic_factory_needs_a_model_unless_embedded() -> None:
    from async_factory_boy.factory.odmantic import AsyncODManticFactory

    with pytest.raises(FactoryConfigurationError) as raised:

        class NoteFactory(AsyncODManticFactory[Note]):
            class Meta:
                model = Note

    assert str(raised.value).startswith(
        "NoteFactory: Meta.model Note is not an ODMantic model (a subclass of odmantic.Model)"
    )

    class EmbeddedNoteFactory(AsyncODManticFactory[Note]):
        class Meta:
            model = Note
            embedded = True

    assert EmbeddedNoteFactory._meta.embedded


def test_an_odm_base_factory_without_a_model_is_not_refused() -> None:
    from async_factory_boy.factory.beanie import AsyncBeanieFactory

    class BaseFactory(AsyncBeanieFactory[Any]):  # shared declarations, no Meta
        stamp = "x"

    assert BaseFactory._meta.model is dict


class SyncCompanyFactory(factory.alchemy.SQLAlchemyModelFactory):  # type: ignore[misc]  # untyped base
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"sync {n}")


class SyncUserFactory(factory.alchemy.SQLAlchemyModelFactory):  # type: ignore[misc]  # untyped base
    class Meta:
        model = User

    name = "member"


class PlainCompanyFactory(factory.Factory):  # type: ignore[misc]  # untyped base
    """factory_boy's plain Factory over a mapped class: its create() saves nothing."""

    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"plain {n}")


class PlainUserFactory(factory.Factory):  # type: ignore[misc]  # untyped base
    class Meta:
        model = User

    name = "plain member"


class PlainSubUserFactory(AsyncSQLAlchemyModelFactory[User]):
    class Meta:
        model = User

    name = "user"
    company = factory.SubFactory(PlainCompanyFactory)


class PlainRelatedCompanyFactory(AsyncSQLAlchemyModelFactory[Company]):
    class Meta:
        model = Company

    name = "company"
    member = factory.RelatedFactory(PlainUserFactory, factory_related_name="company")


class UserFactory(AsyncSQLAlchemyModelFactory[User]):
    class Meta:
        model = User

    name = factory.Sequence(lambda n: f"user {n}")
    company = factory.SubFactory(SyncCompanyFactory)


class CompanyFactory(AsyncSQLAlchemyModelFactory[Company]):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"company {n}")
    member = factory.RelatedFactory(SyncUserFactory, factory_related_name="company")


@pytest.fixture(params=["generated code", "fast path", "factory_boy's path"])
def resolution_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each resolution path in turn (the plans' generated builds, their loop, factory_boy's)."""
    monkeypatch.setattr(_plan, "ENABLED", request.param != "factory_boy's path")
    monkeypatch.setattr(_codegen, "ENABLED", request.param == "generated code")
    monkeypatch.setattr(_codegen, "HOT_AFTER", 1)
    path: str = request.param
    return path


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("factory_class", "outer", "inner"),
    [
        (UserFactory, "UserFactory", "SyncCompanyFactory"),
        (CompanyFactory, "CompanyFactory", "SyncUserFactory"),
    ],
)
async def test_a_sync_factory_boy_factory_reached_from_create_async_is_named(
    sqlite_session: AsyncSession, resolution_path: str, factory_class: Any, outer: str, inner: str
) -> None:
    with pytest.raises(FactoryConfigurationError) as raised:
        await factory_class.create_async(sqlalchemy_session=sqlite_session)

    message = str(raised.value)
    assert message.startswith(f"{outer} reaches {inner} (a SubFactory or RelatedFactory)")
    assert "sync factory_boy SQLAlchemyModelFactory" in message
    assert (
        f"make {inner} subclass async_factory_boy.factory.sqlalchemy.AsyncSQLAlchemyModelFactory"
        in message
    )
    await sqlite_session.rollback()


@pytest.mark.asyncio
async def test_building_through_a_sync_factory_boy_factory_still_works() -> None:
    user = await UserFactory.build_async()
    assert user.company is not None
    assert user.company.name.startswith("sync ")


@pytest.mark.asyncio
async def test_a_sync_factory_already_built_through_is_still_refused_under_create(
    sqlite_session: AsyncSession, resolution_path: str
) -> None:
    """Built once, the sync factory's plan has its generated build, which the outer
    generated build calls directly: it refuses the create strategy the same way."""
    await UserFactory.build_batch_async(2)
    with pytest.raises(FactoryConfigurationError) as raised:
        await UserFactory.create_async(sqlalchemy_session=sqlite_session)

    assert str(raised.value).startswith(
        "UserFactory reaches SyncCompanyFactory (a SubFactory or RelatedFactory)"
    )
    await sqlite_session.rollback()


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("factory_class", "outer", "inner", "model"),
    [
        (PlainSubUserFactory, "PlainSubUserFactory", "PlainCompanyFactory", "Company"),
        (PlainRelatedCompanyFactory, "PlainRelatedCompanyFactory", "PlainUserFactory", "User"),
    ],
)
async def test_a_plain_factory_over_a_mapped_class_reached_from_create_async_is_named(
    sqlite_session: AsyncSession,
    resolution_path: str,
    factory_class: Any,
    outer: str,
    inner: str,
    model: str,
) -> None:
    """Without the error, the RelatedFactory's row was lost (an SAWarning, no row) and the
    SubFactory's saved only through the relationship's cascade."""
    with pytest.raises(FactoryConfigurationError) as raised:
        await factory_class.create_async(sqlalchemy_session=sqlite_session)

    message = str(raised.value)
    assert message.startswith(
        f"{outer} reaches {inner} (a SubFactory or RelatedFactory), a sync factory_boy "
        f"Factory (its create() does not save {model}, a mapped class)"
    )
    assert (
        f"make {inner} subclass async_factory_boy.factory.sqlalchemy.AsyncSQLAlchemyModelFactory"
        in message
    )
    await sqlite_session.rollback()
    for table in (User, Company):
        rows = await sqlite_session.execute(sa.select(sa.func.count()).select_from(table))
        assert rows.scalar_one() == 0


@pytest.mark.asyncio
async def test_building_through_a_plain_factory_still_works() -> None:
    user = await PlainSubUserFactory.build_async()
    assert user.company is not None
    assert user.company.name.startswith("plain ")
