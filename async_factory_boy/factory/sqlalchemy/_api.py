"""What the SQLAlchemy backend offers code outside its factories: one write path per database.

The persistence adapter (:class:`~async_factory_boy.persistence.SQLAlchemyPersistence`), the
pytest plugin's ``isolated_session`` and the seed command write rows the way the factories
do by calling these functions, instead of keeping copies of the rules that drift apart:

- :func:`get_or_create_row`: the race-safe lookup-then-insert of ``Meta.sqlalchemy_get_or_create``;
- :func:`all_or_nothing`: the SAVEPOINT a batch runs in (with SQLite's explicit ``BEGIN``);
- :func:`begin_sqlite_transaction`: the one rule for when SQLite needs that ``BEGIN``;
- :func:`commit_each_call`: make every factory call on a session end with a commit (that
  expires nothing), as ``isolated_session`` needs;
- :func:`write_rows`: the bulk writer batches use (Core ``insert()`` per table, keys copied
  along relationships), on a bare connection: the seed command's SQL writer. Its INSERT is
  pluggable (:data:`InsertRows`, default :func:`core_insert_rows`); :class:`BulkUnsupported`
  (raised before anything is written) means the objects need the ORM's flush;
- :func:`is_generated`: the one rule for which columns the INSERT may fill (what a read
  before the write must flush for, or draw a key for);
- :class:`SqlWriter`: the seed command's writer for SQLAlchemy factories (the backend
  registry names it): one transaction per batch, the bulk writer, COPY on PostgreSQL
  (``_seed_writer``, ``_seed_batch``, ``_seed_copy``, ``_seed_progress``).

The dependency points one way: callers import this module, it imports the backend's own
helpers, which import only the core.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from ..._types import Instance
from ._bulk import write_rows
from ._bulk_plan import BulkUnsupported, is_generated
from ._get_or_create import find, insert_or_find
from ._insert_rows import InsertRows, core_insert_rows
from ._savepoint import begin_sqlite_transaction, savepoint
from ._seed_writer import SqlWriter
from ._session import COMMIT_EACH_CALL

__all__ = [
    "BulkUnsupported",
    "InsertRows",
    "SqlWriter",
    "all_or_nothing",
    "begin_sqlite_transaction",
    "commit_each_call",
    "core_insert_rows",
    "get_or_create_row",
    "is_generated",
    "write_rows",
]


def commit_each_call(session: AsyncSession) -> None:
    """Every factory call that flushes through ``session`` commits at its end (expiring
    nothing), so its rows leave a SAVEPOINT the application might roll back."""
    session.info[COMMIT_EACH_CALL] = True


async def get_or_create_row(
    session: AsyncSession, obj: Instance, fields: Iterable[str]
) -> Instance:
    """The row equal to ``obj`` on ``fields``, or ``obj`` itself once inserted and flushed.

    As the factories' ``Meta.sqlalchemy_get_or_create`` does it: a lookup, then the INSERT in
    a SAVEPOINT; if another transaction inserted the same key in between, the INSERT's
    IntegrityError costs only that SAVEPOINT and the winner's row is read back with a
    locking read (so MariaDB's REPEATABLE READ snapshot does not hide it). Several rows
    matching ``fields`` raise ``MultipleResultsFound``: the fields do not identify a row.
    """
    model = type(obj)
    lookup = {name: getattr(obj, name) for name in fields}
    existing = await find(session, model, lookup)
    if existing is not None:
        return existing
    return await insert_or_find(session, model, obj, (lookup,))


@asynccontextmanager
async def all_or_nothing(session: AsyncSession) -> AsyncIterator[None]:
    """A SAVEPOINT around a batch write: released on success, rolled back on failure.

    A failed flush inside it (a unique violation, say) leaves none of the batch's rows and
    the session usable, without touching the caller's transaction or earlier objects. On
    SQLite the real transaction is opened first, so the RELEASE cannot commit anything.
    """
    async with savepoint(session):
        yield
