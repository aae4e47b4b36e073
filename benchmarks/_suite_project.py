"""The generated project the suite benchmark runs pytest on, written three ways.

An issue tracker as a FastAPI app on SQLAlchemy, six models (organizations, users, projects,
tags, issues with a many-to-many to tags, comments), and a suite of ``MODULES x GROUPS x 6``
tests that call its endpoints with the data they need: a project with a batch of issues, an
issue with its tags, a comment on an issue (all its parents), rows the application commits.
The test bodies are the same in the three suites; what differs is how the data is made:

- ``factories``: ``async_factory_boy`` factories registered with the plugin (model fixtures,
  the bound factory fixture for batches), the test database per worker and the session-wide
  engine from the plugin (``worker_database``, ``db_engine``), ``isolated_session``;
- ``handwritten``: the same fixtures written by hand (``session.add`` and commit), on the same
  database fixtures and session;
- ``factoryboy``: factory_boy's ``SQLAlchemyModelFactory`` registered with pytest-factoryboy,
  on a sync ``Session`` (psycopg 3) joined to a rolled-back transaction per test, against the
  same app written with sync endpoints, through FastAPI's ``TestClient``; its database per
  worker is made by its conftest, as such a team writes it today (``CREATE DATABASE``,
  ``create_all``, ``DROP DATABASE`` per worker): the set-up the plugin does for the others.
"""

from __future__ import annotations

import pathlib

__all__ = ["SUITES", "test_count", "write_project"]

#: Test modules and groups of six tests per module: 10 x 4 x 6 = 240 tests.
MODULES = 10
GROUPS = 4
TESTS_PER_GROUP = 6

SUITES = ("factories", "handwritten", "factoryboy")

MODELS = """
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


issue_tag = sa.Table(
    "issue_tag",
    Base.metadata,
    sa.Column("issue_id", sa.ForeignKey("issue.id"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tag.id"), primary_key=True),
)


class Organization(Base):
    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"))
    organization: Mapped[Organization] = relationship()


class Project(Base):
    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"))
    organization: Mapped[Organization] = relationship()


class Tag(Base):
    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50), unique=True)


class Issue(Base):
    __tablename__ = "issue"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(20), default="open")
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("project.id"))
    project: Mapped[Project] = relationship()
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"))
    author: Mapped[User] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary=issue_tag)


class Comment(Base):
    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(sa.Text)
    issue_id: Mapped[int] = mapped_column(sa.ForeignKey("issue.id"))
    issue: Mapped[Issue] = relationship()
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"))
    author: Mapped[User] = relationship()
"""

# The async app; the sync one is derived from it (``_sync``).
APP = """
from fastapi import Depends, FastAPI, HTTPException
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from models import Comment, Issue, Project, Tag, User

app = FastAPI()


async def get_session() -> AsyncSession:
    raise RuntimeError("the tests override get_session")


class IssueIn(BaseModel):
    title: str
    project_id: int
    author_id: int
    tag_ids: list[int] = []


class CommentIn(BaseModel):
    body: str
    author_id: int


def issue_out(issue):
    return {
        "id": issue.id,
        "title": issue.title,
        "status": issue.status,
        "project_id": issue.project_id,
        "author_id": issue.author_id,
        "tags": sorted(tag.name for tag in issue.tags),
    }


@app.get("/projects/{project_id}/issues")
async def list_issues(project_id: int, session: AsyncSession = Depends(get_session)):
    query = (
        select(Issue)
        .where(Issue.project_id == project_id)
        .options(selectinload(Issue.tags))
        .order_by(Issue.id)
    )
    return [issue_out(issue) for issue in (await session.scalars(query)).all()]


@app.get("/issues/{issue_id}")
async def get_issue(issue_id: int, session: AsyncSession = Depends(get_session)):
    issue = await session.get(Issue, issue_id, options=[selectinload(Issue.tags)])
    if issue is None:
        raise HTTPException(404)
    return issue_out(issue)


@app.post("/issues", status_code=201)
async def create_issue(data: IssueIn, session: AsyncSession = Depends(get_session)):
    tags = []
    if data.tag_ids:
        tags = list((await session.scalars(select(Tag).where(Tag.id.in_(data.tag_ids)))).all())
    issue = Issue(
        title=data.title, project_id=data.project_id, author_id=data.author_id, tags=tags
    )
    session.add(issue)
    await session.commit()
    return {"id": issue.id}


@app.post("/issues/{issue_id}/close")
async def close_issue(issue_id: int, session: AsyncSession = Depends(get_session)):
    issue = await session.get(Issue, issue_id)
    if issue is None:
        raise HTTPException(404)
    issue.status = "closed"
    await session.commit()
    return {"status": issue.status}


@app.post("/issues/{issue_id}/comments", status_code=201)
async def add_comment(
    issue_id: int, data: CommentIn, session: AsyncSession = Depends(get_session)
):
    comment = Comment(issue_id=issue_id, author_id=data.author_id, body=data.body)
    session.add(comment)
    await session.commit()
    return {"id": comment.id}


@app.get("/projects/{project_id}/stats")
async def project_stats(project_id: int, session: AsyncSession = Depends(get_session)):
    project = await session.get(Project, project_id)
    if project is None:
        raise HTTPException(404)
    issues = await session.scalar(
        select(func.count()).select_from(Issue).where(Issue.project_id == project_id)
    )
    comments = await session.scalar(
        select(func.count()).select_from(Comment).join(Issue).where(Issue.project_id == project_id)
    )
    members = await session.scalar(
        select(func.count()).select_from(User).where(
            User.organization_id == project.organization_id
        )
    )
    return {"issues": issues, "comments": comments, "members": members}
"""

TESTS = """
async def test_list_issues_{n}(client, project, make_issues):
    await make_issues(project, 3)
    response = await client.get(f"/projects/{{project.id}}/issues")
    assert response.status_code == 200
    assert [issue["project_id"] for issue in response.json()] == [project.id] * 3


async def test_get_issue_with_tags_{n}(client, issue):
    response = await client.get(f"/issues/{{issue.id}}")
    assert response.status_code == 200
    assert response.json()["tags"] == sorted(tag.name for tag in issue.tags)
    assert len(issue.tags) == 2


async def test_create_issue_{n}(client, db_session, project, user, tag):
    payload = {{
        "title": "Crash on save", "project_id": project.id, "author_id": user.id,
        "tag_ids": [tag.id],
    }}
    response = await client.post("/issues", json=payload)
    assert response.status_code == 201
    assert await db_session.scalar(select(func.count()).select_from(Issue)) == 1


async def test_close_issue_{n}(client, issue):
    response = await client.post(f"/issues/{{issue.id}}/close")
    assert response.json() == {{"status": "closed"}}


async def test_comment_on_issue_{n}(client, db_session, issue, user):
    response = await client.post(
        f"/issues/{{issue.id}}/comments", json={{"body": "Seen it too", "author_id": user.id}}
    )
    assert response.status_code == 201
    assert await db_session.scalar(select(func.count()).select_from(Comment)) == 1


async def test_project_stats_{n}(client, comment):
    project = comment.issue.project
    response = await client.get(f"/projects/{{project.id}}/stats")
    assert response.json() == {{"issues": 1, "comments": 1, "members": 1}}
"""

TESTS_HEADER = """
from sqlalchemy import func, select

from models import Comment, Issue
"""

INI = """
[pytest]
pythonpath = .
asyncio_mode = auto
asyncio_default_fixture_loop_scope = session
asyncio_default_test_loop_scope = session
factory_db_metadata = models:Base.metadata
"""

INI_SYNC = """
[pytest]
pythonpath = .
"""

CLIENT = """
@pytest.fixture
async def client(db_session):
    app.dependency_overrides[get_session] = lambda: db_session
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client
    app.dependency_overrides.clear()


@pytest.fixture
async def db_session(db_engine):
    async with isolated_session(db_engine, expire_on_commit=False) as session:
        yield session
"""

FACTORY_CLASSES = """
class OrganizationFactory(AsyncSQLAlchemyModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")


class UserFactory(AsyncSQLAlchemyModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Sequence(lambda n: f"User {n}")
    organization = factory.SubFactory(OrganizationFactory)


class ProjectFactory(AsyncSQLAlchemyModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"Project {n}")
    organization = factory.SubFactory(OrganizationFactory)


class TagFactory(AsyncSQLAlchemyModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"tag {n}")


class IssueFactory(AsyncSQLAlchemyModelFactory):
    class Meta:
        model = Issue

    title = factory.Sequence(lambda n: f"Issue {n}")
    project = factory.SubFactory(ProjectFactory)
    author = factory.SubFactory(UserFactory)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = await_(TagFactory.create_batch_async(2))
        self.tags.extend(extracted)


class CommentFactory(AsyncSQLAlchemyModelFactory):
    class Meta:
        model = Comment

    body = factory.Sequence(lambda n: f"Comment {n}")
    issue = factory.SubFactory(IssueFactory)
    author = factory.SubFactory(UserFactory)
"""

CONFTEST_FACTORIES = (
    """
import factory
import httpx
import pytest

from app import app, get_session
from async_factory_boy import await_
from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory
from async_factory_boy.pytest import isolated_session, register
from models import Comment, Issue, Organization, Project, Tag, User


"""
    + FACTORY_CLASSES
    + """

register(OrganizationFactory)
register(UserFactory)
register(ProjectFactory)
register(TagFactory)
register(IssueFactory)
register(CommentFactory)


@pytest.fixture
def make_issues(issue_factory, user):
    async def make(project, count):
        return await issue_factory.create_batch_async(count, project=project, author=user, tags=[])

    return make
"""
    + CLIENT
)

CONFTEST_HANDWRITTEN = (
    """
import itertools

import httpx
import pytest

from app import app, get_session
from async_factory_boy.pytest import isolated_session
from models import Comment, Issue, Organization, Project, Tag, User

numbers = itertools.count()


async def save(session, *objects):
    session.add_all(objects)
    await session.commit()
    return objects[0]


@pytest.fixture
async def organization(db_session):
    return await save(db_session, Organization(name=f"Organization {next(numbers)}"))


@pytest.fixture
async def user(db_session, organization):
    n = next(numbers)
    return await save(
        db_session,
        User(email=f"user{n}@example.com", name=f"User {n}", organization=organization),
    )


@pytest.fixture
async def project(db_session, organization):
    return await save(
        db_session, Project(name=f"Project {next(numbers)}", organization=organization)
    )


@pytest.fixture
async def tag(db_session):
    return await save(db_session, Tag(name=f"tag {next(numbers)}"))


@pytest.fixture
async def issue(db_session, project, user):
    tags = [Tag(name=f"tag {next(numbers)}") for _ in range(2)]
    return await save(
        db_session,
        Issue(title=f"Issue {next(numbers)}", project=project, author=user, tags=tags),
    )


@pytest.fixture
async def comment(db_session, issue, user):
    return await save(
        db_session, Comment(body=f"Comment {next(numbers)}", issue=issue, author=user)
    )


@pytest.fixture
def make_issues(db_session, user):
    async def make(project, count):
        issues = [
            Issue(title=f"Issue {next(numbers)}", project=project, author=user)
            for _ in range(count)
        ]
        await save(db_session, *issues)
        return issues

    return make
"""
    + CLIENT
)

CONFTEST_FACTORYBOY = """
import os

import factory
import pytest
from fastapi.testclient import TestClient
from pytest_factoryboy import register
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.orm import Session

from app import app, get_session
from models import Base, Comment, Issue, Organization, Project, Tag, User


class BaseFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_persistence = "commit"


class OrganizationFactory(BaseFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Sequence(lambda n: f"User {n}")
    organization = factory.SubFactory(OrganizationFactory)


class ProjectFactory(BaseFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"Project {n}")
    organization = factory.SubFactory(OrganizationFactory)


class TagFactory(BaseFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"tag {n}")


class IssueFactory(BaseFactory):
    class Meta:
        model = Issue

    title = factory.Sequence(lambda n: f"Issue {n}")
    project = factory.SubFactory(ProjectFactory)
    author = factory.SubFactory(UserFactory)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = TagFactory.create_batch(2)
        self.tags.extend(extracted)


class CommentFactory(BaseFactory):
    class Meta:
        model = Comment

    body = factory.Sequence(lambda n: f"Comment {n}")
    issue = factory.SubFactory(IssueFactory)
    author = factory.SubFactory(UserFactory)


FACTORIES = [
    OrganizationFactory, UserFactory, ProjectFactory, TagFactory, IssueFactory, CommentFactory
]
register(OrganizationFactory)
register(UserFactory)
register(ProjectFactory)
register(TagFactory)
register(IssueFactory)
register(CommentFactory)


@pytest.fixture(scope="session")
def sync_engine():
    # What a factory_boy team writes for a database per xdist worker (no plugin does it).
    base = make_url(os.environ["FACTORY_DB_URL"]).set(drivername="postgresql+psycopg")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = base.set(database=f"{base.database}_{worker}") if worker else base
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def db_session(sync_engine):
    with sync_engine.connect() as connection:
        transaction = connection.begin()
        session = Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        for factory_class in FACTORIES:
            factory_class._meta.sqlalchemy_session = session
        yield session
        session.close()
        transaction.rollback()


@pytest.fixture
def make_issues(issue_factory, user):
    def make(project, count):
        return issue_factory.create_batch(count, project=project, author=user, tags=[])

    return make


@pytest.fixture
def client(db_session):
    app.dependency_overrides[get_session] = lambda: db_session
    with TestClient(app) as client:
        yield client
    app.dependency_overrides.clear()
"""


def _sync(source: str) -> str:
    """The sync twin of an async app or test module (what a sync team writes)."""
    return (
        source.replace("from sqlalchemy.ext.asyncio import AsyncSession\n", "")
        .replace(
            "from sqlalchemy.orm import selectinload",
            "from sqlalchemy.orm import Session, selectinload",
        )
        .replace("AsyncSession", "Session")
        .replace("async def ", "def ")
        .replace("await ", "")
    )


def test_count() -> int:
    """How many tests each suite has."""
    return MODULES * GROUPS * TESTS_PER_GROUP


def write_project(root: pathlib.Path) -> dict[str, pathlib.Path]:
    """Write the three suites under ``root``; their directories by suite name."""
    tests = TESTS_HEADER + "".join(TESTS.format(n=n) for n in range(GROUPS))
    made: dict[str, pathlib.Path] = {}
    for suite in SUITES:
        directory = root / suite
        directory.mkdir(parents=True, exist_ok=True)
        sync = suite == "factoryboy"
        (directory / "models.py").write_text(MODELS)
        (directory / "app.py").write_text(_sync(APP) if sync else APP)
        (directory / "pytest.ini").write_text(INI_SYNC if sync else INI)
        conftest = {
            "factories": CONFTEST_FACTORIES,
            "handwritten": CONFTEST_HANDWRITTEN,
            "factoryboy": CONFTEST_FACTORYBOY,
        }[suite]
        (directory / "conftest.py").write_text(conftest)
        for module in range(MODULES):
            body = _sync(tests) if sync else tests
            (directory / f"test_issues_{module}.py").write_text(body)
        made[suite] = directory
    return made
