"""The bulk write of batches: the session ends as a flush would leave it, or the flush does it.

The oracle is the flush itself: each shape is created twice on fresh tables, once with the
bulk path and once with it switched off, and the two sessions and databases are compared
(identity map, every loaded value, unloaded and expired attributes, pending history, rows).
"""

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Callable
from typing import Any

import factory
import pytest
import sqlalchemy as sa
from sqlalchemy import event, func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from async_factory_boy.errors import FactoryConfigurationError
from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory, _session
from async_factory_boy.factory.sqlalchemy._api import core_insert_rows, write_rows
from async_factory_boy.factory.sqlalchemy._bulk_session import write_pending

from .bulk_models import (
    FACTORIES,
    Base,
    DogFactory,
    Firm,
    FirmFactory,
    KeyReadingWorkerFactory,
    NoteFactory,
    RingFactory,
    SkilledWorkerFactory,
    VersionedFactory,
    Worker,
    WorkerFactory,
)
from .conftest import tables

pytestmark = pytest.mark.asyncio

Make = Callable[[AsyncSession], Awaitable[object]]


def spy_on_bulk(monkeypatch: pytest.MonkeyPatch, *, enabled: bool) -> list[bool]:
    """Record what each bulk attempt returned; with ``enabled=False`` every one declines."""
    results: list[bool] = []

    async def spy(session: AsyncSession, **options: bool) -> bool:
        wrote = enabled and await write_pending(session, **options)
        results.append(wrote)
        return wrote

    monkeypatch.setattr(_session, "write_pending", spy)
    return results


def _value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return "a datetime"  # a server's now(): differs between the two runs
    if isinstance(value, Base):
        state = inspect(value)
        return (type(value).__name__, state.key[1] if state.key else None)
    if isinstance(value, list):
        return sorted(map(_value, value), key=repr)
    return value


async def snapshot(session: AsyncSession) -> tuple[object, ...]:
    """What a test could observe: each object's state in the session, and every row."""
    sync = session.sync_session
    objects = {}
    for obj in sync.identity_map.values():
        state = inspect(obj)
        objects[_value(obj)] = (
            {key: _value(value) for key, value in state.dict.items() if not key.startswith("_")},
            sorted(state.unloaded),
            sorted(state.expired_attributes),
            {key: _value(value) for key, value in state.committed_state.items()},
            state.modified,
        )
    rows = {}
    for table in Base.metadata.sorted_tables:
        result = await session.execute(select(table).order_by(*table.primary_key.columns))
        rows[table.name] = [tuple(map(_value, row)) for row in result]
    return objects, rows, (len(sync.new), len(sync.dirty), len(sync.deleted))


async def bulk_and_flush(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch, make: Make
) -> tuple[list[tuple[object, ...]], list[bool]]:
    """Snapshots after ``make`` with the bulk path and without it; the bulk run's results."""
    snapshots = []
    bulk_results: list[bool] = []
    for enabled in (True, False):
        results = spy_on_bulk(monkeypatch, enabled=enabled)
        bulk_results = bulk_results or results
        for made in FACTORIES:
            made.reset_sequence(force=True)
        async with tables(session, Base.metadata):
            made = await make(session)  # held: the identity map keeps only live objects
            snapshots.append(await snapshot(session))
            del made
        session.expunge_all()
    return snapshots, bulk_results


def ordered_returning(session: AsyncSession) -> bool:
    """Whether the dialect can return generated values of an executemany in order."""
    bind = session.bind
    assert isinstance(bind, AsyncEngine)
    return bool(bind.dialect.insert_executemany_returning_sort_by_parameter_order)


@pytest.mark.parametrize(
    "factory_class",
    [WorkerFactory, SkilledWorkerFactory, NoteFactory],
    ids=["defaults-and-one-to-many", "many-to-many", "self-reference"],
)
async def test_a_bulk_batch_leaves_what_the_flush_leaves(
    session: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
    factory_class: type[AsyncSQLAlchemyModelFactory[Any]],
) -> None:
    async def make(session: AsyncSession) -> object:
        made = await factory_class.create_batch_async(4, sqlalchemy_session=session)
        for obj in made:  # the identity map holds them: no SQL, the same object
            assert session.sync_session.identity_map.get(inspect(obj).key) is obj
        return made

    (bulk, flushed), results = await bulk_and_flush(session, monkeypatch, make)

    assert results == [ordered_returning(session)]
    assert bulk == flushed


async def test_a_key_read_mid_batch_writes_what_is_pending_so_far(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def make(session: AsyncSession) -> object:
        workers = await KeyReadingWorkerFactory.create_batch_async(3, sqlalchemy_session=session)
        assert [w.firm_id for w in workers] == [w.firm.id for w in workers]
        return workers

    (bulk, flushed), results = await bulk_and_flush(session, monkeypatch, make)

    # Each read writes the pending firm in bulk; the batch's end writes the workers,
    # whose stored firms' ``staff`` collections gained them.
    assert results == [ordered_returning(session)] * 4
    assert bulk == flushed


async def test_a_stored_parent_gains_children_as_in_a_flush(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def make(session: AsyncSession) -> object:
        firm = await FirmFactory.create_async(sqlalchemy_session=session)
        # ``firm.staff`` is not loaded: the backref queues the workers as pending appends.
        return await WorkerFactory.create_batch_async(3, firm=firm, sqlalchemy_session=session)

    (bulk, flushed), results = await bulk_and_flush(session, monkeypatch, make)

    # The firm's single create, then the batch: both in bulk where RETURNING is ordered.
    assert results == [ordered_returning(session)] * 2
    assert bulk == flushed


def _insert_listener(*args: object) -> None:
    """A flush, insert or refresh_flush listener: expects to run inside a flush."""


@pytest.mark.parametrize(
    "case",
    [
        "inheritance",
        "version-counter",
        "post-update",
        "insert-event",
        "refresh-event",
        "flush-event",
        "sql-expression",
    ],
)
async def test_what_the_bulk_path_cannot_do_exactly_is_flushed(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    factory_class: type[AsyncSQLAlchemyModelFactory[Any]] = {
        "inheritance": DogFactory,
        "version-counter": VersionedFactory,
        "post-update": RingFactory,
    }.get(case, WorkerFactory)
    target: Any = {
        "insert-event": Worker,
        "refresh-event": Worker,
        "flush-event": session.sync_session,
    }.get(case)
    name = {"flush-event": "before_flush", "refresh-event": "refresh_flush"}.get(
        case, "before_insert"
    )
    if target is not None:
        event.listen(target, name, _insert_listener)

    overrides = {"joined": sa.func.now()} if case == "sql-expression" else {}

    async def make(session: AsyncSession) -> object:
        return await factory_class.create_batch_async(3, sqlalchemy_session=session, **overrides)

    try:
        (bulk, flushed), results = await bulk_and_flush(session, monkeypatch, make)
    finally:
        if target is not None:
            event.remove(target, name, _insert_listener)

    assert results == [False]
    assert bulk == flushed


async def rows(session: AsyncSession, model: type) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_a_failed_bulk_batch_leaves_nothing_and_the_session_usable(
    session: AsyncSession,
) -> None:
    async with tables(session, Base.metadata):
        FirmFactory.reset_sequence(force=True)
        taken = await FirmFactory.create_async(sqlalchemy_session=session, name="firm 2")
        batch_size = 4  # its third firm is named "firm 2" too: a unique violation

        with pytest.raises(IntegrityError):
            await WorkerFactory.create_batch_async(batch_size, sqlalchemy_session=session)

        assert list(session.sync_session.identity_map.values()) == [taken]
        assert not session.sync_session.new
        assert (await rows(session, Firm), await rows(session, Worker)) == (1, 0)
        workers = await WorkerFactory.create_batch_async(2, sqlalchemy_session=session)
        assert [w.firm.name for w in workers] == ["firm 5", "firm 6"]
        assert await rows(session, Worker) == 2


async def test_a_rollback_discards_bulk_written_objects(session: AsyncSession) -> None:
    async with tables(session, Base.metadata):
        workers = await WorkerFactory.create_batch_async(3, sqlalchemy_session=session)

        await session.rollback()

        assert all(inspect(w).transient and inspect(w.firm).transient for w in workers)
        assert not session.sync_session.identity_map
        assert await rows(session, Worker) == 0


async def test_bulk_write_can_be_switched_off_per_factory(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    class FlushedWorkerFactory(WorkerFactory):
        class Meta:
            sqlalchemy_bulk_write = False

    results = spy_on_bulk(monkeypatch, enabled=True)
    async with tables(session, Base.metadata):
        workers = await FlushedWorkerFactory.create_batch_async(2, sqlalchemy_session=session)

        assert results == []
        assert all(inspect(w).persistent for w in workers)


async def test_sqlalchemy_bulk_write_must_be_a_bool() -> None:
    with pytest.raises(FactoryConfigurationError, match=r"EagerFactory.*sqlalchemy_bulk_write"):

        class EagerFactory(AsyncSQLAlchemyModelFactory[Firm]):
            class Meta:
                model = Firm
                sqlalchemy_bulk_write = "yes"

            name = factory.Sequence(str)


async def test_the_row_writer_takes_another_insert_strategy(session: AsyncSession) -> None:
    """The seam the seed command's COPY writer plugs into: every table goes through it."""
    seen: list[tuple[str, int, tuple[str, ...]]] = []

    async def recording(
        conn: Any, table: sa.Table, batch: list[dict[str, Any]], returning: Any
    ) -> list[tuple[Any, ...]] | None:
        seen.append((table.name, len(batch), tuple(column.key for column in returning)))
        return await core_insert_rows(conn, table, batch, returning)

    async with tables(session, Base.metadata):
        workers = [Worker(name=f"w{i}", firm=Firm(name=f"f{i}")) for i in range(3)]
        engine = session.bind
        assert isinstance(engine, AsyncEngine)
        async with engine.connect() as conn, conn.begin():
            counts = await write_rows(conn, workers, insert_rows=recording)
        assert counts == {"sab_worker": 3, "sab_firm": 3}
        assert seen == [("sab_firm", 3, ("id",)), ("sab_worker", 3, ())]
        names = await session.scalars(
            select(Firm.name).join(Worker, Worker.firm_id == Firm.id).order_by(Worker.name)
        )
        assert list(names) == ["f0", "f1", "f2"]
