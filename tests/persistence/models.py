"""Plain model classes and the factories the persistence tests save through handlers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import factory

from async_factory_boy import AsyncFactory


@dataclass
class Company:
    name: str
    id: int | None = None


@dataclass
class User:
    name: str
    email: str
    company: Company | None = None
    id: int | None = None


@dataclass
class Membership:
    user: User
    role: str = "member"
    id: int | None = None


@dataclass
class Token:
    value: str
    token_id: uuid.UUID | None = None


@dataclass
class Tagged:
    tags: list[str] = field(default_factory=list)
    id: int | None = None


class CompanyFactory(AsyncFactory[Company]):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")


class UserFactory(AsyncFactory[User]):
    class Meta:
        model = User

    name = factory.Sequence(lambda n: f"User {n}")
    email = factory.LazyAttribute(lambda o: f"{o.name.replace(' ', '').lower()}@example.com")
    company = factory.SubFactory(CompanyFactory)


class MembershipFactory(AsyncFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
