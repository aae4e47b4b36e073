"""COPY on PostgreSQL stores what Core ``insert()`` stores, and falls back where it cannot.

``insert_rows`` is the seed's table-writing strategy on PostgreSQL (asyncpg and psycopg);
each test runs it on both drivers against the real server, next to Core ``insert()``.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    Identity,
    Integer,
    Interval,
    LargeBinary,
    MetaData,
    Numeric,
    Sequence,
    String,
    Table,
    TypeDecorator,
    Uuid,
    literal,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from async_factory_boy.factory.sqlalchemy._seed_copy import CopyError, copied_rows, insert_rows

pytestmark = [pytest.mark.postgres, pytest.mark.asyncio]


class Mood(enum.Enum):
    HAPPY = "happy"
    SAD = "sad"


class Shout(TypeDecorator[str]):
    """A type whose bind step changes the value: COPY must store what INSERT stores."""

    impl = String(20)
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else value.upper() + "!"


metadata = MetaData()


def _typed(name: str) -> Table:
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("doc", JSON),
        Column("docb", JSONB),
        Column("nums", ARRAY(Integer)),
        Column("uid", Uuid),
        Column("mood", Enum(Mood, name="afb_copy_mood")),
        Column("at", DateTime(timezone=True)),
        Column("day", Date),
        Column("amount", Numeric(10, 2)),
        Column("blob", LargeBinary),
        Column("flag", Boolean),
        Column("span", Interval),
        Column("shout", Shout),
        Column("label", String(20), default="python default"),
        Column("made", String(20), server_default="server default"),
    )


copied_table, inserted_table = _typed("afb_copy_typed"), _typed("afb_insert_typed")
always = Table(
    "afb_copy_always",
    metadata,
    Column("id", Integer, Identity(always=True), primary_key=True),
    Column("name", String(20)),
)
serial = Table(
    "afb_copy_serial",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(20)),
)
stamped = Table(
    "afb_copy_stamped",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(20), server_default=text("'srv-' || 'code'")),
)


def _stamp() -> str:
    return "stamped"


defaulted = Table(
    "afb_copy_defaults",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("stamp", String(20), default=_stamp),  # a zero-argument callable: called per row
    Column("n", Integer, Sequence("afb_copy_n_seq")),  # drawn from the sequence
)
contextual = Table(
    "afb_copy_contextual",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("echo", String(20), default=lambda ctx: f"echo {ctx.get_current_parameters()['id']}"),
    Column("expression", String(20), default=literal("sql")),
)

TYPED_ROWS: list[dict[str, Any]] = [
    {
        "id": 1,
        "doc": {"a": [1, 2, {"b": None}], "s": "é"},
        "docb": {"k": True},
        "nums": [3, 1, 2],
        "uid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "mood": Mood.SAD,
        "at": datetime.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=datetime.UTC),
        "day": datetime.date(1999, 12, 31),
        "amount": decimal.Decimal("1234.56"),
        "blob": b"\x00\\\x01\n\xff",
        "flag": True,
        "span": datetime.timedelta(days=2, seconds=3, microseconds=4),
        "shout": "hello",
    },
    {  # None where a value may be None: JSON stores ``null``, the rest SQL NULL
        "id": 2,
        "doc": None,
        "docb": None,
        "nums": [],
        "uid": None,
        "mood": None,
        "at": datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=5))),
        "day": None,
        "amount": None,
        "blob": None,
        "flag": False,
        "span": None,
        "shout": None,
    },
]


@pytest.fixture(params=["asyncpg", "psycopg"])
def postgres_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(f"postgres_{request.param}_url")
    return url


@pytest_asyncio.fixture
async def conn(postgres_url: str) -> AsyncIterator[AsyncConnection]:
    """A connection with fresh tables, inside a transaction as the seed's batches are."""
    engine = create_async_engine(postgres_url)
    async with engine.begin() as setup:
        await setup.run_sync(metadata.drop_all)
        await setup.run_sync(metadata.create_all)
    try:
        async with engine.connect() as connection, connection.begin():
            yield connection
    finally:
        async with engine.begin() as setup:
            await setup.run_sync(metadata.drop_all)
        await engine.dispose()


async def _write(
    conn: AsyncConnection, table: Table, rows: list[dict[str, Any]], returning: list[Any]
) -> tuple[list[tuple[Any, ...]] | None, Counter[str]]:
    """``insert_rows``, and the rows it wrote with COPY per table."""
    copied: Counter[str] = Counter()
    token = copied_rows.set(copied)
    try:
        return await insert_rows(conn, table, [dict(row) for row in rows], returning), copied
    finally:
        copied_rows.reset(token)


async def _rows(conn: AsyncConnection, table: Table) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in await conn.execute(select(table).order_by(*table.primary_key))]


async def test_every_column_type_stores_what_insert_stores(conn: AsyncConnection) -> None:
    await conn.execute(inserted_table.insert(), TYPED_ROWS)

    returned, copied = await _write(conn, copied_table, TYPED_ROWS, [])

    assert returned is None
    assert copied == {"afb_copy_typed": 2}  # COPY, not the INSERT fallback
    via_copy, via_insert = await _rows(conn, copied_table), await _rows(conn, inserted_table)
    assert via_copy == via_insert
    assert via_copy[0][12:] == ("HELLO!", "python default", "server default")
    raw_json = text("SELECT doc::text, doc IS NULL FROM afb_copy_typed ORDER BY id")
    assert (await conn.execute(raw_json)).all()[1] == ("null", False)  # JSON null, as INSERT


async def test_generated_keys_are_drawn_from_the_sequence_and_copied(
    conn: AsyncConnection,
) -> None:
    names = [{"name": f"n{i}"} for i in range(5)]

    returned, copied = await _write(conn, serial, names, [serial.c.id])

    assert copied == {"afb_copy_serial": 5}
    stored = [(name,) for _, name in await _rows(conn, serial)]
    assert returned is not None
    assert [key for (key,) in returned] == [key for key, _ in await _rows(conn, serial)]
    assert stored == [(row["name"],) for row in names]  # keys in the rows' order
    await conn.execute(serial.insert(), {"name": "after"})  # the sequence moved past them
    assert (await _rows(conn, serial))[-1] == (6, "after")


async def test_a_generated_always_identity_falls_back_to_insert_returning(
    conn: AsyncConnection,
) -> None:
    returned, copied = await _write(conn, always, [{"name": "a"}, {"name": "b"}], [always.c.id])

    assert copied == {}
    assert returned == [(1,), (2,)]
    assert await _rows(conn, always) == [(1, "a"), (2, "b")]


async def test_a_server_default_read_back_falls_back_to_insert_returning(
    conn: AsyncConnection,
) -> None:
    rows = [{"id": 1}, {"id": 2, "code": "given"}]

    returned, copied = await _write(conn, stamped, rows, [stamped.c.code])

    assert copied == {"afb_copy_stamped": 1}  # the row that gives its code is copied
    assert returned == [("srv-code",), ("given",)]
    assert await _rows(conn, stamped) == [(1, "srv-code"), (2, "given")]


async def test_copy_outside_a_transaction_is_refused(postgres_url: str) -> None:
    """An autocommit connection would keep a failed batch's rows: nothing is copied."""
    engine = create_async_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as autocommit, autocommit.begin():
            await autocommit.run_sync(serial.create, checkfirst=True)
            with pytest.raises(CopyError, match="afb_copy_serial would run outside"):
                await insert_rows(autocommit, serial, [{"name": "lost"}], [])
            assert await _rows(autocommit, serial) == []
            await autocommit.run_sync(serial.drop)
    finally:
        await engine.dispose()


async def test_python_defaults_are_filled_in_as_insert_fills_them(conn: AsyncConnection) -> None:
    _, copied = await _write(conn, defaulted, [{"id": 1}, {"id": 2}], [])

    assert copied == {"afb_copy_defaults": 2}
    assert await _rows(conn, defaulted) == [(1, "stamped", 1), (2, "stamped", 2)]


async def test_defaults_that_need_the_insert_fall_back_to_it(conn: AsyncConnection) -> None:
    """A default reading the execution context, or a SQL expression: INSERT computes them."""
    _, copied = await _write(conn, contextual, [{"id": 1}, {"id": 2}], [])

    assert copied == {}
    assert await _rows(conn, contextual) == [(1, "echo 1", "sql"), (2, "echo 2", "sql")]
