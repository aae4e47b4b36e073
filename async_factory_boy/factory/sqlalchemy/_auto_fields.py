"""``Meta.auto_fields`` for SQLAlchemy models: declarations derived from the mapped table.

Rules (the docs' "Derived fields" page lists them with examples):

- a column is *required* when it is NOT NULL, has no client or server default, and is not
  generated (computed, identity, an autoincrement integer primary key); composite primary
  keys are left to the caller; optional columns are filled only with ``auto_fields = "all"``;
- a required many-to-one relationship becomes a SubFactory of the factory defined for the
  target model (the project's own, else an auto factory); a required foreign key without a
  relationship gets a hidden SubFactory and reads its key (flushed on demand);
- columns that must be unique (``unique=True``, a unique constraint or index, a single
  non-integer primary key) get Sequence-based values, which cannot collide within a run;
- the value comes from the column type: Faker providers, or factory_boy's own random, so
  ``factory.random.reseed_random`` (and the plugin's ``--factory-seed``) replays them.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from sqlalchemy import Column, Table, inspect, types
from sqlalchemy.orm import Mapper, RelationshipDirection
from sqlalchemy.schema import UniqueConstraint

from ..._auto_fields import (
    AutoFieldsMode,
    ModelSubFactory,
    cannot_derive,
    derived_date,
    derived_datetime,
    derived_time,
)
from ..._compat import Faker, LazyFunction, List, SelfAttribute, Sequence, randgen
from ..._types import FactoryClass, Kwargs

__all__ = ["derive_from_mapper"]

_EPOCH = datetime.datetime(2020, 1, 1)
_INT_LIMITS = {
    types.SmallInteger: 2**15 - 1,
    types.BigInteger: 2**63 - 1,
    types.Integer: 2**31 - 1,
}


def _int_limit(kind: types.TypeEngine[Any]) -> int:
    for base, limit in _INT_LIMITS.items():
        if isinstance(kind, base):
            return limit
    return 2**31 - 1


def _random_interval() -> datetime.timedelta:
    return datetime.timedelta(seconds=randgen.randint(0, 30 * 86400))


def _unique_value(column: Column[Any]) -> Any:
    """A Sequence giving values of the column's type that never repeat within a run."""
    kind = column.type
    key = column.key or column.name
    if isinstance(kind, types.Integer):
        return Sequence(lambda n: n + 1)
    if isinstance(kind, types.Numeric):
        return Sequence(lambda n: decimal.Decimal(n + 1))
    if isinstance(kind, types.DateTime):
        aware = bool(getattr(kind, "timezone", False))
        zone = datetime.timezone.utc if aware else None
        return Sequence(lambda n: (_EPOCH + datetime.timedelta(seconds=n)).replace(tzinfo=zone))
    if isinstance(kind, types.Date):
        return Sequence(lambda n: _EPOCH.date() + datetime.timedelta(days=n))
    if isinstance(kind, types.Uuid):
        return Faker("uuid4", cast_to=None if kind.as_uuid else str)
    if isinstance(kind, types.LargeBinary):
        return Sequence(lambda n: f"{key}-{n}".encode())
    if isinstance(kind, types.String):
        length = kind.length
        prefix = key if length is None else key[: max(length - 7, 0)]
        return Sequence(lambda n: f"{prefix}{n}"[: length or None])
    return None


def _value(column: Column[Any]) -> Any:
    """A declaration for a value of the column's type; ``None`` if there is no generator."""
    kind = column.type
    if isinstance(kind, types.ARRAY):
        item = _value(Column(column.key or column.name, kind.item_type))
        return None if item is None else List([item, item])
    if isinstance(kind, types.Enum):
        elements = list(kind.enum_class) if kind.enum_class is not None else list(kind.enums)
        return Faker("random_element", elements=elements)
    if isinstance(kind, types.Boolean):
        return Faker("pybool")
    if isinstance(kind, types.Integer):
        return Faker("pyint", min_value=0, max_value=min(_int_limit(kind), 9999))
    if isinstance(kind, types.Float):
        return Faker("pyfloat", min_value=0, max_value=9999, right_digits=3)
    if isinstance(kind, types.Numeric):
        scale = kind.scale or 0
        precision = kind.precision or 10
        left = max(min(precision - scale, 6), 1)
        return Faker("pydecimal", left_digits=left, right_digits=scale, positive=True)
    if isinstance(kind, types.DateTime):
        aware = bool(getattr(kind, "timezone", False))
        return derived_datetime(aware)
    if isinstance(kind, types.Date):
        return derived_date()
    if isinstance(kind, types.Time):
        return derived_time()
    if isinstance(kind, types.Interval):
        return LazyFunction(_random_interval)
    if isinstance(kind, types.Uuid):
        return Faker("uuid4", cast_to=None if kind.as_uuid else str)
    if isinstance(kind, types.LargeBinary):
        return Faker("binary", length=min(kind.length or 16, 16))
    if isinstance(kind, types.JSON):
        return Faker("pydict", nb_elements=3, value_types=[str, int])
    if isinstance(kind, types.String):
        length = kind.length or 20
        return Faker("pystr", min_chars=1, max_chars=min(length, 20))
    return None


def _is_generated(column: Column[Any], table: Table) -> bool:
    """The database (or SQLAlchemy) fills it in: the caller never has to."""
    if column.computed is not None or column.identity is not None:
        return True
    if column.primary_key:
        if len(table.primary_key.columns) > 1:
            return True  # composite keys are the caller's to give
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
    mapper: Mapper[Any] = inspect(model)
    table = mapper.local_table
    if not isinstance(table, Table):
        raise cannot_derive(factory_class.__name__, model, "*", "a mapping over several tables")
    derived: Kwargs = {}
    hidden: list[str] = []
    covered: set[Column[Any]] = set()
    for rel in mapper.relationships:
        if rel.viewonly or rel.direction is not RelationshipDirection.MANYTOONE:
            continue
        local = [column for column in rel.local_columns if isinstance(column, Column)]
        covered.update(local)
        required = any(not column.nullable for column in local)
        if required and rel.mapper.class_ is not model:
            derived[rel.key] = ModelSubFactory(rel.mapper.class_, family)
    attribute_of: dict[Column[Any], str] = {}
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
                raise cannot_derive(factory_class.__name__, model, key, "a foreign key")
            helper = f"_{key}_parent"
            target_key = _attribute(target, foreign.column)
            derived[helper] = ModelSubFactory(target, family)
            derived[key] = SelfAttribute(f"{helper}.{target_key}")
            hidden.append(helper)
            continue
        value = _unique_value(column) if column.key in unique else _value(column)
        if value is None:
            if optional:
                continue
            raise cannot_derive(factory_class.__name__, model, key, repr(column.type))
        derived[key] = value
    return derived, tuple(hidden)


def _mapped_class(mapper: Mapper[Any], table: Any) -> type | None:
    for other in mapper.registry.mappers:
        if other.local_table is table and other.inherits is None:
            return other.class_
    return None


def _attribute(model: type, column: Any) -> str:
    mapper: Mapper[Any] = inspect(model)
    prop = mapper.get_property_by_column(column)
    return prop.key
