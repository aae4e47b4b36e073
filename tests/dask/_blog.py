"""The blog database seen by the Dask tests: its content without generated keys, and a
one-time fault injected by the database itself.

Shards write in parallel, so the serial keys they get differ from a single run's; what must
be equal is everything else: each table's rows with every foreign key replaced by what it
points to (an author by e-mail, a post by title and author, a tag by name).
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from examples.blog.models import Base
from tests.seed._db import query

_CONTENT = {
    "authors": "SELECT name, email FROM authors",
    "tags": "SELECT name FROM tags",
    "posts": (
        "SELECT p.title, p.body, p.published_at, a.email FROM posts p "
        "JOIN authors a ON a.id = p.author_id"
    ),
    "comments": (
        "SELECT c.body, a.email, p.title, pa.email FROM comments c "
        "JOIN authors a ON a.id = c.author_id JOIN posts p ON p.id = c.post_id "
        "JOIN authors pa ON pa.id = p.author_id"
    ),
    "post_tags": (
        "SELECT p.title, a.email, t.name FROM post_tags pt JOIN posts p ON p.id = pt.post_id "
        "JOIN authors a ON a.id = p.author_id JOIN tags t ON t.id = pt.tag_id"
    ),
}


def content(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every blog table's rows, keys resolved to what they point to, sorted."""
    return {table: sorted(query(url, sql), key=repr) for table, sql in _CONTENT.items()}


def _run(url: str, *statements: str, create_tables: bool = False) -> None:
    async def execute() -> None:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as conn:
                if create_tables:
                    await conn.run_sync(Base.metadata.create_all)
                for statement in statements:
                    await conn.execute(text(statement))
        finally:
            await engine.dispose()

    asyncio.run(execute())


def fail_once_at_post(url: str, row: int) -> None:
    """Create the blog's tables, and make the ``row``-th post insert fail, once.

    A sequence counts the attempts: ``nextval`` is not rolled back with the failed batch, so
    exactly one attempt fails and a later run (``resume``) meets no fault.
    """
    _run(
        url,
        "CREATE SEQUENCE afb_fault_attempts",
        "CREATE FUNCTION afb_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF nextval('afb_fault_attempts') = {row} THEN "
        f"RAISE EXCEPTION 'injected fault at post {row}'; END IF; RETURN NEW; END $$",
        "CREATE TRIGGER afb_fault BEFORE INSERT ON posts FOR EACH ROW EXECUTE FUNCTION afb_fault()",
        create_tables=True,
    )


def remove_fault(url: str) -> None:
    """Drop what :func:`fail_once_at_post` created, once the tables (and with them the
    trigger) are dropped."""
    _run(
        url,
        "DROP FUNCTION IF EXISTS afb_fault()",
        "DROP SEQUENCE IF EXISTS afb_fault_attempts",
    )
