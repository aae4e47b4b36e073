"""A backend in one module: documents in JSON-lines files, written in transactions.

The proof of the backend contract (``docs/writing-a-backend.md`` walks through it),
written with the public ``async_factory_boy.backends`` only. This module registers itself
in the backend registry and, with no line of the package changed, its factories work
through the core (``create_async``, batches, SubFactory, get_or_create,
errors naming the factory), pass the contract suite (``tests/contract``), are seeded by the
seed command (``--url jsonl:///path``, ``--resume`` included) and get their connection from
the pytest plugin's default fixture (``jsonl_store``).

The database is a directory: one ``<collection>.jsonl`` file per collection, one document
per line. A connection is a :class:`JsonlStore` on the directory (or an open
:class:`Transaction` of one, to make several calls one transaction); a call's documents are
held and appended in one commit when the call ends, all or nothing, under a lock (a thread
lock per directory and ``flock`` on a lock file, for other processes). Unique fields are
checked at commit.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pathlib
import threading
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any, ClassVar, TypeVar

from factory.base import OptionDefault

from async_factory_boy import AsyncFactory, FactoryCall
from async_factory_boy.backends import (
    PROGRESS_TABLE,
    Backend,
    BatchWrite,
    CallScope,
    ContractOptions,
    SeedError,
    SeedTarget,
    method_name,
    reached_from,
    register,
)
from async_factory_boy.errors import AsyncFactoryError, MissingSessionError, SessionTypeError

__all__ = ["AsyncJsonlFactory", "JsonlIntegrityError", "JsonlStore", "Transaction"]

T = TypeVar("T")

ARGUMENT = "jsonl_store"
ID = "_id"


# -- the database: a directory of JSON-lines files ---------------------------------------------


class JsonlIntegrityError(AsyncFactoryError):
    """A commit would store a second document with the same unique field values."""


_locks: dict[str, threading.Lock] = {}
_logs: dict[str, list[str]] = {}


class JsonlStore:
    """A directory of ``.jsonl`` collections; ``unique`` names each collection's unique
    fields. Stores on the same directory share its documents and its lock."""

    def __init__(
        self, directory: str | os.PathLike[str], unique: Mapping[str, tuple[str, ...]] = {}
    ):
        self.directory = pathlib.Path(directory)
        self.unique = dict(unique)
        key = str(self.directory.resolve())
        self._lock = _locks.setdefault(key, threading.Lock())
        #: The collections of each commit, in order (for tests that count writes).
        self.log = _logs.setdefault(key, [])

    def transaction(self) -> Transaction:
        """A transaction: documents added to it are written when it commits."""
        return Transaction(self)

    def documents(self, collection: str) -> list[dict[str, Any]]:
        """The committed documents of ``collection``."""
        path = self.directory / f"{collection}.jsonl"
        if not path.exists():
            return []
        with path.open(encoding="utf-8") as lines:
            return [json.loads(line) for line in lines if line.strip()]

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """This process's lock of the directory, then the lock file's (other processes)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with self._lock, (self.directory / ".lock").open("a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)

    def find(
        self, collection: str, lookup: Mapping[str, Any], pending: list[dict[str, Any]]
    ) -> Any:
        """The committed or ``pending`` document of ``collection`` equal on ``lookup``."""
        for document in [*self.documents(collection), *pending]:
            if all(document.get(name) == value for name, value in lookup.items()):
                return document
        return None

    def commit(self, pending: Mapping[str, list[dict[str, Any]]]) -> None:
        """Append ``pending`` (per collection) in one step: nothing if one is refused."""
        with self.locked():
            self._check_unique(pending)
            for collection, documents in pending.items():
                if documents:
                    with (self.directory / f"{collection}.jsonl").open(
                        "a", encoding="utf-8"
                    ) as out:
                        out.writelines(json.dumps(doc, default=str) + "\n" for doc in documents)
                    self.log.append(collection)

    def _check_unique(self, pending: Mapping[str, list[dict[str, Any]]]) -> None:
        for collection, documents in pending.items():
            fields = self.unique.get(collection, ())
            if not fields:
                continue
            seen = {tuple(doc.get(name) for name in fields) for doc in self.documents(collection)}
            for document in documents:
                key = tuple(document.get(name) for name in fields)
                if key in seen:
                    taken = dict(zip(fields, key, strict=True))
                    raise JsonlIntegrityError(f"{collection}: a document with {taken} exists")
                seen.add(key)


class Transaction:
    """Documents waiting to be written to a :class:`JsonlStore` by :meth:`commit`."""

    def __init__(self, store: JsonlStore) -> None:
        self.store = store
        self.pending: dict[str, list[dict[str, Any]]] = {}

    def add(self, collection: str, document: dict[str, Any]) -> None:
        self.pending.setdefault(collection, []).append(document)

    def commit(self) -> Counter[str]:
        """Write the pending documents; how many per collection."""
        pending, self.pending = self.pending, {}
        self.store.commit(pending)
        return Counter({name: len(documents) for name, documents in pending.items()})


# -- the backend: its scope (the contract the core drives) and its options -------------------


class JsonlScope(CallScope):
    """One call's share: its connection checked once, its documents held until it ends."""

    __slots__ = ("outer", "transaction")
    holds = True

    def __init__(self, call: FactoryCall, transaction: Transaction, outer: bool) -> None:
        super().__init__(call)
        self.transaction = transaction
        self.outer = outer  # the caller's transaction: it commits, not this call

    @classmethod
    def open(cls, factory: Any, call: FactoryCall) -> JsonlScope:
        connection = call.get(ARGUMENT)
        if connection is None:
            raise MissingSessionError(
                f"{reached_from(factory, call)} needs a store to write to: pass "
                f"`{ARGUMENT}=JsonlStore(directory)`, e.g. `await {call.factory.__name__}."
                f"{method_name(call)}({ARGUMENT}=store)`."
            )
        if isinstance(connection, Transaction):
            return cls(call, connection, outer=True)
        if not isinstance(connection, JsonlStore):
            raise SessionTypeError(
                f"{reached_from(factory, call)}: {ARGUMENT}= must be a JsonlStore or one of its "
                f"transactions, got {type(connection).__name__}."
            )
        return cls(call, connection.transaction(), outer=False)

    @classmethod
    def lookup_fields(cls, factory: Any) -> tuple[str, ...]:
        fields: tuple[str, ...] = factory._meta.jsonl_get_or_create
        return fields

    @classmethod
    def make(
        cls, factory: Any, model_class: type, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        """A document with its ``_id`` at once, so referencing declarations can read it."""
        document = factory._build(model_class, *args, **kwargs)
        document.setdefault(ID, uuid.uuid4().hex)
        return document

    def may_hold(self, factory: Any, instance: Any, step: Any) -> bool:
        return True  # every document waits for the call's commit

    def add(self, factory: Any, instance: Any, *, hold: bool = False) -> Any:
        self.transaction.add(factory._meta.collection, instance)
        return instance

    def get_or_create(
        self,
        factory: Any,
        model_class: type,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        fields: tuple[str, ...],
        passed: Mapping[str, Any],
    ) -> Any:
        """The document equal on ``fields``, else a new one. Race-safe: on a store, the
        lookup and the insert are one step under the directory's lock."""
        collection = factory._meta.collection
        lookup = {name: kwargs[name] for name in fields}
        store = self.transaction.store
        if self.outer:
            pending = self.transaction.pending.get(collection, [])
            found = store.find(collection, lookup, pending)
            return (
                found
                if found is not None
                else self.add(factory, self.make(factory, model_class, args, kwargs))
            )
        with store.locked():
            found = store.find(collection, lookup, self.transaction.pending.get(collection, []))
            if found is None:
                found = self.make(factory, model_class, args, kwargs)
                store._check_unique({collection: [found]})
                path = store.directory / f"{collection}.jsonl"
                with path.open("a", encoding="utf-8") as out:
                    out.write(json.dumps(found, default=str) + "\n")
                store.log.append(collection)
        return found

    async def finish(self) -> None:
        if not self.outer:
            self.transaction.commit()

    async def undo(self, failure: BaseException) -> None:
        if not self.outer:
            self.transaction.pending.clear()


def _check_collection(meta: Any, value: Any) -> None:
    if value is not None and not (isinstance(value, str) and value):
        raise SessionTypeError(f"Meta.collection must be a collection name, got {value!r}.")


class JsonlOptions(ContractOptions):
    """``class Meta``: ``collection`` (the file's name) and ``jsonl_get_or_create``."""

    collection: str
    jsonl_get_or_create: tuple[str, ...]

    def _build_default_options(self) -> list[OptionDefault]:
        return [
            *super()._build_default_options(),  # type: ignore[no-untyped-call]
            OptionDefault("collection", None, inherit=True, checker=_check_collection),
            OptionDefault("jsonl_get_or_create", (), inherit=True),
        ]

    def _fill_from_meta(self, meta: Any, base_meta: Any) -> None:
        super()._fill_from_meta(meta, base_meta)  # type: ignore[no-untyped-call]
        if self.model is None:
            self.model = dict


# -- its seed writer ----------------------------------------------------------------------


class JsonlWriter:
    """The seed command's writer: ``--url jsonl:///directory``, one transaction per batch
    holding the batch's documents and its progress record."""

    def __init__(self, target: SeedTarget, copy: bool = True) -> None:
        self._path = target.url.partition("://")[2]
        self._store: JsonlStore | None = None

    def check_factory(self, path: str, factory: type[AsyncFactory[Any]]) -> None:
        if not issubclass(factory, AsyncJsonlFactory):
            raise SeedError(f"{path} is not a JSON-lines factory: a jsonl:// URL takes those.")

    async def connect(self) -> None:
        self._store = JsonlStore(self._path)

    async def create_tables(self, factories: list[type[AsyncFactory[Any]]]) -> None:
        """Nothing to create: a collection's file appears with its first document."""

    async def prepare_progress(self) -> None:
        """Nothing to prepare: the progress collection is a file like the others."""

    async def finished_batches(self, run_id: str) -> set[tuple[str, int]]:
        assert self._store is not None
        records = self._store.documents(PROGRESS_TABLE)
        return {(r["factory"], r["batch"]) for r in records if r["run_id"] == run_id}

    async def read_progress(self, run_id: str | None) -> list[tuple[str, str, int, int]] | None:
        assert self._store is not None
        return [
            (r["run_id"], r["factory"], r["batches"], r["rows"])
            for r in self._store.documents(PROGRESS_TABLE)
            if run_id is None or r["run_id"] == run_id
        ]

    async def write_batch(self, batch: BatchWrite) -> Counter[str]:
        assert self._store is not None
        transaction = self._store.transaction()
        await batch.factory.create_batch_async(batch.size, **{ARGUMENT: transaction})
        counts = Counter({name: len(docs) for name, docs in transaction.pending.items()})
        batch.check()
        record = batch.record
        transaction.add(
            PROGRESS_TABLE,
            {
                "run_id": record.run_id,
                "factory": record.factory,
                "batch": record.batch,
                "batches": record.batches,
                "rows": sum(counts.values()),
            },
        )
        transaction.commit()
        return counts

    async def close(self) -> None:
        self._store = None


# -- one registry entry, then the factory class --------------------------------------------

BACKEND = register(
    Backend(
        name="jsonl",
        connection_arguments=(ARGUMENT,),
        fixtures={ARGUMENT: "jsonl_store"},
        factory_ref=f"{__name__}:AsyncJsonlFactory",
        scope_ref=JsonlScope,
        options_ref=JsonlOptions,
        seed_writer_ref=JsonlWriter,
        seed_urls="jsonl",
        description="JSON-lines document factory",
    )
)


class AsyncJsonlFactory(AsyncFactory[T]):
    """A factory of documents (dicts) stored in a :class:`JsonlStore`: ``await
    F.create_async(jsonl_store=store)``."""

    _options_class = JsonlOptions
    _backend = BACKEND
    _connection_arguments: ClassVar[tuple[str, ...]] = (ARGUMENT,)

    class Meta:
        abstract = True


# -- the contract suite's kit (``tests/contract`` runs every kit named in ``KITS``) -------------

KITS = ("jsonl",)


@contextlib.asynccontextmanager
async def open_kit(request: Any, name: str) -> AsyncIterator[Any]:
    """A store in the test's own directory, with the contract's factories on it."""
    import factory

    from tests.contract._kits import Kit

    directory = request.getfixturevalue("tmp_path") / "store"
    unique = {"parent": ("name",)}
    store = JsonlStore(directory, unique)

    class JsonlParentFactory(AsyncJsonlFactory[dict[str, Any]]):
        class Meta:
            collection = "parent"

        name = factory.Sequence(lambda n: f"parent {n}")

    class JsonlChildFactory(AsyncJsonlFactory[dict[str, Any]]):
        class Meta:
            collection = "child"
            exclude = ("parent",)

        label = factory.Sequence(lambda n: f"child {n}")
        parent = factory.SubFactory(JsonlParentFactory)
        parent_id = factory.LazyAttribute(lambda o: o.parent[ID])

    class JsonlParentByNameFactory(JsonlParentFactory):
        class Meta:
            jsonl_get_or_create = ("name",)

    @contextlib.asynccontextmanager
    async def connect() -> AsyncIterator[dict[str, Any]]:
        yield {ARGUMENT: JsonlStore(directory, unique)}

    async def count(collection: str, conn: dict[str, Any] | None = None) -> int:
        return len(store.documents(collection))

    yield Kit(
        name=name,
        parent=JsonlParentFactory,
        child=JsonlChildFactory,
        parent_by_name=JsonlParentByNameFactory,
        conn={ARGUMENT: store},
        connect=connect,
        count=count,
        wrong_connection=lambda: {ARGUMENT: object()},
        log=store.log,
    )
