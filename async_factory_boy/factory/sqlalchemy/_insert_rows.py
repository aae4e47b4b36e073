"""How the bulk writer inserts one table's rows: the pluggable :data:`InsertRows` step.

:func:`core_insert_rows` is the default: Core ``insert()`` executemany, with the generated
values read back through ``RETURNING`` in parameter order (``sort_by_parameter_order``).

SQLite needs one more step to be fast. SQLAlchemy cannot tell which row of a multi-row
``INSERT ... RETURNING`` is which on SQLite, so an ordered RETURNING degrades to one
statement per row (the ORM's flush pays the same). For a table keyed by SQLite's rowid
(a single ``INTEGER PRIMARY KEY``), the keys SQLite would hand out are known in advance:
the next rowid is one more than the largest in the table (and than ``sqlite_sequence``'s
for an ``AUTOINCREMENT`` table). :func:`core_insert_rows` gives those keys explicitly, so
the rows go out in one executemany and any other generated column comes back matched by
key. Inside the writer's transaction SQLite's write lock keeps another connection from
taking a key in between; a connection that raced for it anyway gets a unique-key error or
SQLITE_BUSY, never different rows. A single row whose only generated value is that key
takes it from the cursor's ``lastrowid``, as the flush does, without ``RETURNING``.
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy import Column, Integer, Table, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from ..._types import Args, Kwargs
from ._bulk_plan import BulkUnsupported

__all__ = ["InsertRows", "core_insert_rows"]

#: Insert ``rows`` into ``table``; return the ``returning`` columns' values, one tuple per
#: row in the order of ``rows``, or ``None`` when ``returning`` is empty.
InsertRows = Callable[
    [AsyncConnection, Table, list[Kwargs], Sequence[Column[object]]],
    Awaitable[list[Args] | None],
]


async def core_insert_rows(
    conn: AsyncConnection,
    table: Table,
    rows: list[Kwargs],
    returning: Sequence[Column[object]],
) -> list[Args] | None:
    """The default :data:`InsertRows`: Core ``insert()`` executemany.

    With ``returning``: SQLite rowid keys are given up front (see the module doc); else one
    executemany with an ordered ``RETURNING`` where the dialect has it; else one statement
    per row (correct, not fast).
    """
    if not returning:
        await conn.execute(_statement(table, ()), rows)
        return None
    if len(rows) == 1 and conn.dialect.insert_returning:
        # One execute, not an executemany (insertmanyvalues) of one row: a single create.
        if _key_from_lastrowid(conn, table, rows[0], returning):
            result = await conn.execute(_statement(table, ()), rows[0])
            return [tuple(result.inserted_primary_key or ())]
        result = await conn.execute(_statement(table, tuple(returning)), rows[0])
        return [tuple(result.one())]
    dialect = conn.dialect
    if dialect.name == "sqlite":
        key = _rowid_key(table)
        if (
            len(rows) > 1
            and key is not None
            and key in returning
            and not any(key.key in row for row in rows)
        ):
            return await _insert_with_rowids(conn, table, key, rows, returning)
    if dialect.insert_executemany_returning_sort_by_parameter_order:
        statement = table.insert().returning(*returning, sort_by_parameter_order=True)
        result = await conn.execute(statement, rows)
        return [tuple(row) for row in result.all()]
    if dialect.insert_returning:
        statement = table.insert().returning(*returning)
        return [tuple((await conn.execute(statement, row)).one()) for row in rows]
    keys = list(table.primary_key)
    if any(column not in keys for column in returning):
        raise BulkUnsupported(f"{dialect.name} cannot return generated values of {table.name}")
    out = []
    for row in rows:
        result = await conn.execute(table.insert(), row)
        found = dict(zip(keys, result.inserted_primary_key or (), strict=False))
        out.append(tuple(found.get(column) for column in returning))
    return out


def _key_from_lastrowid(
    conn: AsyncConnection, table: Table, row: Kwargs, returning: Sequence[Column[object]]
) -> bool:
    """Whether one row's only generated value, its rowid key, is read as the flush reads it.

    Where the dialect prefers the cursor's ``lastrowid`` to ``RETURNING`` (SQLite), the
    flush of one object inserts without ``RETURNING`` and takes the key from ``lastrowid``.
    So does this: on aiosqlite a ``RETURNING`` costs one more hand-off to the driver's
    thread (the fetch) per statement, a quarter of a single create's round trips.
    """
    dialect = conn.dialect
    if dialect.favor_returning_over_lastrowid or not getattr(dialect, "postfetch_lastrowid", False):
        return False
    key = _rowid_key(table)
    return key is not None and list(returning) == [key] and key.key not in row


_statements: weakref.WeakKeyDictionary[Table, dict[tuple[Column[object], ...], Any]] = (
    weakref.WeakKeyDictionary()
)


def _statement(table: Table, returning: tuple[Column[object], ...]) -> Any:
    """``table.insert().returning(*returning)``, made once: a statement object keeps its
    cache key, so executing it again skips computing it (single creates run it often)."""
    made = _statements.setdefault(table, {})
    statement = made.get(returning)
    if statement is None:
        statement = table.insert()
        if returning:
            statement = statement.returning(*returning)
        made[returning] = statement
    return statement


_rowid_keys: weakref.WeakKeyDictionary[Table, Column[int] | None] = weakref.WeakKeyDictionary()


def _rowid_key(table: Table) -> Column[int] | None:
    """The table's primary key if it is SQLite's rowid: one ``INTEGER`` column (BIGINT is
    not an alias of the rowid), generated by the database."""
    if table in _rowid_keys:
        return _rowid_keys[table]
    found: Column[int] | None = None
    columns = list(table.primary_key)
    if len(columns) == 1:
        column = columns[0]
        if (
            type(column.type) is Integer
            and column.autoincrement in (True, "auto")
            and column.default is None
            and column.server_default is None
        ):
            found = column
    _rowid_keys[table] = found
    return found


async def _next_rowid(conn: AsyncConnection, table: Table, key: Column[int]) -> int:
    """The rowid SQLite would give the next row of ``table``."""
    largest = await conn.scalar(select(func.max(key)))
    if table.dialect_options["sqlite"].get("autoincrement"):
        sequence = await conn.scalar(
            text("SELECT seq FROM sqlite_sequence WHERE name = :name"), {"name": table.name}
        )
        largest = max(largest or 0, sequence or 0)
    return int(largest or 0) + 1


async def _insert_with_rowids(
    conn: AsyncConnection,
    table: Table,
    key: Column[int],
    rows: list[Kwargs],
    returning: Sequence[Column[object]],
) -> list[Args]:
    first = await _next_rowid(conn, table, key)
    for offset, row in enumerate(rows):
        row[key.key] = first + offset
    others = [column for column in returning if column is not key]
    if not others:
        await conn.execute(table.insert(), rows)
        return [(row[key.key],) for row in rows]
    result = await conn.execute(table.insert().returning(key, *others), rows)
    by_key = {got[0]: dict(zip(others, got[1:], strict=True)) for got in result.all()}
    out = []
    for row in rows:
        values = by_key[row[key.key]]
        out.append(tuple(row[key.key] if column is key else values[column] for column in returning))
    return out
