"""The seed command's one redaction, and its locality rule (in process: no database)."""

from __future__ import annotations

import pytest

from async_factory_boy._seed._errors import SeedError
from async_factory_boy._seed._url import Redactor, parse_target

SECRET = "hunter2-S3cret"


def _taught(*texts: str) -> Redactor:
    redact = Redactor()
    redact.learn(texts)
    return redact


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+asyncpg://seeder:{SECRET}@db.example.com/app",
        f"://seeder:{SECRET}@db.example.com/app",
        f"postgresql+asyncpg:/seeder:{SECRET}@db.example.com/app",
        f"postgresql+asyncpg//seeder:{SECRET}@db.example.com/app",
        f"postgresql +asyncpg://seeder:{SECRET}@db.example.com/app",
        f"postgresql+asyncpg://seeder:p@ss-{SECRET}@db.example.com/app",
        f"postgresql+asyncpg://seeder@db.example.com/app?password={SECRET}",
        f"postgresql+asyncpg://seeder@db.example.com/app?sslmode=require&sslpassword={SECRET}",
        f"mongodb://seeder:{SECRET}@h1:27017,h2:27017/app?authSource=admin",
    ],
)
def test_every_form_of_password_is_hidden_and_the_rest_kept(url: str) -> None:
    line = f"error: invalid database URL {url!r}: Could not parse it; expected ..."

    for redact in (Redactor(), _taught(url)):  # known from the arguments or not
        shown = redact(line)
        assert SECRET not in shown
        assert "***" in shown
        assert "db.example.com/app" in shown or "h1:27017,h2:27017/app" in shown
        assert shown.startswith("error: invalid database URL '")
        assert shown.endswith(": Could not parse it; expected ...")


def test_a_mistyped_option_is_redacted() -> None:
    line = f"error: unrecognized arguments: --urll=postgresql+asyncpg://u:{SECRET}@db/app"

    assert (
        Redactor()(line)
        == "error: unrecognized arguments: --urll=postgresql+asyncpg://u:***@db/app"
    )


def test_a_driver_message_quoting_the_password_alone_is_scrubbed() -> None:
    redact = _taught(f"postgresql+asyncpg://u:{SECRET}@db/app")

    assert redact(f'authentication failed: "{SECRET}" rejected') == (
        'authentication failed: "***" rejected'
    )
    assert redact("connect(password='x y', host='db')") == "connect(password=***, host='db')"
    assert redact("{'password': 'abc', 'user': 'u'}") == "{'password': ***, 'user': 'u'}"


def test_a_short_password_does_not_mangle_other_words() -> None:
    redact = _taught("postgresql+asyncpg://u:p@127.0.0.1/app")
    line = "Seeded 10 rows into postgresql+asyncpg://u:p@127.0.0.1/app in 0.5 s (20 rows/s)"

    assert redact(line) == (
        "Seeded 10 rows into postgresql+asyncpg://u:***@127.0.0.1/app in 0.5 s (20 rows/s)"
    )
    assert redact("posts: 10, people: 3, p") == "posts: 10, people: 3, ***"


def test_ordinary_lines_are_untouched() -> None:
    redact = _taught(f"postgresql+asyncpg://u:{SECRET}@db/app")
    for line in [
        "PostFactory: 20/20 (100%), 2,412 rows/s",
        "  post_tags           200",
        "error: batch 3 of PostFactory failed: UNIQUE constraint failed: authors.email",
        "Key (email)=(author1@example.com) already exists.",
        "sqlite+aiosqlite:///./seed.db at 12:30",
    ]:
        assert redact(line) == line


def test_a_password_with_an_unescaped_at_is_refused() -> None:
    redact = Redactor()
    with pytest.raises(SeedError, match="unescaped '@'") as raised:
        parse_target(f"postgresql+asyncpg://u:p@ss{SECRET}@db/app", None, redact)

    assert SECRET not in redact(str(raised.value))


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("sqlite+aiosqlite:///./seed.db", True),
        ("postgresql+asyncpg://u@localhost/app", True),
        ("postgresql+asyncpg://u@127.0.0.1:5432/app", True),
        ("postgresql+asyncpg://u@[::1]:5432/app", True),
        ("postgresql+asyncpg://u@/app", True),  # the default Unix socket
        ("postgresql+asyncpg://u@/app?host=/var/run/postgresql", True),
        ("postgresql+asyncpg://u@/app?host=/tmp/sock:5432&host=127.0.0.1:5432", True),
        ("mysql+asyncmy://u@/app?unix_socket=/run/mysqld/mysqld.sock", True),
        ("postgresql+asyncpg://u@/app?host=/tmp/sock:5432&host=db.example.com:5432", False),
        ("postgresql+psycopg://u@/app?host=/tmp,db.example.com", False),
        ("postgresql+asyncpg://u@prod.sock/app", False),
        ("postgresql+asyncpg://u@localhost/app?host=db.example.com", False),
        ("postgresql+asyncpg://u@0.0.0.0/app", False),
        ("mongodb://127.0.0.1:27017,db.example.com:27017/app", False),
        # several servers: a member may announce others (tests/adversarial covers the rest)
        ("mongodb://127.0.0.1:27017,localhost:27018/app", False),
        ("mongodb://%2Ftmp%2Fmongodb-27017.sock/app", True),
    ],
)
def test_local_only_when_every_host_is_loopback_or_a_socket_path(url: str, local: bool) -> None:
    assert parse_target(url, None, Redactor()).local is local
