"""Checking the database and session a Mongo factory call was given.

Both PyMongo's ``AsyncDatabase`` and Motor's ``AsyncIOMotorDatabase`` are accepted; they
share the calls a factory makes (``insert_one``, ``insert_many``, ``find_one`` with
``session=``). Motor is recognised through ``sys.modules``: a Motor database exists only if
Motor was imported, so PyMongo-only users never import it.

Database objects refuse truth testing (``if database:`` raises), so everything here compares
with ``is None``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

from pymongo import AsyncMongoClient, MongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.client_session import ClientSession
from pymongo.collection import Collection
from pymongo.database import Database

from ..._call import FactoryCall
from ..._scope import method_name, reached_from
from ..._types import Kwargs
from ...errors import MissingSessionError, SessionTypeError

__all__ = ["MongoTarget", "check_target", "database_problem", "session_problem"]

DATABASE_ARGUMENT = "mongo_database"
SESSION_ARGUMENT = "mongo_session"


@dataclass(eq=False)
class MongoTarget:
    """Where one factory call writes: a database, an optional session, cached collections."""

    database: Any
    session: Any = None
    _collections: Kwargs = field(default_factory=dict)

    def collection(self, name: str) -> Any:
        """The collection ``name`` (created once per call: driver objects are not free)."""
        found = self._collections.get(name)
        if found is None:
            found = self._collections[name] = self.database[name]
        return found

    @property
    def in_transaction(self) -> bool:
        return self.session is not None and bool(self.session.in_transaction)


def _motor() -> Any:
    return sys.modules.get("motor.motor_asyncio")


def _is_motor(value: object, class_name: str) -> bool:
    motor = _motor()
    return motor is not None and isinstance(value, getattr(motor, class_name))


def database_problem(database: Any) -> str | None:
    """What is wrong with ``database``, or ``None`` if a factory can write to it."""
    if isinstance(database, AsyncDatabase) or _is_motor(database, "AsyncIOMotorDatabase"):
        return None
    if isinstance(database, Database):
        return (
            "got a synchronous pymongo Database; pass a database of an AsyncMongoClient "
            "(`AsyncMongoClient(uri)['app']`) or of Motor's AsyncIOMotorClient"
        )
    if isinstance(database, (AsyncMongoClient, MongoClient)) or _is_motor(
        database, "AsyncIOMotorClient"
    ):
        return "got a client; pass one of its databases, e.g. `client['app']`"
    if isinstance(database, (AsyncCollection, Collection)) or _is_motor(
        database, "AsyncIOMotorCollection"
    ):
        return (
            "got a collection; pass its database (`collection.database`) and set the "
            "collection with `class Meta: collection = ...`"
        )
    return (
        f"got {type(database).__module__}.{type(database).__qualname__}; pass a PyMongo "
        "AsyncDatabase or a Motor AsyncIOMotorDatabase"
    )


def session_problem(database: Any, session: Any) -> str | None:
    """What is wrong with ``session`` for ``database``, or ``None``."""
    if session is None:
        return None
    if isinstance(database, AsyncDatabase):
        if isinstance(session, AsyncClientSession):
            return None
        if isinstance(session, ClientSession):
            return (
                "got a synchronous pymongo ClientSession; start it from the same "
                "AsyncMongoClient: `async with client.start_session() as session:`"
            )
        return (
            f"got {type(session).__qualname__}; a PyMongo AsyncDatabase needs an "
            "AsyncClientSession from `client.start_session()` of the same client"
        )
    if _is_motor(session, "AsyncIOMotorClientSession"):
        return None
    return (
        f"got {type(session).__qualname__}; a Motor database needs the session of "
        "`await client.start_session()` of the same AsyncIOMotorClient"
    )


def check_target(factory: type, call: FactoryCall) -> MongoTarget:
    """The call's database and session, checked; errors name ``factory`` and, when it was
    reached through another factory, the factory the user called."""
    database = call.get(DATABASE_ARGUMENT)
    session = call.get(SESSION_ARGUMENT)
    named = reached_from(factory, call)
    if database is None:
        raise MissingSessionError(
            f"{named} needs a database to write its documents to: pass "
            f"`{DATABASE_ARGUMENT}=db` (a PyMongo AsyncDatabase or a Motor "
            f"AsyncIOMotorDatabase), e.g. `await {call.factory.__name__}.{method_name(call)}("
            f"{DATABASE_ARGUMENT}=client['app'])`, or use build_async() to build without "
            "storing."
        )
    problem = database_problem(database)
    if problem is not None:
        raise SessionTypeError(f"{named}: {DATABASE_ARGUMENT}= {problem}.")
    problem = session_problem(database, session)
    if problem is not None:
        raise SessionTypeError(f"{named}: {SESSION_ARGUMENT}= {problem}.")
    return MongoTarget(database=database, session=session)
