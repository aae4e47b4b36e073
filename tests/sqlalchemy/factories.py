"""Factories of the test models, written as a user would write them."""

from __future__ import annotations

import factory

from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory

from .models import Company, Membership, User


class CompanyFactory(AsyncSQLAlchemyModelFactory[Company]):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"company {n}")


class UserFactory(AsyncSQLAlchemyModelFactory[User]):
    class Meta:
        model = User

    name = factory.Sequence(lambda n: f"user {n}")
    company = factory.SubFactory(CompanyFactory)


class MembershipFactory(AsyncSQLAlchemyModelFactory[Membership]):
    """Reads the company's generated key: no ``relationship()`` to lean on."""

    class Meta:
        model = Membership
        exclude = ("company",)

    company = factory.SubFactory(CompanyFactory)
    company_id = factory.SelfAttribute("company.id")
    role = "member"
