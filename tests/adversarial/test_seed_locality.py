"""The seed command's locality check looks where the driver looks (issue 24, item 3).

A server URL that names no host is local only when nothing else can choose one: the libpq /
asyncpg environment variables, ``?dsn=``, ``?service=``, the MySQL option files and
``MYSQL_HOST``. ``*.localhost`` is not loopback. A Mongo seed list is local only as one
loopback server the driver talks to alone. Every command line below runs behind a guard that
blocks any non-loopback connection or name lookup (``_guarded_seed.py``), all in one
subprocess; each refusal is one ``error:`` line naming ``--yes``, with nothing written and
nothing attempted.
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
from typing import Any

import pytest

from async_factory_boy._seed._url import Redactor, parse_target
from tests.seed.conftest import ROOT, seed_env

POSTS = "tests.seed.factories:PostFactory"
MONGO_POSTS = "tests.seed.factories:MongoPostFactory"
FAR = "10.0.0.1"

# The variables the locality check reads: cleared for every case, so the machine's own
# environment (a developer's PGHOST) cannot change the outcome.
CHOOSERS = ("PGHOST", "PGHOSTADDR", "PGSERVICE", "PGSERVICEFILE", "MYSQL_HOST")


def _service_file(tmp_path: pathlib.Path) -> str:
    path = tmp_path / "pg_service.conf"
    path.write_text(f"[prod]\nhost={FAR}\ndbname=app\n")
    return str(path)


def _option_file(tmp_path: pathlib.Path) -> str:
    path = tmp_path / "evil.cnf"
    path.write_text(f"[client]\nhost={FAR}\n")
    return str(path)


def refused_cases(tmp_path: pathlib.Path) -> dict[str, tuple[list[str], dict[str, str]]]:
    """Command lines that must be refused without ``--yes``, by name."""
    services = _service_file(tmp_path)
    options = _option_file(tmp_path)
    pg = "postgresql+asyncpg://seeder@/app"
    my = "mysql+asyncmy://root@/app"
    return {
        "PGHOST": ([POSTS, "--url", pg], {"PGHOST": FAR}),
        "PGHOST-psycopg": ([POSTS, "--url", "postgresql+psycopg://seeder@/app"], {"PGHOST": FAR}),
        "PGHOSTADDR": ([POSTS, "--url", pg], {"PGHOSTADDR": FAR}),
        "PGHOSTADDR-with-host": (
            [POSTS, "--url", "postgresql+psycopg://seeder@localhost/app"],
            {"PGHOSTADDR": FAR},
        ),
        "PGSERVICE": ([POSTS, "--url", pg], {"PGSERVICE": "prod", "PGSERVICEFILE": services}),
        "PGSERVICEFILE": ([POSTS, "--url", pg], {"PGSERVICEFILE": services}),
        "dsn": ([POSTS, "--url", f"{pg}?dsn=postgresql://seeder@{FAR}/app"], {}),
        "service": ([POSTS, "--url", f"{pg}?service=prod"], {"PGSERVICEFILE": services}),
        "read_default_file": ([POSTS, "--url", f"{my}?read_default_file={options}"], {}),
        "read_default_group": ([POSTS, "--url", f"{my}?read_default_group=client"], {}),
        "option-file-and-socket": (
            [POSTS, "--url", f"{my}?read_default_file={options}&unix_socket=/tmp/my.sock"],
            {},
        ),
        "MYSQL_HOST": ([POSTS, "--url", my], {"MYSQL_HOST": FAR}),
        "evil.localhost": ([POSTS, "--url", "postgresql+asyncpg://seeder@evil.localhost/app"], {}),
        "mongodb+srv": ([MONGO_POSTS, "--url", "mongodb+srv://cluster.example.com/app"], {}),
        "mongo-seed-list": (
            [MONGO_POSTS, "--url", "mongodb://127.0.0.1:1,127.0.0.1:2/app"],
            {},
        ),
        "mongo-replicaSet": ([MONGO_POSTS, "--url", "mongodb://127.0.0.1:1/app?replicaSet=rs"], {}),
        "mongo-directConnection-false": (
            [MONGO_POSTS, "--url", "mongodb://127.0.0.1:1/app?directConnection=false"],
            {},
        ),
    }


def run_guarded(cases: list[tuple[list[str], dict[str, str]]]) -> list[dict[str, Any]]:
    """Run the command lines in one guarded subprocess; their outcomes."""
    env = {k: v for k, v in seed_env().items() if k not in CHOOSERS}
    payload = json.dumps([{"argv": ["seed", *argv], "env": extra} for argv, extra in cases])
    script = pathlib.Path(__file__).with_name("_guarded_seed.py")
    done = subprocess.run(
        [sys.executable, str(script), payload],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    outcomes: list[dict[str, Any]] = json.loads(done.stdout.strip().splitlines()[-1])
    return outcomes


def test_every_shape_that_can_reach_elsewhere_is_refused_without_yes(
    tmp_path: pathlib.Path,
) -> None:
    cases = refused_cases(tmp_path)
    # The control: with --yes the command goes ahead, and the guard sees (and blocks) the
    # connection PGHOST chooses; so a refusal above really is "nothing attempted".
    control = ([POSTS, "--yes", "--url", "postgresql+asyncpg://seeder@/app"], {"PGHOST": FAR})
    outcomes = run_guarded([*cases.values(), control])
    *refusals, checked = outcomes
    for name, outcome in zip(cases, refusals, strict=True):
        lines = outcome["stderr"].splitlines()
        assert outcome["status"] == 1, (name, outcome)
        assert len(lines) == 1, (name, lines)
        assert "is not a local database" in lines[0], (name, lines)
        assert "--yes" in lines[0], (name, lines)
        assert "Nothing was written" in lines[0], (name, lines)
        assert outcome["blocked"] == [], (name, outcome["blocked"])
    assert checked["status"] == 1, checked
    assert FAR in checked["blocked"], checked


@pytest.mark.parametrize(
    ("url", "env", "reason"),
    [
        ("postgresql+asyncpg://u@/app", {"PGHOST": FAR}, "PGHOST is set in the environment"),
        ("postgresql+asyncpg://u@/app?service=prod", {}, "?service="),
        ("postgresql+asyncpg://u@/app?dsn=postgresql://h/app", {}, "?dsn="),
        ("postgresql+psycopg://u@/dbname%3Dx%20host%3Dfar", {}, "connection string"),
        ("mysql+aiomysql://u@/app?read_default_file=x.cnf", {}, "?read_default_file="),
        ("mssql+aioodbc://u@/app", {}, "names no host"),
        ("postgresql+asyncpg://u@db.localhost/app", {}, "'db.localhost'"),
        ("mongodb://localhost:1,localhost:2/app", {}, "several servers"),
        ("mongodb://localhost:1/app?replicaSet=rs0", {}, "replica set"),
    ],
)
def test_a_refusal_says_what_can_reach_elsewhere(
    url: str, env: dict[str, str], reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in CHOOSERS:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    target = parse_target(url, None, Redactor())
    assert not target.local
    assert reason in target.elsewhere


@pytest.mark.parametrize(
    ("url", "driver_url"),
    [
        ("postgresql+asyncpg://u@/app", None),  # the default socket: nothing chooses a host
        ("postgresql+asyncpg://u@localhost/app", None),
        ("postgresql+asyncpg://u@127.0.0.2:5432/app", None),  # all of 127.0.0.0/8
        ("mysql+asyncmy://u@/app?unix_socket=/run/mysqld/mysqld.sock", None),
        ("mysql+asyncmy://u@127.0.0.1/app?read_default_file=my.cnf", None),  # host wins
        ("mongodb://127.0.0.1:27017/app", "mongodb://127.0.0.1:27017/app?directConnection=true"),
        ("mongodb://[::1]:27017", "mongodb://[::1]:27017/?directConnection=true"),
        ("mongodb://localhost/app?w=1", "mongodb://localhost/app?w=1&directConnection=true"),
        ("mongodb://localhost/app?directConnection=true", None),
    ],
)
def test_local_shapes_stay_local(
    url: str, driver_url: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in CHOOSERS:
        monkeypatch.delenv(name, raising=False)
    target = parse_target(url, "app" if "/app" not in url else None, Redactor())
    assert target.local, target.elsewhere
    # a local Mongo target is connected to alone: the hosts it announces are not followed
    assert target.url == (driver_url or url)
