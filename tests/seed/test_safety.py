"""Safety: passwords stay out of every output, far databases need a yes."""

from __future__ import annotations

import pytest

from tests.seed._db import drop_tables
from tests.seed.conftest import messages, run_seed
from tests.seed.documented import Base as DocumentedBase

POSTS = "tests.seed.factories:PostFactory"
SECRET = "hunter2-S3cret"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+asyncpg://seeder:{SECRET}@127.0.0.1:1/app",  # unreachable
        f"postgresql+asyncpg://seeder:{SECRET}@127.0.0.1:notaport/app",  # unparsable
        f"nosuchdialect+driver://seeder:{SECRET}@127.0.0.1/app",  # unknown dialect
        f"mongodb://seeder:{SECRET}@127.0.0.1:1/app",  # unreachable
        f"postgresql+asyncpg://seeder@127.0.0.1:1/app?password={SECRET}",  # in the query
        f"postgresql+asyncpg://seeder@127.0.0.1:1/app?sslpassword={SECRET}&sslmode=allow",
        f"://seeder:{SECRET}@127.0.0.1/app",  # malformed, each one differently
        f"postgresql+asyncpg:/seeder:{SECRET}@127.0.0.1/app",
        f"postgresql+asyncpg//seeder:{SECRET}@127.0.0.1/app",
        f"postgresql +asyncpg://seeder:{SECRET}@127.0.0.1/app",
        f"postgresql+asyncpg://seeder:p@ss{SECRET}@127.0.0.1:1/app",  # an unescaped @
    ],
)
def test_a_password_in_the_url_never_appears(url: str) -> None:
    factory = "tests.seed.factories:MongoPostFactory" if url.startswith("mongodb") else POSTS
    result = run_seed(factory, "--url", url)

    assert result.returncode in (1, 2)  # usage or connection: pinned in test_bad_input
    assert SECRET not in result.stdout + result.stderr
    assert "***" in result.stderr


def test_a_password_in_a_usage_error_never_appears() -> None:
    result = run_seed(POSTS, f"postgresql+asyncpg://seeder:{SECRET}@127.0.0.1/app")

    assert result.returncode == 2
    assert SECRET not in result.stdout + result.stderr


def test_a_password_in_a_mistyped_option_never_appears() -> None:
    result = run_seed(POSTS, f"--urll=postgresql+asyncpg://seeder:{SECRET}@127.0.0.1/app")

    assert result.returncode == 2
    [line] = messages(result.stderr)
    assert line == (
        "error: unrecognized arguments: --urll=postgresql+asyncpg://seeder:***@127.0.0.1/app"
    )


def test_a_short_password_does_not_mangle_the_message() -> None:
    result = run_seed(POSTS, "--url", "postgresql+asyncpg://seeder:p@127.0.0.1:1/app")

    [line] = messages(result.stderr)
    assert line.startswith(
        "error: cannot connect to postgresql+asyncpg://seeder:***@127.0.0.1:1/app"
    )
    assert "postgresql" in line


@pytest.mark.postgres
def test_a_password_in_the_query_string_stays_out_of_the_summary(
    postgres_asyncpg_url: str,
) -> None:
    # Tables of their own: the run's PostgreSQL database is shared by the seed tests.
    result = run_seed(
        "tests.seed.documented:CompanyFactory",
        "-n",
        "3",
        "--create-tables",
        "--url",
        f"{postgres_asyncpg_url}?password={SECRET}",
    )

    drop_tables(postgres_asyncpg_url, DocumentedBase.metadata)
    assert result.returncode == 0, result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert "?password=*** in" in result.stdout


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+asyncpg://seeder@/app?host=/tmp/sock:5432&host=db.example.com:5432",
        "postgresql+psycopg://seeder@/app?host=/tmp,db.example.com",
        "postgresql+asyncpg://seeder@prod.sock/app",
    ],
)
def test_a_socket_first_or_a_sock_name_does_not_make_a_database_local(url: str) -> None:
    result = run_seed(POSTS, "--url", url)

    assert result.returncode == 1
    [line] = messages(result.stderr)
    assert "is not a local database" in line
    assert "Nothing was written" in line


def test_a_remote_database_is_refused_without_yes() -> None:
    result = run_seed(POSTS, "--url", f"postgresql+asyncpg://seeder:{SECRET}@db.example.com/app")

    assert result.returncode == 1
    [line] = messages(result.stderr)
    assert "is not a local database" in line
    assert "--yes" in line
    assert "Nothing was written" in line
    assert SECRET not in line


def test_yes_goes_ahead_with_a_remote_database() -> None:
    # 0.0.0.0 is not a loopback address, yet connecting to it fails fast: with --yes the
    # command goes as far as connecting.
    result = run_seed(POSTS, "--yes", "--url", "postgresql+asyncpg://seeder@0.0.0.0:1/app")

    assert result.returncode == 1
    assert "cannot connect to postgresql+asyncpg://seeder@0.0.0.0:1/app" in result.stderr
