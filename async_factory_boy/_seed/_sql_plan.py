"""Turn a batch of ORM objects into rows, and write them table by table with Core inserts.

The ORM unit of work costs tens of microseconds per object (identity map, events,
per-object bookkeeping); the seed command writes whole batches with Core ``insert()``
executemany instead (SQLAlchemy's "insertmanyvalues": a few multi-row INSERTs per table).
To store what ``session.add_all(objects)`` + flush would store, this module:

1. walks the objects along their relationships with the ``save-update`` cascade, as
   ``Session.add`` does, so objects reached only through a relationship are written too;
2. reads each object's column attributes into a row (an unset attribute, or ``None``, is
   left out so column defaults apply, as the ORM does);
3. writes the tables parents first (``sort_tables``), learns generated primary keys with
   ``RETURNING`` (in parameter order) only where another row needs them, and copies them
   into the children's foreign-key columns along each relationship's column pairs;
4. writes many-to-many association rows last.

Models this does not handle (mapped inheritance, a mapper over several tables) are
reported by :class:`UnsupportedModel`; the writer then falls back to the ORM for the batch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, ColumnElement, Table, inspect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import Mapper, RelationshipDirection
from sqlalchemy.schema import sort_tables

from ..errors import AsyncFactoryError

__all__ = ["InsertRows", "UnsupportedModel", "write_objects"]

#: A table-writing strategy: write ``rows`` into ``table``; the ``returning`` columns' values
#: in row order, or None when ``returning`` is empty (``_copy.insert_rows`` is one).
InsertRows = Callable[
    [AsyncConnection, Table, list[dict[str, Any]], Sequence[Column[Any]]],
    Awaitable[list[tuple[Any, ...]] | None],
]

_MANYTOONE = RelationshipDirection.MANYTOONE
_ONETOMANY = RelationshipDirection.ONETOMANY
_MANYTOMANY = RelationshipDirection.MANYTOMANY


class UnsupportedModel(AsyncFactoryError):
    """A model the bulk path cannot write; the caller uses the ORM for this batch."""


@dataclass(frozen=True)
class _Relation:
    """One relationship of a model, reduced to what the bulk writer needs.

    ``pairs`` are column-key pairs: for many-to-one ``(own fk, parent key)``, for
    one-to-many ``(own key, child fk)``; for many-to-many ``pairs`` map this side's
    columns to the association table and ``target_pairs`` the other side's.
    """

    key: str
    direction: RelationshipDirection
    uselist: bool
    cascade: bool
    target: Table
    pairs: tuple[tuple[str, str], ...]
    secondary: Table | None
    target_pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class _Plan:
    """How to turn one mapped class's objects into rows of its table."""

    table: Table
    columns: tuple[tuple[str, str, bool], ...]  # (attribute key, column key, keep None)
    primary_key: tuple[ColumnElement[Any], ...]
    relations: tuple[_Relation, ...]


_plans: dict[type, _Plan] = {}


def _plan_for(cls: type) -> _Plan:
    plan = _plans.get(cls)
    if plan is None:
        plan = _plans[cls] = _make_plan(cls)
    return plan


def _key(column: ColumnElement[Any]) -> str:
    key = column.key
    if not isinstance(key, str):
        raise UnsupportedModel(f"a relationship joins on an expression ({column!r})")
    return key


def _make_plan(cls: type) -> _Plan:
    mapper: Mapper[Any] | None = inspect(cls, raiseerr=False)
    if mapper is None:
        raise UnsupportedModel(f"{cls.__name__} is not a mapped class")
    table = mapper.local_table
    if mapper.inherits is not None or mapper.polymorphic_on is not None:
        raise UnsupportedModel(f"{cls.__name__} uses mapped inheritance")
    if not isinstance(table, Table) or mapper.persist_selectable is not table:
        raise UnsupportedModel(f"{cls.__name__} is not mapped to a single table")
    columns = []
    for prop in mapper.column_attrs:
        for column in prop.columns:
            if isinstance(column, Column) and column.table is table:
                keep_none = bool(column.type.should_evaluate_none)
                columns.append((prop.key, column.key, keep_none))
    relations = []
    for rel in mapper.relationships:
        if rel.viewonly:
            continue
        target = rel.mapper.local_table
        if not isinstance(target, Table):
            raise UnsupportedModel(f"{cls.__name__}.{rel.key} targets a non-table mapping")
        secondary = rel.secondary if isinstance(rel.secondary, Table) else None
        if rel.direction is _MANYTOMANY:
            if secondary is None:
                raise UnsupportedModel(f"{cls.__name__}.{rel.key} has a non-table secondary")
            pairs = tuple((_key(a), _key(b)) for a, b in rel.synchronize_pairs)
            target_pairs = tuple(
                (_key(a), _key(b)) for a, b in rel.secondary_synchronize_pairs or ()
            )
        else:
            pairs = tuple((_key(a), _key(b)) for a, b in rel.local_remote_pairs or ())
            target_pairs = ()
        relations.append(
            _Relation(
                key=rel.key,
                direction=rel.direction,
                uselist=bool(rel.uselist),
                cascade=bool(rel.cascade.save_update),
                target=target,
                pairs=pairs,
                secondary=secondary,
                target_pairs=target_pairs,
            )
        )
    return _Plan(
        table=table,
        columns=tuple(columns),
        primary_key=tuple(mapper.primary_key),
        relations=tuple(relations),
    )


def _related(value: Any, relation: _Relation) -> Iterable[Any]:
    if value is None:
        return ()
    if not relation.uselist:
        return (value,)
    return value.values() if isinstance(value, dict) else value


def _flatten(objects: Iterable[Any]) -> tuple[list[Any], set[Table]]:
    """The objects, each once and in the order given (so keys are handed out in creation
    order, as a session would), then any object reached only through a save-update
    cascade, in the order found; and the tables whose generated keys another row needs."""
    seen: set[int] = set()
    ordered: list[Any] = []
    for obj in objects:
        if id(obj) not in seen:
            seen.add(id(obj))
            ordered.append(obj)
    referenced: set[Table] = set()
    for obj in ordered:  # grows while iterating: found objects are walked in turn
        state = obj.__dict__
        plan = _plan_for(type(obj))
        for relation in plan.relations:
            value = state.get(relation.key)
            if not value:
                continue
            if relation.direction is _MANYTOONE:
                referenced.add(relation.target)
            else:
                referenced.add(plan.table)
                if relation.direction is _MANYTOMANY:
                    referenced.add(relation.target)
            if relation.cascade:
                for found in _related(value, relation):
                    if id(found) not in seen:
                        seen.add(id(found))
                        ordered.append(found)
    return ordered, referenced


def _row(obj: Any, plan: _Plan) -> dict[str, Any]:
    state = obj.__dict__
    row = {}
    for attribute, column, keep_none in plan.columns:
        if attribute in state:
            value = state[attribute]
            if value is not None or keep_none:
                row[column] = value
    return row


async def _insert(
    conn: AsyncConnection,
    plan: _Plan,
    rows: list[dict[str, Any]],
    want_keys: bool,
    insert_rows: InsertRows | None,
) -> None:
    """Insert ``rows``; with ``want_keys``, fill generated primary keys into them."""
    key_names = [_key(column) for column in plan.primary_key]
    if insert_rows is not None:  # a strategy of the caller's (COPY on PostgreSQL)
        wanted = [c for c in plan.primary_key if isinstance(c, Column)] if want_keys else []
        returned = await insert_rows(conn, plan.table, rows, wanted)
        for row, values in zip(rows, returned or (), strict=False):
            row.update(zip(key_names, values, strict=True))
        return
    groups: dict[frozenset[str], list[dict[str, Any]]] = {}
    for row in rows:  # one executemany needs the same columns in every row
        groups.setdefault(frozenset(row), []).append(row)
    for names, group in groups.items():
        missing = want_keys and not all(name in names for name in key_names)
        if not missing:
            await conn.execute(plan.table.insert(), group)
        elif conn.dialect.insert_executemany_returning_sort_by_parameter_order:
            statement = plan.table.insert().returning(
                *plan.primary_key, sort_by_parameter_order=True
            )
            result = await conn.execute(statement, group)
            for row, keys in zip(group, result.all(), strict=True):
                row.update(zip(key_names, keys, strict=True))
        else:  # no ordered RETURNING for executemany: one statement per row
            for row in group:
                result = await conn.execute(plan.table.insert(), row)
                row.update(zip(key_names, result.inserted_primary_key or (), strict=False))


async def write_objects(
    conn: AsyncConnection, objects: Sequence[Any], insert_rows: InsertRows | None = None
) -> Counter[str]:
    """Write ``objects`` (and what they cascade to) on ``conn``; rows written per table.

    ``insert_rows`` writes each table's rows instead of Core ``insert()`` executemany.

    Raises :class:`UnsupportedModel` before writing anything if a model needs the ORM.
    """
    everything, referenced = _flatten(objects)
    plans = {id(obj): _plan_for(type(obj)) for obj in everything}
    rows = {id(obj): _row(obj, plans[id(obj)]) for obj in everything}
    by_table: dict[Table, list[Any]] = {}
    for obj in everything:
        by_table.setdefault(plans[id(obj)].table, []).append(obj)
    # The order of the inserts, planned in full first: a model the bulk path cannot write
    # (rows of one table referencing each other in a cycle) is found before any write.
    schedule: list[tuple[Table, list[Any]]] = []
    for table in sort_tables(by_table):
        pending = by_table[table]
        while pending:
            ready, pending = _ready(pending, table, plans)
            schedule.append((table, ready))
    links: list[_Link] = []
    counts: Counter[str] = Counter()
    for table, ready in schedule:
        for obj in ready:  # many-to-one: copy the parent's key into the foreign key
            row = rows[id(obj)]
            for relation in plans[id(obj)].relations:
                if relation.direction is _MANYTOONE:
                    parent = obj.__dict__.get(relation.key)
                    source = rows.get(id(parent)) if parent is not None else None
                    if source is not None:
                        for own, remote in relation.pairs:
                            if remote in source:
                                row[own] = source[remote]
        await _insert(
            conn,
            plans[id(ready[0])],
            [rows[id(o)] for o in ready],
            table in referenced,
            insert_rows,
        )
        counts[table.name] += len(ready)
        for obj in ready:
            _push_keys(obj, plans[id(obj)], rows, links)
    associations = _association_rows(links)
    for table in sort_tables(associations):
        if insert_rows is not None:
            await insert_rows(conn, table, associations[table], ())
        else:
            await conn.execute(table.insert(), associations[table])
        counts[table.name] += len(associations[table])
    return counts


def _ready(
    pending: list[Any], table: Table, plans: dict[int, _Plan]
) -> tuple[list[Any], list[Any]]:
    """Split ``pending`` into rows whose same-table parents are written, and the rest.

    Only a self-referential model (a comment replying to a comment) needs more than one
    round; a row whose parent is still pending waits for the next round.
    """
    plan = plans[id(pending[0])]
    self_refs = [r for r in plan.relations if r.direction is _MANYTOONE and r.target is table]
    if not self_refs:
        return pending, []
    waiting = {id(obj) for obj in pending}
    ready, later = [], []
    for obj in pending:
        parents = (obj.__dict__.get(r.key) for r in self_refs)
        if any(p is not None and id(p) in waiting and p is not obj for p in parents):
            later.append(obj)
        else:
            ready.append(obj)
    if not ready:
        raise UnsupportedModel(f"rows of {table.name} reference each other in a cycle")
    return ready, later


_Link = tuple[_Relation, dict[str, Any], dict[str, Any]]


def _push_keys(obj: Any, plan: _Plan, rows: dict[int, dict[str, Any]], links: list[_Link]) -> None:
    """After ``obj`` is written, hand its keys to its one-to-many children; note its
    many-to-many links, whose association rows are written once both sides are."""
    row = rows[id(obj)]
    state = obj.__dict__
    for relation in plan.relations:
        if relation.direction is _MANYTOONE:
            continue
        for child in _related(state.get(relation.key), relation):
            child_row = rows.get(id(child))
            if child_row is None:
                continue
            if relation.direction is _ONETOMANY:
                for own, remote in relation.pairs:
                    if own in row:
                        child_row[remote] = row[own]
            else:
                links.append((relation, row, child_row))


def _association_rows(links: list[_Link]) -> dict[Table, list[dict[str, Any]]]:
    """One row per many-to-many link; a link declared from both sides is written once."""
    tables: dict[Table, dict[tuple[Any, ...], dict[str, Any]]] = {}
    for relation, row, child_row in links:
        assert relation.secondary is not None
        association = {sec: row.get(own) for own, sec in relation.pairs}
        association.update({sec: child_row.get(col) for col, sec in relation.target_pairs})
        key = tuple(sorted(association.items()))
        tables.setdefault(relation.secondary, {}).setdefault(key, association)
    return {table: list(found.values()) for table, found in tables.items()}
