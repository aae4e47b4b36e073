"""What the bulk writer needs to know about a mapped class, computed once per class.

The bulk writer (:mod:`._bulk`) stores objects with Core ``insert()`` instead of the unit of
work. That is exact only for a mapping whose INSERT is "one row of one table, keys copied
along relationships": :func:`plan_for` reduces such a mapping to a :class:`TablePlan` and
raises :class:`BulkUnsupported` for anything else (mapped inheritance, several tables, a
version counter, ``post_update``, a relationship joined on an expression), so the caller
falls back to the ORM's flush, which knows how.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, ColumnElement, Table, inspect
from sqlalchemy.orm import Mapper, RelationshipDirection

from ...errors import AsyncFactoryError

__all__ = [
    "MANYTOMANY",
    "MANYTOONE",
    "ONETOMANY",
    "BulkUnsupported",
    "Relation",
    "TablePlan",
    "is_generated",
    "plan_for",
]

MANYTOONE = RelationshipDirection.MANYTOONE
ONETOMANY = RelationshipDirection.ONETOMANY
MANYTOMANY = RelationshipDirection.MANYTOMANY


class BulkUnsupported(AsyncFactoryError):
    """Internal signal: these objects need the ORM's flush. Raised before anything is
    written, and always caught by the caller, which then flushes (or, in the seed command,
    lets the session write the batch); users never see it."""


@dataclass(frozen=True)
class Relation:
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
class TablePlan:
    """How to turn one mapped class's objects into rows of its table."""

    mapper: Mapper[object]
    table: Table
    #: ``(attribute key, column key, keep None)``: ``None`` is written only for types that
    #: say so (``should_evaluate_none``), as the ORM does; otherwise the column's default applies.
    columns: tuple[tuple[str, str, bool], ...]
    primary_key: tuple[Column[object], ...]
    #: Columns whose value the INSERT may produce (keys, defaults, server defaults,
    #: computed and identity columns): returned when a row does not give them.
    generated: tuple[Column[object], ...]
    relations: tuple[Relation, ...]


# Weak keys: a model class mapped at run time (per test) is not kept alive by this cache.
_plans: weakref.WeakKeyDictionary[type, TablePlan | BulkUnsupported] = weakref.WeakKeyDictionary()


def plan_for(cls: type) -> TablePlan:
    """The :class:`TablePlan` of ``cls``; :class:`BulkUnsupported` if it needs the ORM."""
    plan = _plans.get(cls)
    if plan is None:
        try:
            plan = _make_plan(cls)
        except BulkUnsupported as unsupported:
            plan = unsupported
        _plans[cls] = plan
    if isinstance(plan, BulkUnsupported):
        raise plan
    return plan


def _key(column: ColumnElement[Any]) -> str:
    key = column.key
    if not isinstance(key, str) or not isinstance(column, Column):
        raise BulkUnsupported(f"a relationship joins on an expression ({column!r})")
    return key


def is_generated(column: Column[object]) -> bool:
    """Whether the INSERT may fill ``column`` (key, default, server default, computed,
    identity): a value to read back, or to flush for when read early (``_flush``)."""
    return (
        column.primary_key
        or column.default is not None
        or column.server_default is not None
        or column.computed is not None
        or column.identity is not None
    )


def _check_mapper(cls: type, mapper: Mapper[object]) -> Table:
    table = mapper.local_table
    if mapper.inherits is not None or mapper.polymorphic_on is not None:
        raise BulkUnsupported(f"{cls.__name__} uses mapped inheritance")
    if len(mapper.self_and_descendants) > 1:
        raise BulkUnsupported(f"{cls.__name__} has mapped subclasses")
    if not isinstance(table, Table) or mapper.persist_selectable is not table:
        raise BulkUnsupported(f"{cls.__name__} is not mapped to a single table")
    if mapper.version_id_col is not None:
        raise BulkUnsupported(f"{cls.__name__} has a version counter (version_id_col)")
    if mapper._delete_orphans:
        raise BulkUnsupported(f"{cls.__name__} is a delete-orphan child (the flush checks orphans)")
    return table


def _relation(cls: type, rel: Any) -> Relation:
    target = rel.mapper.local_table
    if not isinstance(target, Table):
        raise BulkUnsupported(f"{cls.__name__}.{rel.key} targets a non-table mapping")
    if rel.post_update:
        raise BulkUnsupported(f"{cls.__name__}.{rel.key} uses post_update")
    secondary = rel.secondary if isinstance(rel.secondary, Table) else None
    if rel.direction is MANYTOMANY:
        if secondary is None:
            raise BulkUnsupported(f"{cls.__name__}.{rel.key} has a non-table secondary")
        pairs = tuple((_key(a), _key(b)) for a, b in rel.synchronize_pairs)
        target_pairs = tuple((_key(a), _key(b)) for a, b in rel.secondary_synchronize_pairs or ())
    else:
        pairs = tuple((_key(a), _key(b)) for a, b in rel.local_remote_pairs or ())
        target_pairs = ()
    return Relation(
        key=rel.key,
        direction=rel.direction,
        uselist=bool(rel.uselist),
        cascade=bool(rel.cascade.save_update),
        target=target,
        pairs=pairs,
        secondary=secondary,
        target_pairs=target_pairs,
    )


def _make_plan(cls: type) -> TablePlan:
    mapper: Mapper[object] | None = inspect(cls, raiseerr=False)
    if not isinstance(mapper, Mapper):
        raise BulkUnsupported(f"{cls.__name__} is not a mapped class")
    table = _check_mapper(cls, mapper)
    columns = []
    generated = []
    for prop in mapper.column_attrs:
        for column in prop.columns:
            if isinstance(column, Column) and column.table is table:
                columns.append((prop.key, column.key, bool(column.type.should_evaluate_none)))
                if is_generated(column):
                    generated.append(column)
    relations = tuple(_relation(cls, rel) for rel in mapper.relationships if not rel.viewonly)
    return TablePlan(
        mapper=mapper,
        table=table,
        columns=tuple(columns),
        primary_key=tuple(column for column in mapper.primary_key if isinstance(column, Column)),
        generated=tuple(generated),
        relations=relations,
    )
