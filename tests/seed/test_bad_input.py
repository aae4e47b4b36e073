"""Bad input: one ``error:`` line on stderr, exit status 2 (usage) or 1 (a failed run), never
a traceback."""

from __future__ import annotations

import pytest

from tests.seed.conftest import messages, run_seed

POSTS = "tests.seed.factories:PostFactory"


@pytest.mark.parametrize(
    ("args", "expected", "status"),
    [
        pytest.param(
            ["nosuchmodule.factories:PostFactory"], "cannot import", 1, id="unknown-module"
        ),
        pytest.param(
            ["tests.seed.factories:NoSuchFactory"], "has no attribute", 1, id="unknown-class"
        ),
        pytest.param(
            ["tests.seed.factories:NotAFactory"], "not an async factory", 1, id="not-factory"
        ),
        pytest.param(["tests.seed.factories:PlainFactory"], "not an async factory", 1, id="sync"),
        pytest.param(["tests.seed.factories"], "expected package.module:Factory", 2, id="no-colon"),
        pytest.param(["tests.seed.factories:DocumentFactory"], "not SQLAlchemy", 1, id="unmapped"),
        pytest.param([POSTS, "--url", "not a url"], "invalid database URL", 2, id="bad-url"),
        pytest.param(
            [POSTS, "--url", "sqlite:///x.db"], "invalid database URL", 2, id="sync-driver"
        ),
        pytest.param(
            [POSTS, "--url", "postgresql+asyncpg://postgres@127.0.0.1:1/none"],
            "cannot connect to postgresql+asyncpg://postgres@127.0.0.1:1/none",
            1,
            id="unreachable",
        ),
        pytest.param([POSTS, "--count", "-1"], "--count must be 0 or more", 2, id="negative"),
        pytest.param([f"{POSTS}=-3"], "the count must be 0 or more", 2, id="negative-own"),
        pytest.param([POSTS, "--count", "many"], "--count must be a whole number", 2, id="nan"),
        pytest.param([POSTS, "--batch-size", "0"], "--batch-size must be 1 or more", 2, id="batch"),
        pytest.param([POSTS, "--bogus"], "unrecognized arguments", 2, id="unknown-option"),
        pytest.param(
            ["tests.seed.factories:MongoPostFactory"], "not SQLAlchemy-mapped", 1, id="mongo-on-sql"
        ),
        pytest.param(
            [POSTS, "--url", "mongodb://127.0.0.1:1", "--database", "x"],
            "not an AsyncMongoFactory",
            1,
            id="sql-on-mongo",
        ),
        pytest.param([POSTS, "--url", "mongodb://127.0.0.1:1"], "--database NAME", 2, id="no-db"),
        *(
            pytest.param(
                [POSTS, f"--shard={shard}"], "--shard must be I/N with 0 <= I < N", 2, id=name
            )
            for name, shard in [
                ("shard-one-based", "2/2"),
                ("shard-no-slash", "1"),
                ("shard-words", "a/b"),
                ("shard-negative", "-1/2"),
                ("shard-of-none", "0/0"),
            ]
        ),
        pytest.param([POSTS, "--workers", "0"], "--workers must be 1 or more", 2, id="workers"),
        pytest.param([POSTS, "--run-id", "my run"], "--run-id must be 1 to 200", 2, id="run-id"),
        pytest.param(
            [POSTS, "--sequence-stride", "0"], "--sequence-stride must be 1 or more", 2, id="stride"
        ),
        pytest.param(["status", "--run-id", "a;b"], "--run-id must be 1 to 200", 2, id="status-id"),
        pytest.param(["status", "--bogus"], "unrecognized arguments", 2, id="status-option"),
        pytest.param(
            ["status", "--url", "postgresql+asyncpg://postgres@127.0.0.1:1/none"],
            "cannot connect to postgresql+asyncpg://postgres@127.0.0.1:1/none",
            1,
            id="status-unreachable",
        ),
    ],
)
def test_bad_input_is_one_line_and_its_status(args: list[str], expected: str, status: int) -> None:
    """2 for what was typed wrong (argparse's usage errors, a URL no driver parses), 1 for
    what a run found (a factory that cannot be imported, a server that cannot be reached)."""
    result = run_seed(*args)

    assert result.returncode == status
    assert "Traceback" not in result.stdout + result.stderr
    [line] = messages(result.stderr)
    assert line.startswith("error: ")
    assert expected in line
