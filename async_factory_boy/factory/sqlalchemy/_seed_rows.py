"""The seed's rows path: factories whose objects nothing reads back become rows, not objects.

A seed batch normally builds real ORM objects (``_seed_batch``), so that hooks, listeners
and flush on demand behave as in ``create_batch_async``. Most of a batch's time then goes
into SQLAlchemy's instance state (``new_instance``, attribute history) and the cascade walk
of each batch, for objects that are dropped as soon as their rows are written. When nothing
could see the difference, the seed skips them: the factories' declarations still resolve
exactly as now (the core's plan, the same sequences and random draws), but where the model
would be instantiated the capture returns a light *row record* holding the keywords, and
the batch's end writes the records' rows with the same table-writing strategy the bulk
writer uses (COPY with keys drawn from the sequence on PostgreSQL, Core executemany with
rowid ranges on SQLite), so Python-side column defaults are applied exactly as there.

Whether a top factory may take this path is decided once, over every factory it reaches
(:func:`rows_capable`): each one a plain SQLAlchemy factory the bulk writer already takes
over (no persistence override, no get_or_create), with factory_boy's own ``_build`` and
``_create``, no post-generation declaration (hook, RelatedFactory, method call; in a Trait
too) and no ``_after_postgeneration`` override; each model one table the bulk writer can
write (:func:`~._bulk_plan.plan_for`), with SQLAlchemy's own constructor (no ``__init__`` of
its own), no validator (``@validates``) and no listener of the user's (mapper, instance or
attribute events), and no many-to-one relationship onto its own table.

What only shows at build time is checked per object, and makes the batch start again on the
object path (:class:`~async_factory_boy._seeding.RebuildBatch`, raised before anything of
the batch is written; the run rolls back and rebuilds the batch from the same sequences and
seeds): a keyword that is not a column attribute or a many-to-one relationship, a parent
that is not a record of the batch, a SQL expression as a value, a read of an attribute a
record cannot answer as the object would (a generated key, a collection, a property or
method), a factory called from a declaration that was not checked. The factory then stays
on the object path for the rest of the process.

``ASYNC_FACTORY_BOY_SEED_ROWS=0`` (or :data:`ENABLED` set to False) turns the path off.
"""

from __future__ import annotations

import datetime
import functools
import logging
import operator
import os
import random
import weakref
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

from sqlalchemy import Column, Table
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import Mapper
from sqlalchemy.schema import sort_tables
from sqlalchemy.sql.elements import ClauseElement

from ..._compat import (
    BaseFactory,
    FactoryOptions,
    PostGenerationDeclaration,
    SequenceCounter,
    builds_plainly,
    declarations,
    declared_values,
    get_random_state,
    maybe_parts,
    set_random_state,
    trait_overrides,
)
from ..._reach import reached_factories
from ..._seeding import RebuildBatch
from ..._types import Args, FactoryClass, Kwargs, ModelClass
from ._bulk_plan import MANYTOONE, BulkUnsupported, TablePlan, is_generated, plan_for
from ._insert_rows import InsertRows
from ._loader_make import _plan as loader_plan
from ._seed_copy import same_columns, same_keys
from ._seed_takeover import bulk_capable

__all__ = [
    "ENABLED",
    "FAST",
    "PATHS",
    "RowsBatch",
    "calls_defaults",
    "give_up",
    "rows_capable",
    "snapshot",
]

LOGGER = logging.getLogger("async_factory_boy.seed")

#: Off with ``ASYNC_FACTORY_BOY_SEED_ROWS=0``: every batch builds ORM objects.
ENABLED = os.environ.get("ASYNC_FACTORY_BOY_SEED_ROWS", "1") != "0"

#: Off with ``ASYNC_FACTORY_BOY_SEED_ROWS_FAST=0``: the rows path's per-object steps as
#: before (each capture looks up its factory's spec, each record's row is made value by
#: value, the rows of a table are grouped by their set of columns row by row, the tables
#: sorted per batch). On, the same records and rows are made with what is constant per
#: batch found once: a factory's spec, checks and parents per batch; a table's rows made
#: column by column when every record of it has the same keywords and plain values; one
#: group when every row has the same columns; the tables' order once per set of tables.
FAST = os.environ.get("ASYNC_FACTORY_BOY_SEED_ROWS_FAST", "1") != "0"

#: Batches written per path (``"rows"``, ``"objects"``) in this process, and
#: ``"rebuilt"`` batches that started on the rows path and were rebuilt with objects: for
#: tests and the debug log, which say which path ran.
PATHS: Counter[str] = Counter()

#: The attribute events a listener of the user's could be on (SQLAlchemy adds its own to
#: relationships: cascade tracking and backrefs, which rows do not need).
_ATTRIBUTE_EVENTS = (
    "set",
    "append",
    "append_wo_mutation",
    "remove",
    "init_scalar",
    "init_collection",
    "modified",
    "bulk_replace",
    "dispose_collection",
)


@dataclass(frozen=True)
class _Parent:
    """A many-to-one relationship of a model: its key, ``(own fk, parent key)`` column pairs,
    the parent's record class and table."""

    key: str
    pairs: tuple[tuple[str, str], ...]
    model: type
    table: Table


@dataclass(frozen=True)
class RowSpec:
    """What a model's records need: its table plan, the keywords a record takes, and what a
    read of an attribute it was not given answers."""

    model: type
    plan: TablePlan
    #: Column attribute -> (column key, whether ``None`` is written: ``row_of``'s rule).
    columns: dict[str, tuple[str, bool]]
    #: Keywords a record takes: column attributes and many-to-one relationships.
    allowed: frozenset[str]
    parents: tuple[_Parent, ...]
    #: Attributes an unset read answers ``None`` for, as a new object does: column
    #: attributes nothing generates, many-to-one relationships.
    none_when_unset: frozenset[str]
    record_class: type[RowRecord]


class RowRecord:
    """A model's keywords where an object would be: what declarations and SubFactory
    parents see on the rows path.

    Given attributes are plain instance attributes (what the object's would hold); an
    attribute not given answers as a new object does (``None``) or, where the object would
    do more (flush for a generated key, load a collection, run a property), the batch is
    rebuilt with objects. ``isinstance(record, Model)`` holds, as for the object.
    """

    __slots__ = ("__dict__", "_row")
    spec: ClassVar[RowSpec]
    #: The record's row (column key -> value), made at the batch's end.
    _row: Kwargs

    @property  # type: ignore[misc]  # isinstance() reads __class__: the record passes as the model
    def __class__(self) -> type:  # pyright: ignore[reportIncompatibleMethodOverride]  # read-only on purpose
        return type(self).spec.model

    def __getattr__(self, name: str) -> None:
        spec = type(self).spec
        if name in spec.none_when_unset:
            return None
        raise RebuildBatch(f"{spec.model.__name__}.{name} is read before the object exists")


_specs: weakref.WeakKeyDictionary[type, RowSpec | None] = weakref.WeakKeyDictionary()


def row_spec(model: type) -> RowSpec | None:
    """The :class:`RowSpec` of ``model``, or None when its objects must be real."""
    try:
        return _specs[model]
    except KeyError:
        spec = _specs[model] = _make_spec(model)
        return spec


def _make_spec(model: type) -> RowSpec | None:
    try:
        plan = plan_for(model)
    except BulkUnsupported:
        return None
    mapper = plan.mapper
    if loader_plan(model) is None or mapper.validators or not _only_own_listeners(mapper):
        return None  # an __init__, a metaclass, a validator or a listener: objects
    parents = []
    for relation in plan.relations:
        if relation.direction is not MANYTOONE:
            continue
        if relation.target is plan.table:
            return None  # a tree: rows of one table in rounds, the bulk writer's job
        parents.append(
            _Parent(
                relation.key,
                relation.pairs,
                mapper.relationships[relation.key].mapper.class_,
                relation.target,
            )
        )
    generated = {
        attribute
        for attribute, column_key, _ in plan.columns
        if is_generated(plan.table.columns[column_key])
    }
    columns = {attribute for attribute, _, _ in plan.columns}
    column_attributes = {prop.key for prop in mapper.column_attrs}
    if column_attributes - columns:
        return None  # a column_property of an expression, a column of another table
    parent_keys = {parent.key for parent in parents}
    record_class: type[RowRecord] = type(f"{model.__name__}Row", (RowRecord,), {"__slots__": ()})
    spec = RowSpec(
        model=model,
        plan=plan,
        columns={attribute: (key, keep_none) for attribute, key, keep_none in plan.columns},
        allowed=frozenset(columns | parent_keys),
        parents=tuple(parents),
        none_when_unset=frozenset((columns - generated) | parent_keys),
        record_class=record_class,
    )
    record_class.spec = spec
    return spec


def _only_own_listeners(mapper: Mapper[object]) -> bool:
    """No listener of the user's on the model: none on the mapper (``before_insert`` & co.),
    only the mapper's ``init`` on the class, and on attributes only SQLAlchemy's own (and the
    seed's key-read watch)."""
    if any(_listeners(mapper.dispatch)):
        return False
    manager = mapper.class_manager
    for name, found in _named_listeners(manager.dispatch):
        if name != "init" or len(found) != 1:
            return False
    for key in manager:
        impl = manager[key].impl
        if impl is None:
            continue
        for event in _ATTRIBUTE_EVENTS:
            if not all(_is_internal(listener) for listener in getattr(impl.dispatch, event)):
                return False
    return True


def _named_listeners(dispatch: object) -> Iterator[tuple[str, list[object]]]:
    for name in dir(dispatch):
        if name.startswith("_"):
            continue
        collection = getattr(dispatch, name, None)
        if collection is None or not hasattr(collection, "__iter__"):
            continue
        found = list(collection)
        if found:
            yield name, found


def _listeners(dispatch: object) -> Iterator[object]:
    for _, found in _named_listeners(dispatch):
        yield from found


def _is_internal(listener: object) -> bool:
    """SQLAlchemy's own listener (cascade tracking, backrefs), or this backend's key-read
    watches (``_flush``, ``_seed_batch``: flush on demand, for objects; a record answers a
    generated key's read by rebuilding its batch).

    A listener registered through ``event.listen`` is wrapped (``AttributeEvents._listen``):
    the function it wraps is the one to judge.
    """
    code = getattr(listener, "__code__", None)
    if code is not None and "fn" in code.co_freevars and listener.__closure__:  # type: ignore[attr-defined]
        listener = listener.__closure__[code.co_freevars.index("fn")].cell_contents  # type: ignore[attr-defined]
    if isinstance(listener, functools.partial):
        listener = listener.func
    module = getattr(listener, "__module__", None) or ""
    return module.startswith("sqlalchemy.") or module in _KEY_WATCHES


_PACKAGE = __name__.rsplit(".", 1)[0]
_KEY_WATCHES = frozenset({f"{_PACKAGE}._flush", f"{_PACKAGE}._seed_batch"})


_capable: weakref.WeakKeyDictionary[type, frozenset[FactoryClass] | None] = (
    weakref.WeakKeyDictionary()
)


def rows_capable(factory: FactoryClass) -> frozenset[FactoryClass] | None:
    """The factories a batch of ``factory`` reaches, if all of them may make records; else
    None (the batch builds objects). Decided once per factory (until a batch of it had to
    be rebuilt: :func:`give_up`)."""
    if not ENABLED:
        return None
    try:
        return _capable[factory]
    except KeyError:
        found = _capable[factory] = _graph(factory)
        return found


def calls_defaults(factories: frozenset[FactoryClass]) -> bool:
    """Whether writing these factories' rows calls a Python column default (``default=f``).

    Such a default runs when the rows are written, not when they are built; a build that
    overlaps the write of the batch before it would then interleave its random draws with
    the default's, and the same ``--seed`` would not give the same rows.
    """
    for factory in factories:
        spec = row_spec(factory._meta.get_model_class())
        if spec is None:
            return True
        for column in spec.plan.table.columns:
            if column.default is not None and getattr(column.default, "is_callable", False):
                return True
    return False


def give_up(factory: FactoryClass) -> None:
    """``factory``'s batches build objects from now on (one of them could not be rows: it
    is counted as a rebuilt batch)."""
    _capable[factory] = None
    PATHS["rebuilt"] += 1


def _graph(top: FactoryClass) -> frozenset[FactoryClass] | None:
    reached = reached_factories(top)
    tables: dict[Table, RowSpec] = {}
    for factory in reached:
        if not bulk_capable(factory) or not _plain_factory(factory):
            return None
        spec = row_spec(factory._meta.get_model_class())
        if spec is None or _declares_collections(factory, spec):
            return None
        tables[spec.plan.table] = spec
    order = {table: index for index, table in enumerate(sort_tables(tables))}
    for table, spec in tables.items():
        for parent in spec.parents:
            if parent.table in order and order[parent.table] > order[table]:
                return None  # tables referring to each other: the bulk writer's rounds
    return frozenset(reached)


def _declares_collections(factory: FactoryClass, spec: RowSpec) -> bool:
    """A declared field that is a relationship other than a many-to-one (``tags =
    factory.List([...])``): seen now, rather than by rebuilding the factory's first batch."""
    relationships = spec.plan.mapper.relationships.keys()
    declared = getattr(factory._meta, "base_declarations", {})
    return any(name in relationships and name not in spec.allowed for name in declared)


def _plain_factory(factory: FactoryClass) -> bool:
    """factory_boy's own ``_build`` and ``_create``, no post-generation step anywhere."""
    if not builds_plainly(factory) or factory._overrides("_after_postgeneration"):
        return False
    create = getattr(factory._create, "__func__", None)
    owner = next((c for c in factory.__mro__ if "_create" in vars(c)), None)
    if (
        create is None
        or owner is None
        or not owner.__module__.startswith(("factory.", "async_factory_boy."))
    ):
        return False
    values: list[object] = declared_values(factory)
    while values:
        value = values.pop()
        if isinstance(value, PostGenerationDeclaration):
            return False
        if isinstance(value, declarations.Maybe):
            values.extend(maybe_parts(value)[1:])
        elif isinstance(value, declarations.Trait):
            values.extend(trait_overrides(value).values())
    return True


#: Value types that are never SQL expressions: no ``__clause_element__`` to look for.
_PLAIN_TYPES = frozenset(
    {str, int, float, bool, bytes, datetime.datetime, datetime.date, Decimal, UUID}
)


def _row_of(record: RowRecord, spec: RowSpec) -> Kwargs:
    """The row the object's column attributes would make: ``_bulk.row_of``'s rule (``None``
    left out unless the type writes it), over the keywords given rather than every column."""
    columns = spec.columns
    row = {}
    for attribute, value in record.__dict__.items():
        found = columns.get(attribute)
        if found is None:
            continue  # a relationship: its keys are copied at the write
        if value is None:
            if not found[1]:
                continue
        elif type(value) not in _PLAIN_TYPES and (
            isinstance(value, ClauseElement) or hasattr(value, "__clause_element__")
        ):
            # The flush renders a SQL expression inline; an executemany or COPY cannot.
            raise RebuildBatch(f"{attribute} is a SQL expression")
        row[found[0]] = value
    return row


def snapshot() -> Callable[[], None]:
    """What a batch's build changes outside the database, saved: every factory's sequence
    counter, Python's and factory_boy's random state. Calling the result puts it back, so
    that a rebuilt batch draws what its first attempt drew, for the factories the seed's
    sequence layout sets per batch and for those it cannot see (a hidden ``auto_fields``
    parent, a factory called from a declaration) alike."""
    counters: dict[int, tuple[FactoryOptions, SequenceCounter | None, int]] = {}
    found: list[type] = [BaseFactory]
    while found:
        cls = found.pop()
        found.extend(cls.__subclasses__())
        reference = getattr(getattr(cls, "_meta", None), "counter_reference", None)
        if reference is not None and id(reference) not in counters:
            counter = reference._counter
            counters[id(reference)] = (reference, counter, getattr(counter, "seq", 0))
    python_state = random.getstate()
    factory_state = get_random_state()

    def restore() -> None:
        for reference, counter, seq in counters.values():
            reference._counter = counter
            if counter is not None:
                counter.seq = seq
        random.setstate(python_state)
        set_random_state(factory_state)

    return restore


#: What a capture of one factory checks and makes (``RowsBatch``, with :data:`FAST`): its
#: model, the keywords its records take, its parents as (keyword, the parent's record class
#: in this batch or None, the parent's table), its record class and the batch's records of
#: that class.
_Taker = tuple[
    type, frozenset[str], tuple[tuple[str, "type | None", Table], ...], type, list["RowRecord"]
]

_new = object.__new__
_UNSET = object()
_NONE_TYPE = type(None)

#: The order :func:`~sqlalchemy.schema.sort_tables` gives a batch's tables, per tables in
#: the order met (with :data:`FAST`): the same input, the same answer, sorted once.
_table_orders: dict[tuple[Table, ...], list[Table]] = {}


def _sorted_tables(tables: tuple[Table, ...]) -> list[Table]:
    found = _table_orders.get(tables)
    if found is None:
        if len(_table_orders) >= 256:
            _table_orders.clear()
        found = _table_orders[tables] = sort_tables(tables)
    return found


#: Per record class and keyword names (in the records' order): how to make the records'
#: rows (see :func:`_row_maker`), and the column attributes among the names with whether
#: each writes ``None``.
_Shape = tuple[Callable[[list[Kwargs]], list[Kwargs]], tuple[tuple[str, bool], ...]]
_shapes: weakref.WeakKeyDictionary[type, dict[tuple[str, ...], _Shape]] = (
    weakref.WeakKeyDictionary()
)


def _shape(record_class: type, names: tuple[str, ...]) -> _Shape:
    known = _shapes.setdefault(record_class, {})
    found = known.get(names)
    if found is None:
        columns: dict[str, tuple[str, bool]] = record_class.spec.columns  # type: ignore[attr-defined]
        given = [name for name in names if name in columns]
        found = known[names] = (
            _row_maker([(name, columns[name][0]) for name in given], len(names)),
            tuple((name, columns[name][1]) for name in given),
        )
    return found


def _row_maker(pairs: list[tuple[str, str]], names: int) -> Callable[[list[Kwargs]], list[Kwargs]]:
    """The rows of records' keywords (all with the same names): each a copy where every
    name is a column of the same key, else a dict display of the columns' keys (made from
    their ``repr``: string literals)."""
    if len(pairs) == names and all(name == key for name, key in pairs):
        return lambda dicts: list(map(dict.copy, dicts))
    items = ", ".join(f"{key!r}: d[{name!r}]" for name, key in pairs)
    made: Callable[[list[Kwargs]], list[Kwargs]] = eval(
        f"lambda dicts: [{{{items}}} for d in dicts]", {}
    )
    return made


_record_dict = operator.attrgetter("__dict__")


def _rows_by_columns(records: list[RowRecord]) -> list[Kwargs] | None:
    """The rows :func:`_row_of` makes for ``records`` (of one record class), made at once;
    None where a row would differ in its columns (a keyword missing, ``None`` left out) or a
    value is not of a plain type (it may be a SQL expression): then row by row."""
    dicts: list[Kwargs] = list(map(_record_dict, records))
    if not same_keys(dicts):
        return None
    names = dicts[0].keys()
    make, columns = _shape(type(records[0]), tuple(names))
    for name, keep_none in columns:
        types = set(map(type, map(operator.itemgetter(name), dicts)))
        if not types <= _PLAIN_TYPES and (
            not keep_none or not types - {_NONE_TYPE} <= _PLAIN_TYPES
        ):
            return None
    return make(dicts)


class RowsBatch:
    """One batch on the rows path: the records in the order they were made, written at its
    end parents first."""

    def __init__(self, factories: frozenset[FactoryClass]) -> None:
        self._factories = factories
        self._specs: dict[type, RowSpec] = {}
        for factory in factories:
            model = factory._meta.get_model_class()
            spec = row_spec(model)
            if spec is not None:
                self._specs[model] = spec
        self._record_classes = {model: spec.record_class for model, spec in self._specs.items()}
        self.records: list[RowRecord] = []
        #: Tables whose keys some record's foreign key needs (read back or drawn).
        self._referenced: set[Table] = set()
        self._by_table: dict[Table, list[RowRecord]] | None = None
        #: With :data:`FAST`: per factory, what its captures check and make; the records per
        #: record class in the order their first record was made (while every record was
        #: made by a taker).
        self._takers: dict[FactoryClass, _Taker] = {}
        self._by_class: dict[type, list[RowRecord]] = {}
        self._all_taken = FAST
        if FAST:
            for factory in factories:
                model = factory._meta.get_model_class()
                spec = self._specs.get(model)
                if spec is None:
                    continue
                parents = tuple(
                    (parent.key, self._record_classes.get(parent.model), parent.table)
                    for parent in spec.parents
                )
                taken = self._by_class.setdefault(spec.record_class, [])
                self._takers[factory] = (model, spec.allowed, parents, spec.record_class, taken)
            self._by_class.clear()  # filled in the order the records come

    def capture(
        self, factory: FactoryClass, model_class: ModelClass, args: Args, kwargs: Kwargs
    ) -> RowRecord:
        """A record of ``kwargs`` where ``model_class(**kwargs)`` would be."""
        taker = self._takers.get(factory)
        if taker is not None and taker[0] is model_class and not args and kwargs.keys() <= taker[1]:
            for key, parent_class, table in taker[2]:
                value = kwargs.get(key)
                if value is None:
                    continue
                if type(value) is not parent_class:
                    raise RebuildBatch(f"{factory.__name__}.{key} is not a row of this batch")
                self._referenced.add(table)
            record_class = taker[3]
            record: RowRecord = _new(record_class)
            record.__dict__ = kwargs
            self.records.append(record)
            taken = taker[4]
            if not taken:
                self._by_class[record_class] = taken
            taken.append(record)
            return record
        self._all_taken = False
        return self._capture(factory, model_class, args, kwargs)

    def _capture(
        self, factory: FactoryClass, model_class: ModelClass, args: Args, kwargs: Kwargs
    ) -> RowRecord:
        spec = self._specs.get(model_class) if factory in self._factories else None
        if spec is None or args or not kwargs.keys() <= spec.allowed:
            raise RebuildBatch(f"{factory.__name__} makes objects a row cannot stand for")
        for parent in spec.parents:
            value = kwargs.get(parent.key)
            if value is None:
                continue
            if type(value) is not self._record_classes.get(parent.model):
                raise RebuildBatch(f"{factory.__name__}.{parent.key} is not a row of this batch")
            self._referenced.add(parent.table)
        record_class = spec.record_class
        record = record_class.__new__(record_class)
        record.__dict__ = kwargs
        self.records.append(record)
        return record

    def prepare(self) -> dict[Table, list[RowRecord]]:
        """Each record's row, once the batch is built; the records per table. Raises
        :class:`RebuildBatch` for a value only the flush can write (a SQL expression), before
        anything is written."""
        if self._by_table is None:
            by_table = self._prepare_by_columns() if self._all_taken else None
            if by_table is None:
                by_table = {}
                for record in self.records:
                    spec = type(record).spec
                    record._row = _row_of(record, spec)
                    by_table.setdefault(spec.plan.table, []).append(record)
            self._by_table = by_table
        return self._by_table

    def _prepare_by_columns(self) -> dict[Table, list[RowRecord]] | None:
        """:meth:`prepare`'s rows made column by column, a table at a time; None where
        some table's rows must be made row by row (then every row is, as before)."""
        by_table: dict[Table, list[RowRecord]] = {}
        made: list[tuple[list[RowRecord], list[Kwargs]]] = []
        for record_class, records in self._by_class.items():
            table = record_class.spec.plan.table  # type: ignore[attr-defined]
            if table in by_table:
                return None  # two models on one table: their records interleave
            rows = _rows_by_columns(records)
            if rows is None:
                return None
            by_table[table] = records
            made.append((records, rows))
        for records, rows in made:
            for record, row in zip(records, rows, strict=True):
                record._row = row
        return by_table

    async def write(self, conn: AsyncConnection, insert_rows: InsertRows) -> None:
        """Write every record's row on ``conn`` (inside the batch's transaction), tables
        parents first, rows in the order made: the rows the bulk writer writes for the
        same objects, through the same ``insert_rows``."""
        by_table = self.prepare()
        tables = _sorted_tables(tuple(by_table)) if FAST else sort_tables(by_table)
        for table in tables:
            records = by_table[table]
            spec = type(records[0]).spec
            rows: list[Kwargs]
            if FAST:
                rows = [record._row for record in records]
                for parent in spec.parents:
                    self._copy_keys(records, rows, parent)
            else:
                rows = []
                for record in records:
                    row = record._row
                    values = record.__dict__
                    for parent in spec.parents:
                        if parent.key not in values:
                            continue
                        source = values[parent.key]
                        if source is None:
                            for own, _ in parent.pairs:
                                row[own] = None
                            continue
                        found = source._row
                        for own, remote in parent.pairs:
                            if remote in found:
                                row[own] = found[remote]
                    rows.append(row)
            await self._insert(conn, table, spec.plan, rows, insert_rows)
        PATHS["rows"] += 1

    @staticmethod
    def _copy_keys(records: list[RowRecord], rows: list[Kwargs], parent: _Parent) -> None:
        """Each row's foreign key to ``parent``: its record's parent's key (written or drawn
        by now), ``None`` for no parent; nothing where the keyword was not given."""
        key = parent.key
        pairs = parent.pairs
        if len(pairs) == 1:  # one column (the common case): no inner loop
            [(own, remote)] = pairs
            for record, row in zip(records, rows, strict=True):
                source = record.__dict__.get(key, _UNSET)
                if source is None:
                    row[own] = None
                elif source is not _UNSET:
                    found = source._row
                    if remote in found:
                        row[own] = found[remote]
            return
        for record, row in zip(records, rows, strict=True):
            values = record.__dict__
            if key not in values:
                continue
            source = values[key]
            if source is None:
                for own, _ in pairs:
                    row[own] = None
                continue
            found = source._row
            for own, remote in pairs:
                if remote in found:
                    row[own] = found[remote]

    async def _insert(
        self,
        conn: AsyncConnection,
        table: Table,
        plan: TablePlan,
        rows: list[Kwargs],
        insert_rows: InsertRows,
    ) -> None:
        given = same_columns(rows) if FAST and rows else None
        groups: dict[frozenset[str], list[Kwargs]]
        if given is not None:
            groups = {given: rows}
        else:
            groups = {}
            for row in rows:  # one executemany / COPY needs the same columns in every row
                groups.setdefault(frozenset(row), []).append(row)
        for names, group in groups.items():
            returning: list[Column[object]] = (
                [column for column in plan.primary_key if column.key not in names]
                if table in self._referenced
                else []
            )
            values = await insert_rows(conn, table, group, returning)
            if values is None:
                continue
            keys = [column.key for column in returning]
            if FAST and len(keys) == 1:
                [key] = keys
                for row, (value,) in zip(group, values, strict=True):
                    row[key] = value
                continue
            for row, got in zip(group, values, strict=True):
                row.update(zip(keys, got, strict=True))
