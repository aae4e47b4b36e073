"""get-or-create without a unique index: one lookup at a time per key, and a warning.

``find_one`` then ``insert_one`` is race-safe only when a unique index covers the lookup
fields: the loser of a race gets ``DuplicateKeyError`` and reads the winner's document back.
Without one, two gathered calls both find nothing and both insert. So, within this process,
every get-or-create on one collection and one lookup value waits for the one before it
(:func:`one_lookup_at_a_time`): twenty gathered calls store one document, index or not.

Another process (an xdist worker, a second application instance) is not serialized by
that, so the first get-or-create of a factory on a collection without such an index warns,
once per factory, with the index to create (:func:`warn_without_unique_index`). The
collection's indexes are read once per collection and cached.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import AsyncIterator, Awaitable, Hashable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from ...errors import MissingUniqueIndexWarning

__all__ = ["LookupCollection", "one_lookup_at_a_time", "warn_without_unique_index"]


class LookupCollection(Protocol):
    """What this module reads of a driver collection (PyMongo's async one, or Motor's)."""

    @property
    def name(self) -> str: ...

    @property
    def full_name(self) -> str: ...

    # The driver's index description: name -> {"key": [(field, direction)], "unique": ...}.
    def index_information(self) -> Awaitable[Mapping[str, Any]]: ...


@dataclass(eq=False)
class _Entry:
    lock: asyncio.Lock
    users: int = 0


# Locks by (event loop, collection, lookup value); an entry lives while a call holds or
# waits for it, so none outlives its loop and the map never grows with finished lookups.
_entries: dict[Hashable, _Entry] = {}


@asynccontextmanager
async def one_lookup_at_a_time(
    collection: LookupCollection, query: Mapping[str, object]
) -> AsyncIterator[None]:
    """Hold the block while no other task of this process looks ``query`` up in
    ``collection`` (a driver collection: its ``full_name`` names it across clients)."""
    # repr, not hash: lookup values may be unhashable (embedded documents, lists).
    key = (id(asyncio.get_running_loop()), collection.full_name, repr(sorted(query.items())))
    entry = _entries.get(key)
    if entry is None:
        entry = _entries[key] = _Entry(asyncio.Lock())
    entry.users += 1
    try:
        async with entry.lock:
            yield
    finally:
        entry.users -= 1
        if entry.users == 0:
            del _entries[key]


# Factory (or owner) names that have warned already, or are checking now, and each
# collection's unique indexes (as key-field sets) once read.
_warned: set[str] = set()
_checking: set[str] = set()
_unique_indexes: dict[str, list[frozenset[str]]] = {}


async def warn_without_unique_index(
    collection: LookupCollection, fields: Sequence[str], owner: str, option: str, hint: str
) -> None:
    """Warn, once per ``owner``, when no unique index of ``collection`` covers ``fields``.

    A unique index on a subset of the lookup fields is enough (two documents equal on all
    fields are equal on that subset); so is ``_id`` among them. ``option`` names where the
    fields come from (``TagFactory.Meta.beanie_get_or_create``), ``hint`` how this backend
    declares the index.
    """
    wanted = set(fields)
    if owner in _warned or owner in _checking or "_id" in wanted:
        return
    _checking.add(owner)  # gathered calls of the factory: one of them checks
    try:
        if any(index <= wanted for index in await _unique_index_keys(collection)):
            return
    finally:
        _checking.discard(owner)
    _warned.add(owner)
    keys = ", ".join(f"({name!r}, 1)" for name in fields)
    warnings.warn(
        f"{option} looks documents up by {tuple(fields)!r} in collection "
        f"{collection.name!r}, which has no unique index on those fields: gathered calls in "
        "this process are serialized, but another process (an xdist worker, a second "
        "application instance) can still insert a duplicate. Create the index, e.g. "
        f"`await db[{collection.name!r}].create_index([{keys}], unique=True)`{hint}.",
        MissingUniqueIndexWarning,
        stacklevel=2,
    )


async def _unique_index_keys(collection: LookupCollection) -> list[frozenset[str]]:
    """The key fields of each unique, unfiltered index of ``collection`` (read once).

    No session: ``listIndexes`` may not run inside a transaction, and the indexes are the
    collection's, not the transaction's.
    """
    name: str = collection.full_name
    cached = _unique_indexes.get(name)
    if cached is None:
        information = await collection.index_information()
        cached = _unique_indexes[name] = [
            frozenset(field for field, _ in index["key"])
            for index in information.values()
            if index.get("unique") and "partialFilterExpression" not in index
        ]
    return cached
