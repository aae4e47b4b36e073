"""The content of the example blog's tables with generated keys resolved: what two runs
must agree on whatever order their batches were committed in.

Keys the database generates (autoincrement, serial) number rows in commit order, so a split
run numbers them differently; every row is therefore read with the rows it references
joined in, by values (each author's email is unique), and compared as sorted lists.
"""

from __future__ import annotations

from typing import Any

from tests.seed._db import query

_QUERIES = {
    "authors": "SELECT name, email FROM authors",
    "posts": (
        "SELECT a.email, p.title, p.body, p.published_at FROM posts p "
        "JOIN authors a ON a.id = p.author_id"
    ),
    "comments": (
        "SELECT pa.email, a.email, c.body FROM comments c JOIN authors a ON a.id = c.author_id "
        "JOIN posts p ON p.id = c.post_id JOIN authors pa ON pa.id = p.author_id"
    ),
    "tags": "SELECT name FROM tags",
    "post_tags": (
        "SELECT a.email, t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id "
        "JOIN posts p ON p.id = pt.post_id JOIN authors a ON a.id = p.author_id"
    ),
}


def blog_content(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of the example blog, keys resolved, rows sorted."""
    return {table: sorted(query(url, sql)) for table, sql in _QUERIES.items()}
