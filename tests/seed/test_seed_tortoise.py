"""The seed command on Tortoise factories: the same ``--url`` as for SQLAlchemy, translated
for Tortoise, each batch one ``create_batch_async`` in one transaction, on every SQL server."""

from __future__ import annotations

import pytest

from async_factory_boy._seed._errors import SeedError
from async_factory_boy._seed._progress import TABLE
from async_factory_boy.factory.tortoise._api import tortoise_url
from tests.seed._db import count, query, wipe
from tests.seed.conftest import messages, run_seed

USERS = "tests.tortoise.factories:UserFactory"

SERVERS = [
    pytest.param("sqlite_url", marks=pytest.mark.sqlite, id="sqlite"),
    pytest.param("postgres_asyncpg_url", marks=pytest.mark.postgres, id="postgres"),
    pytest.param("mariadb_url", marks=pytest.mark.mariadb, id="mariadb"),
]


@pytest.fixture(params=SERVERS)
def url(request: pytest.FixtureRequest) -> str:
    value: str = request.getfixturevalue(request.param)
    wipe(
        value,
        "afb_article",  # refers to afb_user and afb_company (tests/tortoise/test_fast_path.py)
        "afb_user_tag",
        "afb_profile",
        "afb_token",
        "afb_user",
        "afb_tag",
        "afb_company",
        TABLE,
    )
    return value


def test_seeds_tortoise_models_and_what_they_reference(url: str) -> None:
    result = run_seed(
        USERS, "--count", "25", "--batch-size", "10", "--create-tables", "--seed", "7",
        "--url", url,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert count(url, "afb_user") == 25
    assert count(url, "afb_company") == 25
    joined = "SELECT COUNT(*) FROM afb_user u JOIN afb_company c ON c.id = u.company_id"
    assert query(url, joined) == [(25,)]
    lines = result.stdout.splitlines()
    assert any(line.split() == ["afb_user", "25"] for line in lines)
    assert any(line.split() == ["afb_company", "25"] for line in lines)


def test_tortoise_and_sqlalchemy_factories_are_not_mixed_in_one_run(sqlite_url: str) -> None:
    result = run_seed(
        USERS, "tests.seed.factories:AuthorFactory", "--create-tables", "--url", sqlite_url
    )

    assert result.returncode == 1
    assert result.stderr.startswith("error: tests.seed.factories:AuthorFactory is not a Tortoise")
    assert len(messages(result.stderr)) == 1


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite+aiosqlite:///./seed.db", "sqlite://./seed.db"),
        ("sqlite+aiosqlite:////tmp/seed.db", "sqlite:///tmp/seed.db"),
        ("postgresql+asyncpg://u:pw@db:5432/app", "asyncpg://u:pw@db:5432/app"),
        ("postgresql+psycopg://u@/app?host=/tmp", "psycopg://u@/app?host=/tmp"),
        ("mysql+asyncmy://root@127.0.0.1:3306/app", "mysql://root@127.0.0.1:3306/app"),
        ("mariadb+asyncmy://root@127.0.0.1/app", "mysql://root@127.0.0.1/app"),
    ],
)
def test_sqlalchemy_urls_translate_to_tortoise_urls(url: str, expected: str) -> None:
    assert tortoise_url(url) == expected


def test_a_url_without_a_tortoise_counterpart_is_refused() -> None:
    with pytest.raises(SeedError, match="no Tortoise counterpart"):
        tortoise_url("oracle+oracledb://u@db/app")


def test_a_shard_then_resume_store_the_rows_of_one_run(url: str) -> None:
    """Progress records in Tortoise's transaction; sequences and keys per batch."""
    args = (USERS, "-n", "7", "--batch-size", "2", "--seed", "5", "--create-tables", "-q")
    rows = (
        "SELECT u.name, u.email, c.name FROM afb_user u JOIN afb_company c ON c.id = u.company_id"
    )
    assert run_seed(*args, "--url", url).returncode == 0
    expected = sorted(query(url, rows))
    wipe(
        url,
        "afb_article",
        "afb_user_tag",
        "afb_profile",
        "afb_token",
        "afb_user",
        "afb_company",
        TABLE,
    )

    shard = run_seed(*args, "--shard", "1/2", "--url", url)
    rest = run_seed(*args, "--resume", "--url", url)

    assert (shard.returncode, rest.returncode) == (0, 0), shard.stderr + rest.stderr
    assert sorted(query(url, rows)) == expected
    assert len(expected) == 7
    assert count(url, TABLE) == 4
