"""The ODMantic backend's share of one factory call: the Mongo scope on an engine's database.

A call names its engine, ``odmantic_engine=`` (an ``AIOEngine``), and optionally
``mongo_session=``: a Motor client session, or ODMantic's own ``engine.session()`` /
``engine.transaction()``. The engine's database is where every document of the call goes;
the writes themselves are the Mongo backend's (``insert_one`` per single create, one ordered
``insert_many`` per collection per batch, race-safe get_or_create).
"""

from __future__ import annotations

from typing import Any

from odmantic import AIOEngine, Model, SyncEngine
from odmantic.session import AIOSessionBase, SyncSessionBase

from ..._bridge import await_
from ..._call import FactoryCall
from ..._scope import method_name, reached_from
from ..._types import FactoryClass, Instance, Kwargs
from ...errors import MissingSessionError, SessionTypeError
from ..mongo._connection import SESSION_ARGUMENT, MongoTarget, database_problem, session_problem
from ..mongo._documents import DocumentCodec
from ..mongo._scope import MongoScope
from ._documents import CODEC, document_keys, load_references, mark_saved

__all__ = ["ENGINE_ARGUMENT", "ODManticScope", "driver_session"]

ENGINE_ARGUMENT = "odmantic_engine"


def driver_session(session: Any) -> Any:
    """The driver's session behind ``session`` (ODMantic's wrappers hold one)."""
    if isinstance(session, AIOSessionBase):
        return session.get_driver_session()  # type: ignore[attr-defined]  # ODMantic's session classes lack it in their types
    return session


def _engine_problem(engine: Any) -> str | None:
    if isinstance(engine, AIOEngine):
        return None
    if isinstance(engine, SyncEngine):
        return "got a SyncEngine; pass ODMantic's async engine, `AIOEngine(client, database=...)`"
    return (
        f"got {type(engine).__module__}.{type(engine).__qualname__}; pass an ODMantic "
        "AIOEngine, e.g. `AIOEngine(AsyncIOMotorClient(uri), database='app')`"
    )


def check_engine(factory: type, call: FactoryCall) -> MongoTarget:
    """The call's engine database and driver session, checked; errors name ``factory`` and,
    when it was reached through another factory, the factory the user called."""
    engine = call.get(ENGINE_ARGUMENT)
    named = reached_from(factory, call)
    if engine is None:
        raise MissingSessionError(
            f"{named} needs an ODMantic engine to write its documents: pass "
            f"`{ENGINE_ARGUMENT}=engine` (an AIOEngine), e.g. `await "
            f"{call.factory.__name__}.{method_name(call)}({ENGINE_ARGUMENT}=AIOEngine(client, "
            f"database='app'))`, or use build_async() to build without storing."
        )
    problem = _engine_problem(engine) or database_problem(engine.database)
    if problem is not None:
        raise SessionTypeError(f"{named}: {ENGINE_ARGUMENT}= {problem}.")
    session = call.get(SESSION_ARGUMENT)
    if isinstance(session, SyncSessionBase):
        problem = "got an ODMantic SyncSession; use `engine.session()` of an AIOEngine"
    else:
        try:
            session = driver_session(session)
        except RuntimeError:  # ODMantic's "session not started"
            problem = (
                "got an ODMantic session that is not started; use it inside "
                "`async with engine.session() as session:` (or engine.transaction())"
            )
        else:
            problem = session_problem(engine.database, session)
    if problem is not None:
        raise SessionTypeError(f"{named}: {SESSION_ARGUMENT}= {problem}.")
    return MongoTarget(database=engine.database, session=session)


class ODManticScope(MongoScope):
    """The Mongo scope of a call, on the database of its ``AIOEngine``."""

    __slots__ = ()

    get_or_create_option = "odmantic_get_or_create"
    unique_index_hint = (
        ", or declare it on the model (`name: str = Field(unique=True)`, created by "
        "`await engine.configure_database([Model])`)"
    )

    @classmethod
    def open(cls, factory: type, call: FactoryCall) -> ODManticScope:
        return cls(call, check_engine(factory, call))

    # -- ODMantic's models -------------------------------------------------------------------

    @classmethod
    def codec(cls, factory: FactoryClass) -> DocumentCodec:
        model = factory._meta.get_model_class()
        if isinstance(model, type) and issubclass(model, Model):
            return CODEC
        return super().codec(factory)  # an embedded model

    @classmethod
    def collection_name(cls, factory: FactoryClass) -> str:
        name: str = factory._meta.get_model_class().__collection__
        return name

    @classmethod
    def lookup_fields(cls, factory: FactoryClass) -> tuple[str, ...]:
        names = factory._meta.odmantic_get_or_create or factory._meta.mongo_get_or_create
        return document_keys(factory._meta.get_model_class(), names) if names else ()

    def from_document(self, factory: FactoryClass, document: Kwargs) -> Instance:
        """The stored document as a model, its references fetched by id (no ``$lookup``)."""
        model = factory._meta.get_model_class()
        document = await_(load_references(self.target, model, document))
        instance = model.model_validate_doc(document)
        mark_saved(instance)
        return instance

    # -- the contract ----------------------------------------------------------------------

    def exclusive_resources(self) -> tuple[object, ...]:
        """The driver session behind the call's session, if any (one operation at a time)."""
        session = self.target.session
        return () if session is None else (session,)

    def add(self, factory: FactoryClass, instance: Instance, *, hold: bool = False) -> Instance:
        super().add(factory, instance, hold=hold)
        mark_saved(instance)  # a failed batch fails the call: its objects are never returned
        return instance

    def find_or_insert(
        self, factory: FactoryClass, instance: Instance, fields: tuple[str, ...]
    ) -> Instance:
        result = super().find_or_insert(factory, instance, fields)
        mark_saved(result)
        return result
