"""Factories for the service's models: ``auto_fields`` fills every required field (a
SQLModel ``str`` is an ``AutoString``, a ``datetime`` SQLModel's aware ``UTCDateTime``), so
each factory declares only what the tests care about."""

from __future__ import annotations

import factory

from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory

from .models import Hero, HeroPowerLink, Power, Rank, Team


class TeamFactory(AsyncSQLAlchemyModelFactory[Team]):
    class Meta:
        model = Team
        auto_fields = True  # name (unique, readable), headquarters


class HeroFactory(AsyncSQLAlchemyModelFactory[Hero]):
    class Meta:
        model = Hero
        auto_fields = True  # name, email (unique), joined_at (aware), team (TeamFactory)

    class Params:
        veteran = factory.Trait(rank=Rank.veteran)


class PowerFactory(AsyncSQLAlchemyModelFactory[Power]):
    class Meta:
        model = Power
        auto_fields = True
        sqlalchemy_get_or_create = ("name",)  # one "flight" however many heroes fly


class HeroPowerLinkFactory(AsyncSQLAlchemyModelFactory[HeroPowerLink]):
    """A row of the link model: a hero and a power of its own, unless given."""

    class Meta:
        model = HeroPowerLink
        auto_fields = True
