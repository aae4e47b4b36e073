"""Pluggable async persistence: save factory objects through any handler.

A handler is anything with ``save(obj)`` and ``save_many(objs)`` (``async def`` or blocking).
Pass one per call or set a default on the factory; the per-call one wins::

    store = MemoryPersistence()
    user = await UserFactory.create_async(persistence=store)

    class UserFactory(AsyncFactory[User]):
        class Meta:
            model = User
            persistence = store

Built in: :class:`MemoryPersistence` (an in-process store for database-free tests),
:class:`RepositoryPersistence` (your repository object), and the :class:`SQLAlchemyPersistence`
and :class:`MongoPersistence` adapters (their drivers are imported only when used).
"""

from ..errors import MissingPersistenceError
from ._errors import PersistenceError, UniqueViolationError
from ._factory import PersistenceFactory
from ._memory import IdKind, MemoryPersistence, Rows
from ._mongo import MongoPersistence, default_encode
from ._protocol import AnyPersistence, AsyncPersistence, SyncPersistence
from ._repository import RepositoryPersistence
from ._sqlalchemy import SQLAlchemyPersistence

__all__ = [
    "AnyPersistence",
    "AsyncPersistence",
    "IdKind",
    "MemoryPersistence",
    "MissingPersistenceError",
    "MongoPersistence",
    "PersistenceError",
    "PersistenceFactory",
    "RepositoryPersistence",
    "Rows",
    "SQLAlchemyPersistence",
    "SyncPersistence",
    "UniqueViolationError",
    "default_encode",
]
