"""Counting the SQL statements a test ran, to tell a bulk insert from one insert per row."""

from __future__ import annotations

from typing import Any


def statements(captured: Any, verb: str, table: str) -> int:
    """How many ``verb`` (``INSERT``, ``UPDATE``) statements ``captured`` ran on ``table``."""
    return sum(
        1
        for query in captured.captured_queries
        if query["sql"].lstrip().upper().startswith(verb) and table in query["sql"]
    )
