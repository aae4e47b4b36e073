"""``Meta.auto_fields`` for SQLAlchemy models: declarations derived from the mapped table.

Rules (the docs' "Derived fields" page lists them with examples):

- a column is *required* when it is NOT NULL, has no client or server default, and is not
  generated (computed, identity, an autoincrement integer primary key); composite primary
  keys are left to the caller, but for their foreign-key columns (link tables); optional
  columns are filled only with ``auto_fields = "all"``;
- a required many-to-one relationship becomes a SubFactory of the factory defined for the
  target model (the project's own, else an auto factory); a required foreign key without a
  relationship gets a hidden SubFactory and reads its key (flushed on demand);
- columns that must be unique (``unique=True``, a unique constraint or index, a single
  non-integer primary key) get Sequence-based values, which cannot collide within a run;
- the value comes from the core's type-to-value table (``_field_values``): a column is
  described by :func:`column_facts` (a ``TypeDecorator`` such as SQLModel's ``AutoString``
  by its ``impl``, unless it names a Python type of its own), looked up by its type's
  class first (a project's registered ``TypeDecorator``), then by its Python type;
  readable by the column's name; Faker providers, or factory_boy's own random, so
  ``factory.random.reseed_random`` (and the plugin's ``--factory-seed``) replays them.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import functools
import uuid
from typing import Any

from sqlalchemy import Column, Table, inspect, types
from sqlalchemy.orm import Mapper, RelationshipDirection
from sqlalchemy.schema import UniqueConstraint

from ..._auto_fields import AutoFieldsMode, ModelSubFactory, Underivable, cannot_derive
from ..._compat import LazyAttribute
from ..._field_values import FieldFacts, value_for
from ..._types import FactoryClass, Kwargs
from ._flush import read_generated

__all__ = ["column_facts", "derive_from_mapper"]

_INT_LIMITS = {
    types.SmallInteger: 2**15 - 1,
    types.BigInteger: 2**63 - 1,
    types.Integer: 2**31 - 1,
}


def _int_limit(kind: object) -> int:
    for base, limit in _INT_LIMITS.items():
        if isinstance(kind, base):
            return limit
    return 2**31 - 1


def _underlying(kind: types.TypeEngine[object]) -> types.TypeEngine[object]:
    """The type a ``TypeDecorator`` (SQLModel's ``AutoString``, a project's own) stores
    through: its ``impl``, unwrapped as far as it goes."""
    seen = 0
    while isinstance(kind, types.TypeDecorator) and seen < 10:
        kind = kind.impl_instance
        seen += 1
    return kind


def _declared_python_type(kind: types.TypeEngine[object]) -> type | None:
    """The Python type a ``TypeDecorator`` says it takes, when it says one of its own
    (its ``process_bind_param`` then expects that, not the ``impl``'s type)."""
    if not isinstance(kind, types.TypeDecorator):
        return None
    if type(kind).python_type is types.TypeDecorator.python_type:
        return None
    try:
        declared = kind.python_type
    except NotImplementedError:
        return None
    return declared if isinstance(declared, type) and declared is not object else None


def column_facts(name: str, kind: types.TypeEngine[object], unique: bool = False) -> FieldFacts:
    """What the type-to-value table needs to know of a column of type ``kind``."""
    source = kind
    declared = _declared_python_type(kind)
    inner = _underlying(kind)
    base = FieldFacts(name, declared, source=source, unique=unique)
    if declared is not None:
        return base
    python_type: type | None
    extra: dict[str, Any] = {}
    if isinstance(inner, types.ARRAY):
        python_type = list
        extra["item"] = column_facts(name, inner.item_type)
    elif isinstance(inner, types.Enum):
        if inner.enum_class is not None and issubclass(inner.enum_class, enum.Enum):
            python_type = inner.enum_class
        else:
            python_type = str
            extra["choices"] = tuple(inner.enums)
    elif isinstance(inner, types.Boolean):
        python_type = bool
    elif isinstance(inner, types.Integer):
        python_type = int
        extra["high"] = min(_int_limit(inner), 9999) if not unique else None
    elif isinstance(inner, types.Float):
        python_type = float
    elif isinstance(inner, types.Numeric):
        python_type = decimal.Decimal if inner.asdecimal else float
        extra["precision"] = inner.precision
        extra["scale"] = inner.scale or 0
    elif isinstance(inner, types.DateTime):
        python_type = datetime.datetime
        extra["aware"] = bool(getattr(inner, "timezone", False))
    elif isinstance(inner, types.Date):
        python_type = datetime.date
    elif isinstance(inner, types.Time):
        python_type = datetime.time
    elif isinstance(inner, types.Interval):
        python_type = datetime.timedelta
    elif isinstance(inner, types.Uuid):
        python_type = uuid.UUID if inner.as_uuid else str
        if not inner.as_uuid:
            extra["kind"] = "uuid"
    elif isinstance(inner, types.LargeBinary):
        python_type = bytes
        extra["max_length"] = inner.length
    elif isinstance(inner, types.JSON):
        python_type = dict
    elif isinstance(inner, types.String):
        python_type = str
        extra["max_length"] = inner.length
    else:
        try:
            found = inner.python_type
        except NotImplementedError:
            found = None
        python_type = found if isinstance(found, type) and found is not object else None
    return FieldFacts(name, python_type, source=source, unique=unique, **extra)


def _is_generated(column: Column[object], table: Table) -> bool:
    """The database (or SQLAlchemy) fills it in: the caller never has to."""
    if column.computed is not None or column.identity is not None:
        return True
    if column.primary_key:
        if len(table.primary_key.columns) > 1:
            # Composite keys are the caller's to give, but for foreign keys (a link table of
            # a many-to-many relation): each row then gets parents of its own.
            return not column.foreign_keys
        return column is table.autoincrement_column
    return False


def _unique_columns(table: Table) -> set[str]:
    unique: set[str] = set()
    for column in table.columns:
        if column.unique or (column.primary_key and len(table.primary_key.columns) == 1):
            unique.add(column.key)
    for constraint in getattr(table, "constraints", ()):
        if isinstance(constraint, UniqueConstraint):
            unique.update(column.key for column in constraint.columns)
    for index in getattr(table, "indexes", ()):
        if index.unique:
            unique.update(column.key for column in index.columns if isinstance(column, Column))
    return unique


def derive_from_mapper(
    factory_class: FactoryClass,
    model: type,
    mode: AutoFieldsMode,
    family: type,
) -> tuple[Kwargs, tuple[str, ...]]:
    """Declarations for the mapped class ``model`` (see the module docstring)."""
    mapper: Mapper[object] = inspect(model)
    table = mapper.local_table
    if not isinstance(table, Table):
        raise cannot_derive(factory_class.__name__, model, "*", "a mapping over several tables")
    derived: Kwargs = {}
    hidden: list[str] = []
    covered: set[Column[object]] = set()
    for rel in mapper.relationships:
        if rel.viewonly or rel.direction is not RelationshipDirection.MANYTOONE:
            continue
        local = [column for column in rel.local_columns if isinstance(column, Column)]
        covered.update(local)
        required = any(not column.nullable for column in local)
        if required and rel.mapper.class_ is not model:
            covers = tuple(attribute_of_column(mapper, column) for column in local)
            derived[rel.key] = ModelSubFactory(rel.mapper.class_, family, covers=covers)
    attribute_of: dict[Column[object], str] = {}
    for prop in mapper.column_attrs:
        for column in prop.columns:
            if isinstance(column, Column) and column.table is table:
                attribute_of[column] = prop.key
    unique = _unique_columns(table)
    for column, key in attribute_of.items():
        if column in covered or _is_generated(column, table):
            continue
        optional = (
            column.nullable or column.default is not None or column.server_default is not None
        )
        if optional and (mode != "all" or column.server_default is not None):
            continue
        foreign = next(iter(column.foreign_keys), None)
        if foreign is not None:
            target = _mapped_class(mapper, foreign.column.table)
            if target is None or target is model:
                if optional:
                    continue
                error = cannot_derive(factory_class.__name__, model, key, "a foreign key")
                derived[key] = Underivable(error)
                continue
            helper = f"_{key}_parent"
            target_key = _attribute(target, foreign.column)
            derived[helper] = ModelSubFactory(target, family, covers=(key,))
            derived[key] = LazyAttribute(functools.partial(_parent_key, helper, target_key))
            hidden.append(helper)
            continue
        value = value_for(column_facts(key, column.type, unique=column.key in unique))
        if value is None:
            if optional:
                continue
            error = cannot_derive(factory_class.__name__, model, key, repr(column.type))
            derived[key] = Underivable(error)
            continue
        derived[key] = value
    return derived, tuple(hidden)


def _parent_key(helper: str, key: str, obj: Any) -> Any:
    """The hidden parent's key (flushed for, if the database generates it)."""
    return read_generated(getattr(obj, helper), key)


def _mapped_class(mapper: Mapper[object], table: Any) -> type | None:
    for other in mapper.registry.mappers:
        if other.local_table is table and other.inherits is None:
            return other.class_
    return None


def attribute_of_column(mapper: Mapper[object], column: Any) -> str:
    """The attribute name of ``column`` on ``mapper`` (its column name if not mapped)."""
    try:
        return mapper.get_property_by_column(column).key
    except Exception:  # not mapped to an attribute of its own
        return str(getattr(column, "key", column))


def _attribute(model: type, column: Any) -> str:
    mapper: Mapper[object] = inspect(model)
    prop = mapper.get_property_by_column(column)
    return prop.key
