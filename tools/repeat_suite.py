"""Run the documented test-suite recipe under ``pytest -n 2`` many times on each SQL database.

Issue 21's "Done when": a suite using the recipe passes under ``pytest -n 2`` on PostgreSQL,
MariaDB and SQLite on ten consecutive runs, with module data and tests that commit, roll
back and gather. One passing run proves little about races between workers (the template
copy, the per-worker databases, sequences, module data), so this runs the suite again and
again and counts.

The suite is what a team copies from ``docs/test-databases.md`` and ``docs/test-suites.md``
together: the test database named once (``FACTORY_DB_URL``) and its schema once (the ini
``factory_db_metadata``), the plugin's ``db_engine`` on the worker's own database, a
module-wide ``isolated_connection``, a per-test ``isolated_session`` in a SAVEPOINT of it,
``@shared_data`` made once per module (with factories and by hand), and tests that go
through the FastAPI app of the suite benchmark (:mod:`benchmarks._suite_project`), which
commits, plus tests that roll back, gather factory calls and use registered model
fixtures. Every test counts rows, so data leaking between tests, modules or workers fails;
each test asks for the module data it counts (under xdist a worker makes only what its
tests ask for), so the counts hold in any order and on any worker.

Run: ``python tools/repeat_suite.py`` (``--runs 10``, ``--databases postgres mariadb
sqlite``, ``--workers 2``). It prints one line per run and a summary of pass/fail counts
per database; the exit status is non-zero if any run failed (its output tail is printed).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import _suite_project  # noqa: E402

#: Test modules written (``--modules``); each has its own module data (``@shared_data``).
MODULES = 6

CONFTEST = (
    """
import factory
import httpx
import pytest

from app import app, get_session
from async_factory_boy import await_
from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory
from async_factory_boy.pytest import isolated_connection, isolated_session, register
from models import Comment, Issue, Organization, Project, Tag, User


"""
    + _suite_project.FACTORY_CLASSES
    + '''

register(UserFactory)
register(IssueFactory)


@pytest.fixture(scope="module")
async def db_connection(db_engine):
    """The module's transaction: shared data lives in it, rolled back after the module."""
    async with isolated_connection(db_engine) as connection:
        yield connection


@pytest.fixture
async def db_session(db_connection):
    """The test's session: a SAVEPOINT in the module's transaction, rolled back after it."""
    async with isolated_session(db_connection, expire_on_commit=False) as session:
        yield session


@pytest.fixture
async def client(db_session):
    app.dependency_overrides[get_session] = lambda: db_session
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client
    app.dependency_overrides.clear()
'''
)

TESTS = '''
import asyncio

from sqlalchemy import func, select, update

from async_factory_boy.pytest import shared_data
from conftest import IssueFactory, ProjectFactory, TagFactory, UserFactory
from models import Comment, Issue, Organization, Project, Tag, User


@shared_data
async def board(session):
    """Module data by factories: a project with three tagged issues (6 tags)."""
    project = await ProjectFactory.create_async(sqlalchemy_session=session)
    author = await UserFactory.create_async(
        organization=project.organization, sqlalchemy_session=session
    )
    await IssueFactory.create_batch_async(
        3, project=project, author=author, sqlalchemy_session=session
    )
    return project


@shared_data
async def labels(session):
    """Module data by hand."""
    session.add_all([Tag(name="{module}-bug"), Tag(name="{module}-feature")])
    query = select(Tag).where(Tag.name.like("{module}-%")).order_by(Tag.name)
    return list(await session.scalars(query))


async def count(session, model):
    return await session.scalar(select(func.count()).select_from(model))


async def test_module_data_is_there(db_session, board, labels):
    assert board in db_session
    assert board.organization.name.startswith("Organization")
    assert [label.name for label in labels] == ["{module}-bug", "{module}-feature"]
    assert await count(db_session, Issue) == 3
    assert await count(db_session, Tag) == 8


async def test_app_commits(client, db_session, board, labels):
    issues = (await client.get(f"/projects/{{board.id}}/issues")).json()
    assert len(issues) == 3 and all(len(issue["tags"]) == 2 for issue in issues)
    payload = {{
        "title": "Crash", "project_id": board.id, "author_id": issues[0]["author_id"],
        "tag_ids": [labels[0].id],
    }}
    response = await client.post("/issues", json=payload)
    assert response.status_code == 201
    response = await client.post(f"/issues/{{issues[0]['id']}}/close")
    assert response.json() == {{"status": "closed"}}
    assert await count(db_session, Issue) == 4


async def test_app_commits_are_gone(client, db_session, board):
    assert await count(db_session, Issue) == 3
    statuses = await db_session.scalars(select(Issue.status))
    assert set(statuses) == {{"open"}}
    stats = (await client.get(f"/projects/{{board.id}}/stats")).json()
    assert stats == {{"issues": 3, "comments": 0, "members": 1}}


async def test_test_commits(db_session, board):
    await IssueFactory.create_async(project=board, tags=[], sqlalchemy_session=db_session)
    await db_session.execute(update(Project).values(name="renamed"))
    await db_session.commit()
    assert await count(db_session, Issue) == 4
    board.name = "changed in memory"


async def test_test_commits_are_gone(db_session, board):
    assert board.name != "changed in memory"
    assert await db_session.scalar(select(Project.name).where(Project.id == board.id)) != (
        "renamed"
    )
    assert await count(db_session, Issue) == 3


async def test_rollback(db_session, board, labels):
    db_session.add(Tag(name="rolled back"))
    await db_session.flush()
    await db_session.rollback()
    assert await count(db_session, Tag) == 8
    user = await UserFactory.create_async(sqlalchemy_session=db_session)
    await db_session.rollback()
    assert await db_session.get(User, user.id) is not None
    assert await count(db_session, User) == 2


async def test_gather(db_session, board, labels):
    issues = await asyncio.gather(
        *(IssueFactory.create_async(project=board, sqlalchemy_session=db_session) for _ in range(4))
    )
    assert len({{issue.id for issue in issues}}) == 4
    assert await count(db_session, Issue) == 7
    assert await count(db_session, Tag) == 8 + 4 * 2


async def test_batch_with_hook(db_session, board):
    issues = await IssueFactory.create_batch_async(3, project=board, sqlalchemy_session=db_session)
    assert all(len(issue.tags) == 2 for issue in issues)
    assert await count(db_session, Issue) == 6


async def test_model_fixtures(issue, user, db_session, board, labels):
    assert await count(db_session, Issue) == 4
    assert await db_session.get(User, user.id) is user
    assert len(issue.tags) == 2
    assert await count(db_session, Tag) == 8 + 2


async def test_comment_through_the_app(client, db_session, issue, user):
    body = {{"body": "Seen it too", "author_id": user.id}}
    response = await client.post(f"/issues/{{issue.id}}/comments", json=body)
    assert response.status_code == 201
    assert await count(db_session, Comment) == 1


async def test_nothing_left_but_module_data(db_session, board, labels):
    assert await count(db_session, Comment) == 0
    assert await count(db_session, Issue) == 3
    assert await count(db_session, User) == 1
    assert await count(db_session, Organization) == 1
'''

TESTS_PER_MODULE = TESTS.count("\nasync def test_")


def write_project(root: pathlib.Path, modules: int = MODULES) -> pathlib.Path:
    """The recipe suite under ``root``: models and app of the suite benchmark, the recipe."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "models.py").write_text(_suite_project.MODELS)
    (root / "app.py").write_text(_suite_project.APP)
    (root / "pytest.ini").write_text(_suite_project.INI)
    (root / "conftest.py").write_text(CONFTEST)
    for module in range(modules):
        (root / f"test_recipe_{module}.py").write_text(TESTS.format(module=f"m{module}"))
    return root


SERVERS = {
    "postgres": "postgresql+asyncpg://postgres@127.0.0.1:5432/",
    "mariadb": "mysql+asyncmy://root@127.0.0.1:3306/",
}


def database_url(database: str, scratch: pathlib.Path, servers: dict[str, str]) -> str:
    """A fresh test database name per invocation, so two runs of this tool never collide."""
    name = f"afb_repeat_{uuid.uuid4().hex[:8]}_test"
    if database == "sqlite":
        return f"sqlite+aiosqlite:///{scratch / (name + '.db')}"
    return servers[database].rstrip("/") + "/" + name


def run_once(project: pathlib.Path, url: str, workers: int, tests: int) -> tuple[bool, float, str]:
    env = {**os.environ, "FACTORY_DB_URL": url, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    plugins = ("asyncio", "async_factory_boy", "xdist.plugin")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error"]
    command += [argument for plugin in plugins for argument in ("-p", plugin)]
    command += ["-n", str(workers)] if workers else []
    started = time.perf_counter()
    completed = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    output = completed.stdout + completed.stderr
    expected = f"{tests} passed"
    return completed.returncode == 0 and expected in output, elapsed, output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2, help="pytest -n (0: no xdist)")
    parser.add_argument(
        "--databases",
        nargs="+",
        default=["postgres", "mariadb", "sqlite"],
        choices=["postgres", "mariadb", "sqlite"],
    )
    parser.add_argument("--modules", type=int, default=MODULES, help="test modules to write")
    parser.add_argument("--postgres-url", default=SERVERS["postgres"], help="the server")
    parser.add_argument("--mariadb-url", default=SERVERS["mariadb"], help="the server")
    args = parser.parse_args(argv)
    servers = {"postgres": args.postgres_url, "mariadb": args.mariadb_url}
    scratch = pathlib.Path(tempfile.mkdtemp(prefix="repeat-suite-"))
    project = write_project(scratch / "project", args.modules)
    tests = args.modules * TESTS_PER_MODULE
    summary: dict[str, list[bool]] = {}
    try:
        for database in args.databases:
            url = database_url(database, scratch, servers)
            results = summary.setdefault(database, [])
            for number in range(1, args.runs + 1):
                ok, elapsed, output = run_once(project, url, args.workers, tests)
                results.append(ok)
                status = "passed" if ok else "FAILED"
                print(f"{database} run {number}: {status} ({tests} tests, {elapsed:.1f} s)")
                if not ok:
                    print(output[-4000:])
                sys.stdout.flush()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"\nrecipe suite, {tests} tests, pytest -n {args.workers}:")
    for database, results in summary.items():
        print(f"  {database}: {sum(results)} passed, {len(results) - sum(results)} failed")
    return 0 if all(all(results) for results in summary.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
