"""A test database per xdist worker: a suite run with ``-n 2`` on PostgreSQL, MariaDB, SQLite.

The suite is the one issue 21's tester saw fail on a shared database: data committed once
per module (with unique, sequence-made values), tests that commit, roll back and gather,
counting rows. It names its test database once (``FACTORY_DB_URL``) and its schema once
(the ini option ``factory_db_metadata``), nothing per worker. Each test records the
database its session really talks to; the outer test checks that each worker had its own,
named after it, and that the databases are gone after the run, or kept with
``--reuse-test-db`` and used again, or made afresh with ``--create-test-db``.
"""

from __future__ import annotations

import asyncio
import pathlib

import pytest

from async_factory_boy.errors import WorkerDatabaseError
from async_factory_boy.pytest import _worker_db
from tests import _servers

MODELS = """
import factory
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory


class Base(DeclarativeBase):
    pass


class Team(Base):
    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)


class Player(Base):
    __tablename__ = "player"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(80), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    team: Mapped[Team] = relationship()


class TeamFactory(AsyncSQLAlchemyModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"team {n}")


class PlayerFactory(AsyncSQLAlchemyModelFactory):
    class Meta:
        model = Player

    email = factory.Sequence(lambda n: f"player{n}@example.com")
    team = factory.SubFactory(TeamFactory)
"""

CONFTEST = """
import os

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from async_factory_boy.pytest import isolated_session, register
from models import PlayerFactory, TeamFactory

register(TeamFactory)
register(PlayerFactory)

CURRENT = {
    "postgresql": "SELECT current_database()",
    "mysql": "SELECT database()",
    "sqlite": "SELECT file FROM pragma_database_list WHERE name = 'main'",
}


@pytest.fixture
async def db_session(db_engine, worker_database):
    async with isolated_session(db_engine) as session:
        query = CURRENT[db_engine.dialect.name]
        current = (await session.execute(text(query))).scalar()
        record = os.path.join(os.environ["AFB_RECORDS"], worker_database.worker)
        with open(record, "a") as file:
            file.write(f"{current}|{worker_database.created}\\n")
        yield session


@pytest.fixture(scope="module")
async def module_teams(db_engine):
    # Committed once per module and worker: on a shared database the other worker's
    # teams would show in the counts, and its equal sequence values would collide.
    from sqlalchemy import delete
    from models import Player, Team

    async with AsyncSession(db_engine, expire_on_commit=False) as session:
        teams = await TeamFactory.create_batch_async(3, sqlalchemy_session=session)
        await session.commit()
    yield [team.id for team in teams]
    async with db_engine.begin() as connection:
        await connection.execute(delete(Player))
        await connection.execute(delete(Team))
"""

TESTS = """
import asyncio

import pytest
from sqlalchemy import func, select

from models import Player, PlayerFactory, Team


async def count(session, model):
    return await session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("run", range(2))
async def test_module_data_is_there(db_session, module_teams, run):
    assert await count(db_session, Team) == 3


@pytest.mark.parametrize("run", range(2))
async def test_commit_is_gone_after(db_session, module_teams, run):
    await PlayerFactory.create_async(sqlalchemy_session=db_session)
    db_session.add(Player(email=f"app{run}@example.com", team_id=module_teams[1]))
    await db_session.commit()
    assert await count(db_session, Player) == 2
    assert await count(db_session, Team) == 4


@pytest.mark.parametrize("run", range(2))
async def test_rollback(db_session, module_teams, run):
    await PlayerFactory.create_async(sqlalchemy_session=db_session)
    db_session.add(Team(name=f"rolled back {run}"))
    await db_session.flush()
    await db_session.rollback()
    assert await count(db_session, Team) == 4
    assert await count(db_session, Player) == 1


@pytest.mark.parametrize("run", range(2))
async def test_gather(db_session, module_teams, run):
    players = await asyncio.gather(
        *(PlayerFactory.create_async(sqlalchemy_session=db_session) for _ in range(4))
    )
    assert len({player.email for player in players}) == 4
    assert await count(db_session, Team) == 7


@pytest.mark.parametrize("run", range(2))
async def test_model_fixture(player, db_session, module_teams, run):
    assert await count(db_session, Player) == 1
    assert await count(db_session, Team) == 4
"""

INI = """
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = session
asyncio_default_test_loop_scope = session
factory_db_metadata = models:Base.metadata
pythonpath = .
"""


def _run_suite(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    base_url: str,
    *args: str,
    workers: bool = True,
) -> dict[str, list[tuple[str, str]]]:
    """Run the suite (``-n 2`` unless ``workers`` is false); the databases each worker used."""
    records = pytester.path / "records"
    if records.exists():
        for path in records.iterdir():
            path.unlink()
    records.mkdir(exist_ok=True)
    monkeypatch.setenv("FACTORY_DB_URL", base_url)
    monkeypatch.setenv("AFB_RECORDS", str(records))
    options = ("-n", "2") if workers else ("-p", "no:xdist")
    result = pytester.runpytest_subprocess(*options, "-q", "-W", "error", *args)
    assert result.ret == 0, result.stdout.str()
    result.assert_outcomes(passed=20)
    used: dict[str, list[tuple[str, str]]] = {}
    for path in records.iterdir():
        lines = path.read_text().split()
        used[path.name] = [(line.split("|")[0], line.split("|")[1]) for line in lines]
    return used


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".ini", pytest=INI)
    pytester.makepyfile(models=MODELS, conftest=CONFTEST)
    pytester.makepyfile(test_first=TESTS, test_second=TESTS)
    return pytester


def _databases(used: dict[str, list[tuple[str, str]]]) -> dict[str, set[str]]:
    return {worker: {name for name, _ in rows} for worker, rows in used.items()}


def _created(used: dict[str, list[tuple[str, str]]]) -> set[str]:
    return {created for rows in used.values() for _, created in rows}


async def _postgres_names(prefix: str) -> set[str]:
    import asyncpg

    connection = await asyncpg.connect(
        host=_servers.POSTGRES_HOST,
        port=_servers.POSTGRES_PORT,
        user=_servers.POSTGRES_USER,
        database="test",
    )
    try:
        rows = await connection.fetch(
            "SELECT datname FROM pg_database WHERE datname LIKE $1", prefix + "%"
        )
    finally:
        await connection.close()
    return {row["datname"] for row in rows}


async def _mariadb_names(prefix: str) -> set[str]:
    import asyncmy

    connection = await asyncmy.connect(
        host=_servers.MARIADB_HOST,
        port=_servers.MARIADB_PORT,
        user=_servers.MARIADB_USER,
        password="",
        database="test",
    )
    try:
        async with connection.cursor() as cursor:
            await cursor.execute(
                "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE %s",
                (prefix + "%",),
            )
            rows = await cursor.fetchall()
    finally:
        connection.close()
    return {row[0] for row in rows}


def test_postgres_database_per_worker_from_template(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, postgres_database: str
) -> None:
    """PostgreSQL: ``<name>_gw0`` / ``_gw1`` copied from the template ``<name>``, made once;
    the worker databases and the template are dropped at the end."""
    name = f"{_servers.unique_database_name()}_test"
    used = _run_suite(suite, monkeypatch, _servers.postgres_url("asyncpg", name))
    assert _databases(used) == {"gw0": {f"{name}_gw0"}, "gw1": {f"{name}_gw1"}}
    assert _created(used) == {"True"}
    assert asyncio.run(_postgres_names(name)) == set()


def test_mariadb_database_per_worker_kept_and_reused(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, mariadb_database: str
) -> None:
    """MariaDB: ``<name>_gw0`` / ``_gw1`` each created with the schema; kept with
    ``--reuse-test-db`` and used as they are by the next run."""
    name = f"{_servers.unique_database_name()}_test"
    url = _servers.mariadb_url(name)
    try:
        used = _run_suite(suite, monkeypatch, url, "--reuse-test-db")
        assert _databases(used) == {"gw0": {f"{name}_gw0"}, "gw1": {f"{name}_gw1"}}
        assert _created(used) == {"True"}
        assert asyncio.run(_mariadb_names(name)) == {f"{name}_gw0", f"{name}_gw1"}
        used = _run_suite(suite, monkeypatch, url, "--reuse-test-db")
        assert _databases(used) == {"gw0": {f"{name}_gw0"}, "gw1": {f"{name}_gw1"}}
        assert _created(used) == {"False"}
    finally:
        for worker in ("gw0", "gw1"):
            _servers.drop_mariadb_database(f"{name}_{worker}")


def test_sqlite_file_per_worker_and_without_xdist(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite: ``app_test_gw0.db`` / ``app_test_gw1.db`` next to the named file, deleted at
    the end; without xdist (worker "master") the named file itself, made afresh by
    ``--create-test-db`` even with ``--reuse-test-db``, and then kept."""
    base = suite.path / "data" / "app_test.db"
    url = f"sqlite+aiosqlite:///{base}"
    used = _run_suite(suite, monkeypatch, url)
    assert _databases(used) == {
        "gw0": {str(base.with_name("app_test_gw0.db"))},
        "gw1": {str(base.with_name("app_test_gw1.db"))},
    }
    assert sorted(p.name for p in base.parent.iterdir()) == []
    base.write_text("not a database: --create-test-db replaces it")
    options = ("--reuse-test-db", "--create-test-db")
    used = _run_suite(suite, monkeypatch, url, *options, workers=False)
    assert _databases(used) == {"master": {str(base)}}
    assert _created(used) == {"True"}
    assert sorted(p.name for p in base.parent.iterdir()) == ["app_test.db"]


def test_worker_url_names() -> None:
    """The worker's database name: a suffix on servers and Mongo, before the SQLite suffix."""
    assert _worker_db.worker_url("postgresql+asyncpg://u:pw@h/app_test", "gw1") == (
        "postgresql+asyncpg://u:pw@h/app_test_gw1"
    )
    assert _worker_db.worker_url("mysql+asyncmy://root@h:3306/app_test", "master") == (
        "mysql+asyncmy://root@h:3306/app_test"
    )
    assert _worker_db.worker_url("sqlite+aiosqlite:///var/app_test.db", "gw0") == (
        "sqlite+aiosqlite:///var/app_test_gw0.db"
    )
    assert _worker_db.worker_url("mongodb://h:27017/app_test?w=1", "gw3") == (
        "mongodb://h:27017/app_test_gw3?w=1"
    )


def test_missing_url_and_wrong_name_fail_with_the_fix(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No URL configured: the error names the ini option, the variable and the fixture; a
    URL overridden by fixture whose database is not named for tests is refused. Nothing is
    created either way."""
    monkeypatch.delenv("FACTORY_DB_URL", raising=False)
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = session\n")
    pytester.makepyfile(
        test_unset="def test_engine(db_engine):\n    pass\n",
        test_named="""
import pytest

@pytest.fixture(scope="session")
def factory_db_url():
    return "postgresql+asyncpg://localhost/myapp"

def test_engine(db_engine):
    pass
""",
    )
    result = pytester.runpytest_inprocess("-p", "no:randomly", "-p", "no:xdist")
    result.assert_outcomes(errors=2)
    output = result.stdout.str()
    assert (
        "WorkerDatabaseError: db_engine / worker_database: no test database is configured" in output
    )
    assert "FACTORY_DB_URL" in output
    assert "override the factory_db_url fixture" in output
    assert "the test database 'myapp'" in output
    assert "must contain 'test'" in output


def test_database_not_named_for_tests_is_refused() -> None:
    """The plugin drops the test database: a name without ``test`` is refused, with the fix."""
    with pytest.raises(WorkerDatabaseError, match=r"'myapp'.*must contain 'test'.*myapp_test"):
        _worker_db._check_name("postgresql+asyncpg://localhost/myapp")


def test_mongo_database_per_worker(mongo_uri: str, tmp_path: pathlib.Path) -> None:
    """MongoDB: the worker's database is ``<name>_<worker>``, emptied before, dropped after."""
    from pymongo import MongoClient

    url = mongo_uri.rstrip("/") + "/afb_mongo_test"
    client: MongoClient[dict[str, object]] = MongoClient(mongo_uri)
    try:
        client["afb_mongo_test_gw5"]["leftover"].insert_one({"x": 1})
        made = asyncio.run(
            _worker_db._set_up_mongo(_worker_db.worker_url(url, "gw5"), "gw5", False)
        )
        assert made.name == "afb_mongo_test_gw5"
        assert "afb_mongo_test_gw5" not in client.list_database_names()
        client["afb_mongo_test_gw5"]["rows"].insert_one({"x": 1})
        asyncio.run(_worker_db._drop_mongo(made.url))
        assert "afb_mongo_test_gw5" not in client.list_database_names()
    finally:
        client.close()
