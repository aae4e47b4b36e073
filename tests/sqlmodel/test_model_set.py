"""``auto_fields = True`` on every SQLModel ``Field`` kind: 1,000 objects of each model on
SQLite and PostgreSQL, through SQLModel's own ``AsyncSession``, with no constraint violated;
readable values, aware datetimes where the column is aware; get_or_create on SQLModel's
session without its "use session.exec()" DeprecationWarning (an error in this suite)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory

from .conftest import auto_factory
from .models import MODELS, SmHero, SmLevel, SmMission, SmPowerLink, SmRole, SmTeam

pytestmark = pytest.mark.asyncio


def column_is_aware(model: type, name: str) -> bool:
    kind = model.__table__.c[name].type  # type: ignore[attr-defined]  # a table model
    return bool(getattr(getattr(kind, "impl_instance", kind), "timezone", False))


COUNT = 1000


async def test_a_thousand_objects_of_each_model_violate_no_constraint(
    session: AsyncSession,
) -> None:
    """A mission makes its hero (a hidden parent: a foreign key without a Relationship),
    which makes its team (a Relationship); a link makes a hero and a power. Two batches of
    auto factories thus write 1,000 rows and more of each of the five models."""
    for model in (SmMission, SmPowerLink):
        made = await auto_factory(model).create_batch_async(COUNT, sqlalchemy_session=session)
        await session.commit()  # deferred constraints are checked here at the latest
        assert len(made) == COUNT

    for model in MODELS:
        stored = await session.scalar(select(func.count()).select_from(model))
        assert stored is not None
        assert stored >= COUNT, model.__name__


async def test_values_have_the_fields_types_and_read_like_their_names(
    session: AsyncSession,
) -> None:
    hero = await auto_factory(SmHero).create_async(sqlalchemy_session=session)
    mission = await auto_factory(SmMission).create_async(sqlalchemy_session=session)

    assert isinstance(hero.team, SmTeam)
    assert hero.team_id == hero.team.id
    assert isinstance(hero.role, SmRole)
    assert isinstance(hero.level, SmLevel)
    assert isinstance(hero.token, uuid.UUID)
    assert isinstance(hero.wakes_at, datetime.time)
    assert isinstance(hero.team.budget, Decimal)
    assert isinstance(hero.team.founded, datetime.date)
    assert "@" in hero.email
    assert " " in hero.name
    assert hero.nickname is None
    assert hero.mentor_id is None
    # SQLModel >= 0.0.25 maps datetime to its aware UTCDateTime (which refuses naive values),
    # older versions to a naive DateTime: the value follows the column.
    assert (hero.joined_at.tzinfo is not None) == column_is_aware(SmHero, "joined_at")
    assert mission.starts_at.tzinfo is not None  # DateTime(timezone=True) via sa_column
    assert isinstance(mission.details, dict)
    assert await session.get(SmHero, mission.hero_id) is not None  # FK without Relationship
    assert len(mission.title) <= 120
    assert not mission.title.endswith(".")


async def test_a_link_model_gets_parents_of_its_own_and_fills_the_relation(
    session: AsyncSession,
) -> None:
    links = await auto_factory(SmPowerLink).create_batch_async(3, sqlalchemy_session=session)

    for link in links:
        hero = await session.get(SmHero, link.hero_id)
        assert hero is not None
        await session.refresh(hero, ["powers"])
        assert [power.id for power in hero.powers] == [link.power_id]


class TeamFactory(AsyncSQLAlchemyModelFactory[SmTeam]):
    class Meta:
        model = SmTeam
        auto_fields = True
        sqlalchemy_get_or_create = ("name",)


async def test_get_or_create_on_sqlmodels_session_emits_no_deprecation_warning(
    session: AsyncSession,
) -> None:
    """SQLModel's session warns on ``execute()`` (which ``scalars()`` calls); the lookup
    calls SQLAlchemy's own method. The suite turns that warning into an error."""
    first = await TeamFactory.create_async(name="Avengers", sqlalchemy_session=session)
    again = await TeamFactory.create_async(name="Avengers", sqlalchemy_session=session)

    assert again is first
    found = (await session.exec(select(SmTeam).where(SmTeam.name == "Avengers"))).all()
    assert len(found) == 1
