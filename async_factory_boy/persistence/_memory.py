"""``MemoryPersistence``: an in-process store that behaves like a small database.

Fast unit tests want factories that "save" without a database, yet still get ids and still
fail on duplicate keys. The store keeps one table per model class (``type(obj)``), hands out
auto-increment or UUID ids, enforces the unique constraints declared per model, and offers
lookups for assertions.

Every write validates the whole batch before storing anything, under one lock and without an
``await`` in between, so gathered creates on one event loop (or calls from several threads)
never interleave halfway: a save is all or nothing, and ``get_or_create`` is race-free.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Generator, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from .._types import Args, Instance, ReadKwargs
from ._errors import PersistenceError, UniqueViolationError
from ._fields import read_field, write_field

__all__ = ["IdKind", "MemoryPersistence", "Rows"]

T = TypeVar("T")
M = TypeVar("M")

#: How ids are generated: ``"increment"`` (1, 2, 3, ... per model) or ``"uuid"`` (uuid4).
IdKind = Literal["increment", "uuid"]

_UNSET: Any = object()


def _constraints(unique: Iterable[str | Sequence[str]]) -> tuple[tuple[str, ...], ...]:
    """Normalise ``["email", ("tenant", "slug")]`` to ``(("email",), ("tenant", "slug"))``."""
    result = []
    for entry in unique:
        names = (entry,) if isinstance(entry, str) else tuple(entry)
        if not names or not all(isinstance(name, str) for name in names):
            raise TypeError(
                f"MemoryPersistence: a unique constraint is a field name or a tuple of field "
                f"names, got {entry!r}."
            )
        result.append(names)
    return tuple(result)


@dataclass
class _Table:
    """The stored objects of one model, its indexes and its id counter."""

    id_attribute: str | None
    ids: IdKind
    unique: tuple[tuple[str, ...], ...]
    rows: dict[Hashable, Any] = field(default_factory=dict)
    indexes: dict[tuple[str, ...], dict[Args, Hashable]] = field(default_factory=dict)
    counter: int = 0

    def key_of(self, obj: Instance) -> Hashable | None:
        return None if self.id_attribute is None else read_field(obj, self.id_attribute)

    def next_key(self, taken: set[Hashable], after: int) -> Hashable:
        """A fresh id: a uuid4, or the first free integer above ``after``."""
        if self.ids == "uuid":
            return uuid.uuid4()
        candidate = after + 1
        while candidate in self.rows or candidate in taken:
            candidate += 1
        return candidate


class Rows(list[M]):
    """A list of stored objects that may also be awaited, giving the same list."""

    def __await__(self) -> Generator[Any, None, Rows[M]]:
        return self
        yield  # pragma: no cover - makes this a generator: awaiting it never suspends


class MemoryPersistence(Generic[T]):
    """An in-process async store: ids, unique constraints, ``get_or_create`` and lookups.

    ``MemoryPersistence()`` gives every model auto-increment ids in its ``id`` attribute.
    Per model, :meth:`register` chooses the id attribute (``None`` for none), the id kind
    (``"increment"`` or ``"uuid"``) and the unique constraints; the constructor's arguments are
    the defaults for models that were not registered. An object that already has an id keeps
    it, and the id is unique too. A unique constraint ignores objects whose constrained
    values include ``None``, as SQL does.

    Use one store per test for isolation, or share one (it is safe under ``asyncio.gather``
    and across threads) and call :meth:`clear` between tests.
    """

    def __init__(
        self,
        *,
        id_attribute: str | None = "id",
        ids: IdKind = "increment",
        unique: Mapping[type, Iterable[str | Sequence[str]]] | None = None,
    ) -> None:
        self._check_ids(ids)
        self._id_attribute = id_attribute
        self._ids: IdKind = ids
        self._lock = threading.RLock()
        self._tables: dict[type, _Table] = {}
        for model, constraints in (unique or {}).items():
            self.register(model, unique=constraints)

    # -- configuration -------------------------------------------------------------------------

    def register(
        self,
        model: type,
        *,
        unique: Iterable[str | Sequence[str]] = (),
        id_attribute: str | None = _UNSET,
        ids: IdKind = _UNSET,
    ) -> MemoryPersistence[T]:
        """Configure how ``model`` is stored; returns the store, so calls can be chained.

        ``unique`` lists field names or tuples of names (a composite constraint). Register a
        model before its first object is stored.
        """
        with self._lock:
            existing = self._tables.get(model)
            if existing is not None and existing.rows:
                raise PersistenceError(
                    f"MemoryPersistence: {model.__name__} already has stored objects; register "
                    "it before its first save (or clear() the store first)."
                )
            if ids is not _UNSET:
                self._check_ids(ids)
            self._tables[model] = _Table(
                id_attribute=self._id_attribute if id_attribute is _UNSET else id_attribute,
                ids=self._ids if ids is _UNSET else ids,
                unique=_constraints(unique),
            )
        return self

    # -- the persistence protocol ---------------------------------------------------------------

    async def save(self, obj: M) -> M:
        """Store ``obj``, setting its id; raise :class:`UniqueViolationError` on a duplicate."""
        with self._lock:
            self._insert([obj])
        return obj

    async def save_many(self, objs: Sequence[M]) -> list[M]:
        """Store every object or, if any breaks a constraint, none of them."""
        batch = list(objs)
        with self._lock:
            self._insert(batch)
        return batch

    async def get_or_create(self, obj: M, fields: Iterable[str]) -> M:
        """The stored object of ``obj``'s model equal to ``obj`` on ``fields``, else ``obj`` saved.

        The lookup and the insert happen under one lock, so concurrent calls with the same
        values store exactly one object and all get that one back.
        """
        names = tuple(fields)
        if not names:
            raise TypeError("MemoryPersistence.get_or_create needs at least one field name.")
        wanted = {name: read_field(obj, name) for name in names}
        with self._lock:
            for found in self._find(type(obj), wanted):
                stored: M = found
                return stored
            self._insert([obj])
        return obj

    # -- lookups for assertions --------------------------------------------------------------
    # They do no I/O, so they are plain methods; the lists they return may also be awaited
    # (``await store.all(User)``), so an assertion reads the same against this store and
    # against an async repository.

    def all(self, model: type[M]) -> Rows[M]:
        """Every stored object of ``model``, in the order they were stored."""
        with self._lock:
            table = self._tables.get(model)
            return Rows() if table is None else Rows(table.rows.values())

    def get(self, model: type[M], id: Hashable) -> M | None:
        """The stored object of ``model`` with this id, or ``None``."""
        with self._lock:
            table = self._tables.get(model)
            found: M | None = None if table is None else table.rows.get(id)
            return found

    def filter(self, model: type[M], **fields: Any) -> Rows[M]:
        """The stored objects of ``model`` whose fields equal the given values."""
        with self._lock:
            return Rows(self._find(model, fields))

    def count(self, model: type) -> int:
        """How many objects of ``model`` are stored."""
        with self._lock:
            table = self._tables.get(model)
            return 0 if table is None else len(table.rows)

    def clear(self) -> None:
        """Forget every stored object and restart the id counters; registrations stay."""
        with self._lock:
            for table in self._tables.values():
                table.rows.clear()
                table.indexes.clear()
                table.counter = 0

    # -- internals ------------------------------------------------------------------------------

    @staticmethod
    def _check_ids(ids: object) -> None:
        if ids not in ("increment", "uuid"):
            raise ValueError(f'MemoryPersistence: ids must be "increment" or "uuid", got {ids!r}.')

    def _table(self, model: type) -> _Table:
        table = self._tables.get(model)
        if table is None:
            table = self._tables[model] = _Table(self._id_attribute, self._ids, ())
        return table

    def _find(self, model: type, wanted: ReadKwargs) -> Iterable[Any]:
        table = self._tables.get(model)
        if table is None:
            return []
        return [
            obj
            for obj in table.rows.values()
            if all(read_field(obj, name) == value for name, value in wanted.items())
        ]

    def _insert(self, objs: list[Instance]) -> None:
        """Validate ``objs`` as a whole, then store them; the caller holds the lock."""
        plans = self._plan(objs)
        self._assign_ids(plans)
        for table, obj, key, values in plans:
            table.rows[key] = obj
            for constraint, taken in values.items():
                table.indexes.setdefault(constraint, {})[taken] = key
            if isinstance(key, int) and not isinstance(key, bool):
                table.counter = max(table.counter, key)

    def _plan(
        self, objs: list[Instance]
    ) -> list[tuple[_Table, Any, Hashable | None, dict[tuple[str, ...], Args]]]:
        """Check every object against the store and the rest of the batch; store nothing."""
        plans = []
        pending_keys: set[tuple[int, Hashable]] = set()
        pending_values: set[tuple[int, tuple[str, ...], Args]] = set()
        for obj in objs:
            model = type(obj)
            table = self._table(model)
            key = table.key_of(obj)
            if key is not None:
                if key in table.rows or (id(table), key) in pending_keys:
                    assert table.id_attribute is not None
                    raise UniqueViolationError(model, (table.id_attribute,), (key,))
                pending_keys.add((id(table), key))
            values: dict[tuple[str, ...], Args] = {}
            for constraint in table.unique:
                taken = tuple(read_field(obj, name) for name in constraint)
                if any(value is None for value in taken):
                    continue
                marker = (id(table), constraint, taken)
                if taken in table.indexes.get(constraint, {}) or marker in pending_values:
                    raise UniqueViolationError(model, constraint, taken)
                pending_values.add(marker)
                values[constraint] = taken
            plans.append((table, obj, key, values))
        return plans

    @staticmethod
    def _assign_ids(
        plans: list[tuple[_Table, Any, Hashable | None, dict[tuple[str, ...], Args]]],
    ) -> None:
        """Give every object without an id a fresh one, undoing all of them if one fails."""
        written: list[tuple[Any, str]] = []
        taken: dict[int, set[Hashable]] = {}
        cursors: dict[int, int] = {}  # the last integer id handed out per table in this batch
        for table, _, key, _ in plans:  # ids the batch brings along are not handed out
            if key is not None:
                taken.setdefault(id(table), set()).add(key)
        for index, (table, obj, key, values) in enumerate(plans):
            if key is not None:
                continue
            seen = taken.setdefault(id(table), set())
            if table.id_attribute is None:  # no id on the object: a private row key
                new_key: Hashable = uuid.uuid4()
            else:
                new_key = table.next_key(seen, cursors.get(id(table), table.counter))
                if isinstance(new_key, int):
                    cursors[id(table)] = new_key
                try:
                    write_field(obj, table.id_attribute, new_key)
                except Exception as exc:
                    for done, name in written:
                        write_field(done, name, None)
                    raise PersistenceError(
                        f"MemoryPersistence could not set {table.id_attribute!r} on a "
                        f"{type(obj).__name__} ({exc}); declare that field on the model, or "
                        f"register({type(obj).__name__}, id_attribute=...) with the right "
                        "attribute (None for no id)."
                    ) from exc
                written.append((obj, table.id_attribute))
            seen.add(new_key)
            plans[index] = (table, obj, new_key, values)
