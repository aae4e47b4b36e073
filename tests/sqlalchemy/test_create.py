"""``create_async``: a persisted object, its SubFactory objects in the same session."""

from __future__ import annotations

from typing import Any

import factory
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from async_factory_boy import AsyncFactory, MissingSessionError, await_
from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory

from .factories import CompanyFactory, MembershipFactory, UserFactory
from .models import Company, Tag, User

pytestmark = pytest.mark.asyncio


async def test_create_returns_a_flushed_object_with_its_key(session: AsyncSession) -> None:
    user = await UserFactory.create_async(sqlalchemy_session=session)

    assert user.id is not None
    assert user in session
    assert await session.get(User, user.id) is user


async def test_subfactory_objects_go_to_the_same_session(session: AsyncSession) -> None:
    user = await UserFactory.create_async(sqlalchemy_session=session)

    assert user.company is not None
    assert user.company.id is not None
    assert user.company_id == user.company.id
    assert user.company in session


async def test_overrides_reach_the_model_and_subfactories(session: AsyncSession) -> None:
    user = await UserFactory.create_async(
        name="ada", company__name="analytical", sqlalchemy_session=session
    )

    stored = await session.scalar(select(User).where(User.name == "ada"))
    assert stored is user
    assert user.company.name == "analytical"


async def test_a_declaration_reads_the_generated_key_of_a_subfactory_object(
    session: AsyncSession,
) -> None:
    membership = await MembershipFactory.create_async(sqlalchemy_session=session)

    company = await session.get(Company, membership.company_id)
    assert company is not None
    assert membership.id is not None


async def test_related_factory_rows_exist_when_create_returns(session: AsyncSession) -> None:
    class CompanyWithStaffFactory(CompanyFactory):
        staff = factory.RelatedFactoryList(UserFactory, factory_related_name="company", size=3)

    company = await CompanyWithStaffFactory.create_async(sqlalchemy_session=session)

    count = await session.scalar(
        select(func.count()).select_from(User).where(User.company_id == company.id)
    )
    assert count == 3


async def test_async_post_generation_hook_receives_the_flushed_instance(
    session: AsyncSession,
) -> None:
    seen: list[int | None] = []

    class AuditedUserFactory(UserFactory):
        @factory.post_generation
        async def audit(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
            seen.append(obj.id)

    user = await AuditedUserFactory.create_async(sqlalchemy_session=session)

    assert seen == [user.id]
    assert user.id is not None


async def test_a_nested_create_from_an_async_hook_uses_the_call_session(
    session: AsyncSession,
) -> None:
    class FoundingUserFactory(UserFactory):
        @factory.post_generation
        async def colleague(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
            await UserFactory.create_async(company=obj.company)

    user = await FoundingUserFactory.create_async(sqlalchemy_session=session)

    count = await session.scalar(
        select(func.count()).select_from(User).where(User.company_id == user.company_id)
    )
    assert count == 2


async def test_a_model_field_named_session_stays_a_field(session: AsyncSession) -> None:
    class TagFactory(AsyncSQLAlchemyModelFactory[Tag]):
        class Meta:
            model = Tag

        session = factory.Sequence(lambda n: f"morning {n}")
        label = "talk"

    tag = await TagFactory.create_async(session="evening", sqlalchemy_session=session)

    assert tag.session == "evening"
    assert tag.id is not None


async def test_build_async_adds_nothing_to_the_session(session: AsyncSession) -> None:
    user = await UserFactory.build_async(sqlalchemy_session=session)

    assert user.id is None
    assert user not in session
    assert user.company not in session


async def test_create_async_can_be_overridden_to_customise_persistence(
    session: AsyncSession,
) -> None:
    class ShoutingCompanyFactory(CompanyFactory):
        @classmethod
        async def _create_async(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Company:
            kwargs["name"] = kwargs["name"].upper()
            company: Company = await super()._create_async(model_class, *args, **kwargs)
            return company

    class ShoutingUserFactory(UserFactory):
        company = factory.SubFactory(ShoutingCompanyFactory, name="acme")

    user = await ShoutingUserFactory.create_async(sqlalchemy_session=session)

    assert user.company.name == "ACME"
    assert user.company.id is not None
    assert user.id is not None


async def test_a_sqlalchemy_factory_reached_from_another_factory_uses_the_call_session(
    session: AsyncSession,
) -> None:
    class PairFactory(AsyncFactory[dict[str, Any]]):
        class Meta:
            model = dict

        user = factory.SubFactory(UserFactory)

    pair = await PairFactory.create_async(sqlalchemy_session=session)

    assert pair["user"].id is not None
    assert pair["user"] in session


async def test_a_missing_session_names_the_factory_called_and_the_one_reached() -> None:
    class PairFactory(AsyncFactory[dict[str, Any]]):
        class Meta:
            model = dict

        user = factory.SubFactory(UserFactory)

    with pytest.raises(MissingSessionError, match=r"PairFactory.*sqlalchemy_session="):
        await PairFactory.create_async()


async def test_a_failed_call_takes_its_unwritten_objects_out_of_the_session(
    session: AsyncSession,
) -> None:
    def refuse(company: Company) -> str:
        assert company in session  # the SubFactory object was added already
        raise ValueError("no name today")

    class BrokenUserFactory(UserFactory):
        name = factory.LazyAttribute(lambda user: refuse(user.company))

    with pytest.raises(ValueError, match="no name today"):
        await BrokenUserFactory.create_async(sqlalchemy_session=session)

    assert not session.new
    assert await session.scalar(select(func.count()).select_from(Company)) == 0


async def test_a_declaration_loads_a_relationship_through_await(session: AsyncSession) -> None:
    company = await CompanyFactory.create_async(sqlalchemy_session=session)
    await UserFactory.create_batch_async(2, company=company, sqlalchemy_session=session)
    session.expire(company, ["users"])  # a plain read now would need a lazy load

    def staff_count(company: Company) -> int:
        await_(session.refresh(company, ["users"]))
        return len(company.users)

    class NewcomerFactory(UserFactory):
        name = factory.LazyAttribute(lambda user: f"newcomer #{staff_count(user.company) + 1}")

    newcomer = await NewcomerFactory.create_async(company=company, sqlalchemy_session=session)

    assert newcomer.name == "newcomer #3"


async def test_a_declaration_may_lazy_load_a_relationship(session: AsyncSession) -> None:
    company = await CompanyFactory.create_async(sqlalchemy_session=session)
    await UserFactory.create_batch_async(2, company=company, sqlalchemy_session=session)
    session.expire(company, ["users"])  # reading it now needs a lazy load from the database

    class NewcomerFactory(UserFactory):
        name = factory.LazyAttribute(lambda user: f"newcomer #{len(user.company.users) + 1}")

    newcomer = await NewcomerFactory.create_async(company=company, sqlalchemy_session=session)

    assert newcomer.name == "newcomer #3"
