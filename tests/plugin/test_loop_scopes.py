"""The fast set-up (engine and loop per session) works; a wrong loop scope fails with the setting.

Two pytest runs on PostgreSQL (asyncpg's connections belong to the loop that opened them):
pytest-asyncio's strict mode next to anyio, each with a directory set up right (engine per
session, shared module data, per-test rollback) and directories set up wrong; then auto mode.
"""

from __future__ import annotations

import pytest

from ._project import run

MODELS = """
import factory
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory


class Base(DeclarativeBase):
    pass


class Team(Base):
    __tablename__ = "loop_team"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)


class TeamFactory(AsyncSQLAlchemyModelFactory[Team]):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"team {n}")
"""

# The recipe: engine per session, the module's transaction, a session per test.
ENGINE = """
import pytest
{decorator_import}
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from async_factory_boy.pytest import isolated_connection, isolated_session, shared_data
from models import Base, Team, TeamFactory

URL = {url!r}


@{fixture}(scope="session"{loop})
async def db_engine():
    engine = create_async_engine(URL)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield engine
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
    await engine.dispose()
"""

GOOD = """
@{fixture}(scope="module"{loop})
async def db_connection(db_engine):
    async with isolated_connection(db_engine) as connection:
        yield connection


@{fixture}({loop_only})
async def db_session(db_connection):
    async with isolated_session(db_connection) as session:
        yield session


@shared_data
async def league(session):
    return await TeamFactory.create_batch_async(3, sqlalchemy_session=session)
"""

GOOD_TESTS = """
import pytest
from sqlalchemy import func, select

from models import Team, TeamFactory

{marks}


async def test_commits(league, db_session):
    await TeamFactory.create_async(sqlalchemy_session=db_session)
    await db_session.commit()
    assert await db_session.scalar(select(func.count()).select_from(Team)) == 4


async def test_sees_the_module_data_only(league, db_session):
    assert [team in db_session for team in league] == [True] * 3
    assert await db_session.scalar(select(func.count()).select_from(Team)) == 3
"""

# A db_session on each test's own loop, given the session's engine.
BAD_ENGINE = """
@{fixture}
async def db_session(db_engine):
    async with isolated_session(db_engine) as session:
        yield session
"""

BAD_TESTS = """
import pytest

{marks}


async def test_one(db_session):
    pass


async def test_two(db_session):
    pass
"""

ENGINE_IN_TEST = """

async def test_the_engine_itself(db_engine):
    pass
"""

SETTING = "*asyncio_default_fixture_loop_scope = session*asyncio_default_test_loop_scope*"


def project(pytester: pytest.Pytester, url: str, directories: dict[str, dict[str, str]]) -> None:
    pytester.makepyfile(models=MODELS)
    for name, files in directories.items():
        directory = pytester.mkpydir(name)
        for filename, text in files.items():
            (directory / filename).write_text(text)


def pytest_asyncio_conftest(url: str, body: str, loop: str) -> str:
    fixture = "pytest_asyncio.fixture"
    values = {
        "decorator_import": "import pytest_asyncio",
        "fixture": fixture,
        "url": url,
        "loop": f', loop_scope="{loop}"' if loop else "",
        "loop_only": f'loop_scope="{loop}"' if loop else "",
    }
    return ENGINE.format(**values) + body.format(**values)


def anyio_conftest(url: str, body: str, backend_scope: str) -> str:
    values = {
        "decorator_import": "",
        "fixture": "pytest.fixture",
        "url": url,
        "loop": "",
        "loop_only": "",
    }
    backend = f'\n\n@pytest.fixture(scope="{backend_scope}")\ndef anyio_backend():\n'
    backend += '    return "asyncio"\n'
    return ENGINE.format(**values) + body.format(**values) + backend


def test_strict_mode_and_anyio(pytester: pytest.Pytester, postgres_asyncpg_url: str) -> None:
    url = postgres_asyncpg_url
    session_marks = 'pytestmark = pytest.mark.asyncio(loop_scope="session")'
    bad_engine = BAD_ENGINE.replace("@{fixture}", "@{fixture}()")
    project(
        pytester,
        url,
        {
            "good": {
                "conftest.py": pytest_asyncio_conftest(url, GOOD, "session"),
                "test_good.py": GOOD_TESTS.format(marks=session_marks),
            },
            "bad_engine": {
                "conftest.py": pytest_asyncio_conftest(url, bad_engine, "session"),
                "test_bad_engine.py": BAD_TESTS.format(marks="pytestmark = pytest.mark.asyncio")
                + ENGINE_IN_TEST,
            },
            "bad_scope": {  # a session-scoped fixture on the ini's function-scoped loop
                "conftest.py": pytest_asyncio_conftest(url, bad_engine, ""),
                "test_bad_scope.py": BAD_TESTS.format(marks="pytestmark = pytest.mark.asyncio"),
            },
            "anyio_good": {
                "conftest.py": anyio_conftest(url, GOOD, "session"),
                "test_anyio_good.py": GOOD_TESTS.format(marks="pytestmark = pytest.mark.anyio"),
            },
            "anyio_bad": {
                "conftest.py": anyio_conftest(url, bad_engine, "function"),
                "test_anyio_bad.py": BAD_TESTS.format(marks="pytestmark = pytest.mark.anyio"),
            },
        },
    )
    result = run(pytester, "-p", "anyio", "-W", "error::pytest.PytestDeprecationWarning")
    result.assert_outcomes(passed=4, errors=6, failed=1)
    output = result.stdout.str()
    assert "RuntimeError" not in output  # asyncpg's "... attached to a different loop"
    assert "InterfaceError" not in output
    assert "ScopeMismatch" not in output
    result.stdout.fnmatch_lines(
        [
            "*'db_engine' runs on anyio, whose `anyio_backend` fixture is function-scoped*",
            "*fixture 'db_session' runs on the function-scoped event loop but uses "
            "'db_engine', an AsyncEngine made by a session-scoped fixture on the session-scoped "
            f"loop*{SETTING}",
            "*the session-scoped async fixture 'db_engine' would run on a function-scoped event "
            "loop*asyncio_default_fixture_loop_scope = session*",
            "*test 'test_the_engine_itself' runs on the function-scoped event loop but uses "
            f"'db_engine'*{SETTING}",
        ],
        consecutive=False,
    )


def test_auto_mode(pytester: pytest.Pytester, postgres_asyncpg_url: str) -> None:
    url = postgres_asyncpg_url
    plain = {"decorator_import": "", "fixture": "pytest.fixture", "url": url}
    project(
        pytester,
        url,
        {
            "bad_engine": {
                "conftest.py": pytest_asyncio_conftest(url, "", "session")
                + BAD_ENGINE.format(fixture="pytest.fixture"),
                "test_bad_engine.py": BAD_TESTS.format(marks=""),
            },
            "bad_scope": {
                "conftest.py": ENGINE.format(**plain, loop="")
                + BAD_ENGINE.format(fixture="pytest.fixture"),
                "test_bad_scope.py": BAD_TESTS.format(marks=""),
            },
        },
    )
    pytester.makeini(
        "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
    )
    result = run(pytester)
    result.assert_outcomes(errors=4)
    result.stdout.fnmatch_lines(
        [
            "*fixture 'db_session' runs on the function-scoped event loop*" + SETTING,
            "*the session-scoped async fixture 'db_engine' would run on a function-scoped*",
        ],
        consecutive=False,
    )
