"""Write ORM objects as rows, table by table, with Core ``insert()``: no unit of work.

The ORM's flush costs tens of microseconds per object (dependency graph, events, history,
one parameter set built per object by the mapper). A batch of factory-made objects needs
none of that: each table's rows go out in one ``insert()`` executemany (SQLAlchemy's
"insertmanyvalues": a few multi-row INSERTs), and the values the database generates come
back through ``RETURNING`` in parameter order. This module works on a connection and plain
objects; :mod:`._bulk_session` makes the written objects persistent in a session on top
of it, and the seed command uses it as it is.

It writes what a flush of the same objects writes:

1. each object's column attributes become a row (unset or ``None`` left out, so column
   defaults apply, as the ORM does);
2. tables are written parents first (``sort_tables``), a self-referential table in rounds;
3. parents' keys are copied into foreign-key columns along each relationship's column pairs
   (from rows just written, or from objects already persistent);
4. many-to-many association rows go last.

Everything is checked before the first statement (:func:`prepare`): a mapping or a shape
the writer cannot do exactly raises :class:`~._bulk_plan.BulkUnsupported`, with nothing
written, and the caller flushes instead.

The INSERT itself is pluggable (:data:`~._insert_rows.InsertRows`): Core executemany
(:func:`~._insert_rows.core_insert_rows`) is the default; a strategy with the same contract
(e.g. PostgreSQL COPY for the seed command) can replace it.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Table
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.schema import sort_tables
from sqlalchemy.sql.elements import ClauseElement

from ..._types import Args, Instance, Kwargs
from ._bulk_plan import (
    MANYTOMANY,
    MANYTOONE,
    ONETOMANY,
    BulkUnsupported,
    Relation,
    TablePlan,
    plan_for,
)
from ._insert_rows import InsertRows, core_insert_rows

__all__ = [
    "BulkWrite",
    "Fetch",
    "InsertRows",
    "ParentLink",
    "cascade_closure",
    "core_insert_rows",
    "prepare",
    "write_rows",
]


class Fetch(enum.Enum):
    """Which generated values to read back."""

    #: Primary keys, and only of tables another row refers to (the seed command's need).
    KEYS = "keys"
    #: Every generated column a row does not give (a flush's result: keys, defaults,
    #: server defaults, computed columns), for objects that stay in use.
    GENERATED = "generated"


def related(value: Any, relation: Relation) -> Iterable[Any]:
    """The objects a relationship attribute's value holds (a scalar, list, set or dict)."""
    if value is None:
        return ()
    if not relation.uselist:
        return (value,)
    return value.values() if isinstance(value, dict) else value


def cascade_closure(objects: Iterable[Instance]) -> list[Instance]:
    """``objects``, each once and in order, then whatever they reach through a save-update
    cascade, in the order found: what ``session.add_all(objects)`` would add."""
    seen: set[int] = set()
    ordered: list[Instance] = []
    for obj in objects:
        if id(obj) not in seen:
            seen.add(id(obj))
            ordered.append(obj)
    for obj in ordered:  # grows while iterating: found objects are walked in turn
        state = obj.__dict__
        for relation in plan_for(type(obj)).relations:
            if relation.cascade:
                for found in related(state.get(relation.key), relation):
                    if id(found) not in seen:
                        seen.add(id(found))
                        ordered.append(found)
    return ordered


def row_of(obj: Instance, plan: TablePlan) -> Kwargs:
    """The row ``obj``'s column attributes make (column key -> value).

    A SQL expression as a value (``obj.created = func.now()``) cannot be a parameter of an
    executemany; the flush renders it inline, so such an object is left to the flush.
    """
    state = obj.__dict__
    row = {}
    for attribute, column, keep_none in plan.columns:
        if attribute in state:
            value = state[attribute]
            if value is not None or keep_none:
                if isinstance(value, ClauseElement) or hasattr(value, "__clause_element__"):
                    raise BulkUnsupported(f"{attribute} is a SQL expression")
                row[column] = value
    return row


@dataclass
class _Step:
    """One executemany: objects of one table whose parents are written before them."""

    plan: TablePlan
    objects: list[Instance]


@dataclass
class BulkWrite:
    """A planned write: run it with :meth:`execute`; ``rows`` then hold generated values."""

    steps: list[_Step]
    rows: dict[int, Kwargs]
    plans: dict[int, TablePlan]
    #: Rows of objects outside the write (persistent parents), for their keys.
    known: dict[int, Kwargs]
    fetch: Fetch
    referenced: set[Table]
    counts: Counter[str] = field(default_factory=Counter)

    def needs_returning(self) -> bool:
        """Whether some INSERT reads values back (then the dialect must return them)."""
        return any(
            self._returning(step, names)
            for step in self.steps
            for names in {frozenset(self.rows[id(obj)]) for obj in step.objects}
        )

    def _returning(self, step: _Step, names: frozenset[str]) -> list[Column[object]]:
        plan = step.plan
        if self.fetch is Fetch.GENERATED:
            return [column for column in plan.generated if column.key not in names]
        if plan.table not in self.referenced:
            return []
        return [column for column in plan.primary_key if column.key not in names]

    async def execute(
        self, conn: AsyncConnection, insert_rows: InsertRows = core_insert_rows
    ) -> Counter[str]:
        """Write every row on ``conn`` (inside the caller's transaction); rows per table."""
        links: list[tuple[Relation, Kwargs, Kwargs]] = []
        for step in self.steps:
            for obj in step.objects:
                self._copy_parent_keys(obj, step.plan)
            await self._insert(conn, step, insert_rows)
            self.counts[step.plan.table.name] += len(step.objects)
            for obj in step.objects:
                self._push_keys(obj, step.plan, links)
        associations = _association_rows(links)
        for table in sort_tables(associations) if associations else ():
            await insert_rows(conn, table, associations[table], ())
            self.counts[table.name] += len(associations[table])
        return self.counts

    def _source(self, obj: Instance) -> Kwargs | None:
        found = self.rows.get(id(obj))
        return self.known.get(id(obj)) if found is None else found

    def _copy_parent_keys(self, obj: Instance, plan: TablePlan) -> None:
        """Many-to-one: the parent's key into the foreign key (``None`` clears it, as the
        flush does when the relationship was set to ``None``)."""
        row = self.rows[id(obj)]
        state = obj.__dict__
        for relation in plan.relations:
            if relation.direction is not MANYTOONE or relation.key not in state:
                continue
            parent = state[relation.key]
            if parent is None:
                for own, _remote in relation.pairs:
                    row[own] = None
                continue
            source = self._source(parent)
            if source is not None:
                for own, remote in relation.pairs:
                    if remote in source:
                        row[own] = source[remote]

    def _push_keys(
        self,
        obj: Instance,
        plan: TablePlan,
        links: list[tuple[Relation, Kwargs, Kwargs]],
    ) -> None:
        """After ``obj`` is written: its keys into its one-to-many children's foreign keys;
        its many-to-many links noted, written once both sides are."""
        row = self.rows[id(obj)]
        state = obj.__dict__
        for relation in plan.relations:
            if relation.direction is MANYTOONE:
                continue
            for child in related(state.get(relation.key), relation):
                child_row = self._source(child)
                if child_row is None:
                    continue
                if relation.direction is ONETOMANY:
                    for own, remote in relation.pairs:
                        if own in row:
                            child_row[remote] = row[own]
                else:
                    links.append((relation, row, child_row))

    async def _insert(self, conn: AsyncConnection, step: _Step, insert_rows: InsertRows) -> None:
        rows = [self.rows[id(obj)] for obj in step.objects]
        groups: dict[frozenset[str], list[Kwargs]] = {}
        for row in rows:  # one executemany needs the same columns in every row
            groups.setdefault(frozenset(row), []).append(row)
        for names, group in groups.items():
            returning = self._returning(step, names)
            values = await insert_rows(conn, step.plan.table, group, returning)
            if values is None:
                continue
            keys = [column.key for column in returning]
            if len(keys) == 1:  # the common case, a key: one store per row, no zip
                (key,) = keys
                for row, (value,) in zip(group, values, strict=True):
                    row[key] = value
                continue
            for row, got in zip(group, values, strict=True):
                row.update(zip(keys, got, strict=True))


#: A stored parent, one of its one-to-many relationships, and the new children added to it.
ParentLink = tuple[Any, Relation, Sequence[Any]]


def prepare(
    objects: Sequence[Any],
    *,
    fetch: Fetch,
    is_known: Callable[[Any], bool] | None = None,
    parents: Sequence[ParentLink] = (),
) -> BulkWrite:
    """Plan the write of ``objects`` (every object to INSERT, in creation order).

    ``is_known(obj)`` says whether an object outside ``objects`` is already stored (a
    persistent parent), whose keys may then be read from its attributes; ``parents`` are
    stored objects whose one-to-many collections gained some of ``objects``, whose keys
    go into those children. Raises :class:`BulkUnsupported` before anything is written if
    the objects need the ORM.
    """
    by_class: dict[type, TablePlan] = {}  # plan_for asks a weak dictionary: once a class
    for obj in objects:
        if type(obj) not in by_class:
            by_class[type(obj)] = plan_for(type(obj))
    plans = {id(obj): by_class[type(obj)] for obj in objects}
    rows = {id(obj): row_of(obj, plans[id(obj)]) for obj in objects}
    write = BulkWrite(steps=[], rows=rows, plans=plans, known={}, fetch=fetch, referenced=set())
    by_table: dict[Table, list[Instance]] = {}
    for obj in objects:
        by_table.setdefault(plans[id(obj)].table, []).append(obj)
    order = {table: index for index, table in enumerate(sort_tables(by_table))}
    for obj in objects:
        _check_relations(obj, plans[id(obj)], write, order, is_known)
    for parent, relation, children in parents:
        known = row_of(parent, plan_for(type(parent)))
        for child in children:
            child_row = rows.get(id(child))
            if child_row is None or not all(own in known for own, _ in relation.pairs):
                raise BulkUnsupported(f"{relation.key} gained an object this write does not own")
            for own, remote in relation.pairs:
                child_row[remote] = known[own]
    for table in order:
        pending = by_table[table]
        while pending:
            ready, pending = _ready(pending, table, plans)
            write.steps.append(_Step(plans[id(ready[0])], ready))
    return write


def _check_relations(
    obj: Instance,
    plan: TablePlan,
    write: BulkWrite,
    order: dict[Table, int],
    is_known: Callable[[Any], bool] | None,
) -> None:
    """Every related object is written here (after its parents) or known; note the tables
    whose keys other rows need."""
    state = obj.__dict__
    own_index = order[plan.table]
    for relation in plan.relations:
        value = state.get(relation.key)
        if not value:
            continue
        if relation.direction is MANYTOONE:
            write.referenced.add(relation.target)
        else:
            write.referenced.add(plan.table)
            if relation.direction is MANYTOMANY:
                write.referenced.add(relation.target)
        for other in related(value, relation):
            if id(other) in write.rows:
                other_index = order[write.plans[id(other)].table]
                if relation.direction is MANYTOONE and other_index > own_index:
                    raise BulkUnsupported(f"{relation.key}: the parent's table is written later")
                if relation.direction is ONETOMANY and other_index < own_index:
                    raise BulkUnsupported(f"{relation.key}: the child's table is written earlier")
                continue
            if relation.direction is ONETOMANY or is_known is None or not is_known(other):
                # A stored child would need an UPDATE; an unknown object, the ORM's rules.
                raise BulkUnsupported(f"{relation.key} holds an object this write does not own")
            known = row_of(other, plan_for(type(other)))
            needed = relation.pairs if relation.direction is MANYTOONE else relation.target_pairs
            side = 1 if relation.direction is MANYTOONE else 0
            if not all(pair[side] in known for pair in needed):
                raise BulkUnsupported(f"{relation.key}: a stored object's key is not loaded")
            write.known[id(other)] = known


def _ready(
    pending: list[Instance], table: Table, plans: dict[int, TablePlan]
) -> tuple[list[Instance], list[Instance]]:
    """Split ``pending`` into rows whose same-table parents are written, and the rest.

    Only a self-referential model (a comment replying to a comment) needs more than one
    round; a row whose parent is still pending waits for the next round.
    """
    plan = plans[id(pending[0])]
    self_refs = [r for r in plan.relations if r.direction is MANYTOONE and r.target is table]
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
        raise BulkUnsupported(f"rows of {table.name} reference each other in a cycle")
    return ready, later


def _association_rows(
    links: list[tuple[Relation, Kwargs, Kwargs]],
) -> dict[Table, list[Kwargs]]:
    """One row per many-to-many link; a link declared from both sides is written once."""
    tables: dict[Table, dict[Args, Kwargs]] = {}
    for relation, row, child_row in links:
        assert relation.secondary is not None
        association = {sec: row.get(own) for own, sec in relation.pairs}
        association.update({sec: child_row.get(col) for col, sec in relation.target_pairs})
        key = tuple(sorted(association.items()))
        tables.setdefault(relation.secondary, {}).setdefault(key, association)
    return {table: list(found.values()) for table, found in tables.items()}


async def write_rows(
    conn: AsyncConnection,
    objects: Sequence[Any],
    *,
    insert_rows: InsertRows = core_insert_rows,
) -> Counter[str]:
    """Write new ``objects`` (and what they reach through a save-update cascade) on ``conn``.

    The rows are those a flush of ``session.add_all(objects)`` would insert; primary keys
    are read back only where another row needs them, and the objects are left as they are
    (no session). Returns the rows written per table. Raises :class:`BulkUnsupported` before
    anything is written when a model needs the ORM (inheritance, a version counter, ...).
    """
    write = prepare(cascade_closure(objects), fetch=Fetch.KEYS)
    return await write.execute(conn, insert_rows)
