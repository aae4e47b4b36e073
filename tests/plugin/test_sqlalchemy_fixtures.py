"""Registered SQLAlchemy factories on real databases: the bound factory fixture, linked
RelatedFactory objects, fixtures that make the rows ``create_async`` makes (RelatedFactory
keywords, RelatedFactoryList sizes, named registrations), ``getfixturevalue`` in async
tests, sync tests and the isolation of test data from the application.

One project per database (SQLite, PostgreSQL), run in pytest-asyncio's strict and auto
modes; each test function in it is one behaviour, and the run must pass them all.
"""

from __future__ import annotations

import pathlib

import pytest

from tests.plugin._project import run

MODELS = """
import factory
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory


class Base(DeclarativeBase):
    pass


class Company(Base):
    __tablename__ = "plugin_company"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class Employee(Base):
    __tablename__ = "plugin_employee"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    company_id: Mapped[int] = mapped_column(ForeignKey("plugin_company.id"))
    company: Mapped[Company] = relationship()


class CompanyFactory(AsyncSQLAlchemyModelFactory[Company]):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"company {n}")
    staff = factory.RelatedFactory("models.EmployeeFactory", "company")


class EmployeeFactory(AsyncSQLAlchemyModelFactory[Employee]):
    class Meta:
        model = Employee

    name = factory.Sequence(lambda n: f"employee {n}")
    company = factory.SubFactory(CompanyFactory, staff=None)


class Organization(Base):
    __tablename__ = "plugin_organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class Member(Base):
    __tablename__ = "plugin_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[bool] = mapped_column(default=False)
    organization_id: Mapped[int] = mapped_column(ForeignKey("plugin_organization.id"))
    organization: Mapped[Organization] = relationship()


class Ticket(Base):
    __tablename__ = "plugin_ticket"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("plugin_organization.id"))
    organization: Mapped[Organization] = relationship()


class AuditEntry(Base):
    __tablename__ = "plugin_audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("plugin_ticket.id"))
    ticket: Mapped[Ticket | None] = relationship()
    organization_id: Mapped[int] = mapped_column(ForeignKey("plugin_organization.id"))
    organization: Mapped[Organization] = relationship()


class OrganizationFactory(AsyncSQLAlchemyModelFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"organization {n}")


class MemberFactory(AsyncSQLAlchemyModelFactory[Member]):
    class Meta:
        model = Member

    organization = factory.SubFactory(OrganizationFactory)


class OrganizationWithStaffFactory(OrganizationFactory):
    owner = factory.RelatedFactory(MemberFactory, factory_related_name="organization", owner=True)
    staff = factory.RelatedFactoryList(MemberFactory, factory_related_name="organization", size=2)


class AuditEntryFactory(AsyncSQLAlchemyModelFactory[AuditEntry]):
    class Meta:
        model = AuditEntry

    ticket = None
    organization = factory.Maybe(
        "ticket",
        yes_declaration=factory.SelfAttribute("ticket.organization"),
        no_declaration=factory.SubFactory(OrganizationFactory),
    )


class TicketFactory(AsyncSQLAlchemyModelFactory[Ticket]):
    class Meta:
        model = Ticket

    organization = factory.SubFactory(OrganizationFactory)
    created_audit = factory.RelatedFactory(AuditEntryFactory, factory_related_name="ticket")
"""

CONFTEST = """
import pytest_asyncio
from sqlalchemy.ext.asyncio import create_async_engine

from async_factory_boy.pytest import isolated_session, register
from models import (
    AuditEntryFactory, Base, CompanyFactory, EmployeeFactory, MemberFactory,
    OrganizationFactory, OrganizationWithStaffFactory, TicketFactory,
)

register(CompanyFactory)
register(EmployeeFactory)
register(OrganizationFactory)
register(MemberFactory)
register(OrganizationWithStaffFactory, "staffed_org")
register(TicketFactory)
register(AuditEntryFactory)


@pytest_asyncio.fixture
async def db_engine():
    engine = create_async_engine({url!r})
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture
async def db_session(db_engine):
    async with isolated_session(db_engine) as session:
        yield session
"""

TESTS = """
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from async_factory_boy.pytest import register
from models import (
    AuditEntry, Company, CompanyFactory, Employee, EmployeeFactory, Member, Organization,
    OrganizationWithStaffFactory, Ticket, TicketFactory,
)

register(CompanyFactory, "partner")


async def count(session, model):
    return await session.scalar(select(func.count()).select_from(model))


async def rows_made_by(session, factory):
    # Rows per table before one create_async (what the fixture made), and what it added.
    tables = (Company, Employee, Organization, Member, Ticket, AuditEntry)
    before = [await count(session, model) for model in tables]
    await factory.create_async(sqlalchemy_session=session)
    after = [await count(session, model) for model in tables]
    return before, [a - b for a, b in zip(after, before)]


async def members_of(session):
    members = await session.scalars(select(Member).order_by(Member.id))
    return [(member.organization_id, member.owner) for member in members]


@pytest.mark.asyncio
async def test_named_fixture_makes_related_factory_keywords_and_list_sizes(staffed_org, db_session):
    expected = [(staffed_org.id, True), (staffed_org.id, False), (staffed_org.id, False)]
    assert await members_of(db_session) == expected
    made, by_create_async = await rows_made_by(db_session, OrganizationWithStaffFactory)
    assert made == by_create_async


class TestDefaultName:
    register(OrganizationWithStaffFactory)

    @pytest.mark.asyncio
    async def test_default_fixture_makes_the_same_rows(self, organization, db_session):
        expected = [(organization.id, True), (organization.id, False), (organization.id, False)]
        assert await members_of(db_session) == expected
        made, by_create_async = await rows_made_by(db_session, OrganizationWithStaffFactory)
        assert made == by_create_async


@pytest.mark.asyncio
async def test_related_object_is_linked_when_its_fixture_does_not_point_back(ticket, db_session):
    audit = await db_session.scalar(select(AuditEntry))
    assert (audit.ticket_id, audit.organization_id) == (ticket.id, ticket.organization_id)
    made, by_create_async = await rows_made_by(db_session, TicketFactory)
    assert made == by_create_async


@pytest.mark.asyncio
async def test_async_test_asks_for_a_model_fixture_with_getfixturevalue(request, db_session):
    employee = request.getfixturevalue("employee")
    assert await db_session.scalar(select(Employee.company_id)) == employee.company.id


@pytest.mark.asyncio
async def test_named_fixture_makes_its_own_related_object(partner, db_session):
    staff = await db_session.scalars(select(Employee.company_id))
    assert list(staff) == [partner.id]


def test_sync_test_gets_objects_written_through_the_session_fixture(employee):
    assert employee.id is not None and employee.company.id is not None


@pytest.mark.asyncio
async def test_related_factory_is_the_related_model_fixture(company, employee, db_session):
    assert employee.company is company
    assert await count(db_session, Employee) == 1


@pytest.mark.asyncio
async def test_factory_fixture_creates_through_the_session_fixture(employee_factory, db_session):
    assert issubclass(employee_factory, EmployeeFactory)
    one = await employee_factory(name="called")
    two = await employee_factory.create_batch_async(2)
    built = await employee_factory.build_async()
    assert one.name == "called" and one in db_session and all(e in db_session for e in two)
    assert built.id is None and built not in db_session
    assert await count(db_session, Employee) == 3


@pytest.mark.asyncio
async def test_factory_fixture_takes_another_session_when_given_one(db_engine, employee_factory):
    async with AsyncSession(db_engine) as other:
        employee = await employee_factory.create_async(sqlalchemy_session=other)
        assert employee in other
        await other.rollback()


@pytest.mark.asyncio
async def test_application_rollback_keeps_the_fixtures_rows(company, employee_factory, db_session):
    made = [company.name, (await employee_factory()).company.name]
    db_session.add(Company(name="the application's"))
    await db_session.flush()
    await db_session.rollback()
    names = await db_session.scalars(select(Company.name).order_by(Company.id))
    assert list(names) == made
"""


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> str:
    """Set up before ``pytester``, whose sys.modules snapshot must already hold the drivers."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
    url: str = request.getfixturevalue("postgres_asyncpg_url")
    return url


@pytest.mark.parametrize("mode", ["strict", "auto"])
def test_sqlalchemy_fixtures(database_url: str, pytester: pytest.Pytester, mode: str) -> None:
    pytester.makepyfile(models=MODELS, test_sqlalchemy=TESTS)
    pytester.makeconftest(CONFTEST.format(url=database_url))
    pytester.makeini(
        f"[pytest]\nasyncio_mode = {mode}\nasyncio_default_fixture_loop_scope = function\n"
    )
    run(pytester).assert_outcomes(passed=TESTS.count("def test_"))
