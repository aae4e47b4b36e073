"""The seed command writes with COPY on PostgreSQL (asyncpg and psycopg), atomically per batch.

That COPY stores the rows ``create_batch_async`` stores is ``test_seed_equals_create_batch``
(it runs on both drivers); here, which statements wrote the rows, read from the server:
a statement-level trigger logs ``current_query()`` for every write into each table.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import MetaData, text
from sqlalchemy.ext.asyncio import create_async_engine

from examples.blog.models import Base as BlogBase
from tests.seed._db import count, drop_tables, query, wipe
from tests.seed.conftest import messages, run_seed
from tests.seed.documented import DOCUMENTED, Base

pytestmark = pytest.mark.postgres

MODULE = "tests.seed.documented"
#: Every documented factory the bulk path writes (not those the session writes, by design:
#: ``sqlalchemy_session_persistence = None``, ``_create_async``, get_or_create, hooks that
#: call other factories): plain ones, a RelatedFactory, declarations reading a related
#: object's generated key (``ChildOfUserFactory``: ``o.company.id``; ``MembershipFactory``:
#: ``company_id = SelfAttribute("company.id")`` with no relationship), ``async def`` hooks
#: (``KeyAwaitingUserFactory`` reads its key through ``awaitable_attrs``); then the example
#: blog's post (many-to-many tags, comments).
SESSION_WRITTEN = {
    "UnflushedChildFactory",
    "AuditedUserFactory",
    "SharedCompanyFactory",
    "MemberWithSyncHookFactory",
    "MemberWithAsyncHookFactory",
    "SharedCompanyWithUsersFactory",
}
BULK = (
    *(f"{MODULE}:{name}" for name in DOCUMENTED if name not in SESSION_WRITTEN),
    "examples.blog.factories:PostFactory",
)


@pytest.fixture(params=["asyncpg", "psycopg"])
def postgres_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(f"postgres_{request.param}_url")
    return url


def _execute(url: str, metadata: MetaData | None, *statements: str) -> None:
    """Create ``metadata``'s tables (if given), then run ``statements``; committed."""

    async def run() -> None:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as conn:
                if metadata is not None:
                    await conn.run_sync(metadata.create_all)
                for statement in statements:
                    await conn.execute(text(statement))
        finally:
            await engine.dispose()

    asyncio.run(run())


def _log_writes(url: str, metadata: MetaData, *others: MetaData) -> None:
    """Create the tables, each logging the statements that write into it."""
    for other in others:
        _execute(url, other)
    tables = [*metadata.tables, *(table for other in others for table in other.tables)]
    _execute(
        url,
        metadata,
        "CREATE TABLE afb_writes (tbl text, statement text)",
        "CREATE FUNCTION afb_log_write() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN INSERT INTO afb_writes VALUES (TG_TABLE_NAME, current_query()); "
        "RETURN NULL; END $$",
        *(
            f"CREATE TRIGGER afb_log AFTER INSERT ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION afb_log_write()"
            for table in tables
        ),
    )


def _unlog_writes(url: str) -> None:
    _execute(
        url, None, "DROP TABLE IF EXISTS afb_writes", "DROP FUNCTION IF EXISTS afb_log_write()"
    )


def _drop(url: str) -> None:
    drop_tables(url, Base.metadata)
    drop_tables(url, BlogBase.metadata)
    _unlog_writes(url)


def _writes(url: str) -> dict[str, set[str]]:
    """The first word of each statement that wrote into each table (COPY, INSERT)."""
    found: dict[str, set[str]] = {}
    for table, statement in query(url, "SELECT tbl, statement FROM afb_writes"):
        found.setdefault(table, set()).add(statement.split()[0].upper())
    return found


@pytest.mark.parametrize(("flags", "statement"), [((), "COPY"), (("--no-copy",), "INSERT")])
def test_documented_factories_are_written_with_copy(
    postgres_url: str, flags: tuple[str, ...], statement: str
) -> None:
    _drop(postgres_url)
    _log_writes(postgres_url, Base.metadata, BlogBase.metadata)
    try:
        result = run_seed(
            *BULK,
            *flags,
            "-n",
            "3",
            "--batch-size",
            "2",
            "--url",
            postgres_url,
        )
        assert result.returncode == 0, result.stderr
        writes = _writes(postgres_url)
        lines = [line.split() for line in result.stdout.splitlines()]
        summary = {line[0]: int(line[1]) for line in lines if len(line) == 2}
    finally:
        _drop(postgres_url)

    documented = {"doc_company", "doc_user", "doc_membership"}
    assert set(writes) == documented | {"authors", "posts", "comments", "tags", "post_tags"}
    assert all(kinds == {statement} for kinds in writes.values()), str(writes)
    assert summary["doc_membership"] == 6  # rows written by COPY are counted
    assert summary["post_tags"] == 6


def test_a_failing_batch_leaves_nothing_of_it(postgres_url: str) -> None:
    """Authors are copied first (their keys are given), then the posts' COPY fails."""
    tables = ("post_tags", "comments", "posts", "authors", "tags")
    wipe(postgres_url, *tables)
    try:
        options = ["-n", "50", "--batch-size", "10", "--create-tables", "--url"]
        result = run_seed("tests.seed.factories:CollidingKeyedPostFactory", *options, postgres_url)
        kept = count(postgres_url, "authors"), count(postgres_url, "posts")
    finally:
        wipe(postgres_url, *tables)

    assert result.returncode == 1
    [error] = messages(result.stderr)
    assert error.startswith("error: batch 3 of CollidingKeyedPostFactory failed and was rolled")
    assert "UniqueViolation" in error or "duplicate key" in error
    assert kept == (20, 20)
