"""Progress records in a SQL database, through SQLAlchemy Core (see :mod:`._progress`)."""

from __future__ import annotations

import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    inspect,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from ..._seeding import PROGRESS_TABLE as TABLE
from ..._seeding import BatchRecord

__all__ = ["create_progress_table", "finished_batches", "read_records", "record_batch"]

_metadata = MetaData()
_progress = Table(
    TABLE,
    _metadata,
    Column("run_id", String(200), primary_key=True),
    Column("factory", String(300), primary_key=True),
    Column("batch", Integer, primary_key=True, autoincrement=False),
    Column("batches", Integer, nullable=False),
    Column("row_count", BigInteger, nullable=False),
    Column("finished_at", DateTime, nullable=False),
)


async def create_progress_table(conn: AsyncConnection) -> None:
    """Create the table if it is missing, in a transaction of its own.

    Shards started together race to create it; the loser's CREATE fails (PostgreSQL: a
    duplicate ``pg_type`` row), which is fine once the table is there.
    """
    try:
        async with conn.begin():
            await conn.run_sync(_metadata.create_all)
    except Exception:
        async with conn.begin():
            if not await _exists(conn):
                raise


async def _exists(conn: AsyncConnection) -> bool:
    return await conn.run_sync(lambda sync: inspect(sync).has_table(TABLE))


async def finished_batches(conn: AsyncConnection, run_id: str) -> set[tuple[str, int]]:
    """(factory, batch) of every batch of ``run_id`` already committed."""
    async with conn.begin():
        query = select(_progress.c.factory, _progress.c.batch).where(_progress.c.run_id == run_id)
        return {(factory, batch) for factory, batch in (await conn.execute(query)).all()}


async def read_records(
    conn: AsyncConnection, run_id: str | None
) -> list[tuple[str, str, int, int]] | None:
    """(run_id, factory, batches, rows) of every record (of ``run_id``); None: no table."""
    async with conn.begin():
        if not await _exists(conn):
            return None
        query = select(
            _progress.c.run_id, _progress.c.factory, _progress.c.batches, _progress.c.row_count
        )
        if run_id is not None:
            query = query.where(_progress.c.run_id == run_id)
        return [tuple(row) for row in (await conn.execute(query)).all()]


async def record_batch(conn: AsyncConnection, record: BatchRecord, rows: int) -> None:
    """Insert ``record`` inside the batch's open transaction."""
    await conn.execute(
        _progress.insert().values(
            run_id=record.run_id,
            factory=record.factory,
            batch=record.batch,
            batches=record.batches,
            row_count=rows,
            finished_at=datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None),
        )
    )
