"""The Beanie backend's share of one factory call: the Mongo scope, with Beanie's database.

Beanie documents know their collection: ``init_beanie(database=db, document_models=[...])``
binds each document class to a collection of ``db``. So a Beanie call takes no database
argument; the scope checks, for each document class the call reaches, that Beanie was
initialised for it, and checks the optional ``mongo_session=`` against that database.
Everything else (one ``insert_one`` per single create, one ordered ``insert_many`` per
collection per batch, the race-safe get_or_create) is the Mongo backend's own write path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from beanie import Document
from beanie.exceptions import CollectionWasNotInitialized

from ..._bridge import await_
from ..._call import FactoryCall
from ..._scope import method_name, reached_from
from ..._types import Args, FactoryClass, Instance, Kwargs, ModelClass
from ...errors import MissingSessionError, SessionTypeError
from ..mongo._connection import DATABASE_ARGUMENT, SESSION_ARGUMENT, MongoTarget, session_problem
from ..mongo._documents import DocumentCodec
from ..mongo._scope import MongoScope
from ._documents import CODEC, after_insert, before_insert, check_back_links

__all__ = ["BeanieScope"]


@dataclass(eq=False)
class BeanieTarget(MongoTarget):
    """The call's session and the collections Beanie bound each document class to."""

    _checked: set[ModelClass] = field(default_factory=set)

    def collection(self, name: str) -> Any:
        return self._collections[name]  # bound by :meth:`bind` before any write

    def bind(self, factory: type, call: FactoryCall, document: ModelClass) -> str:
        """Check that ``document`` (a Document class) can be written in this call; return
        its collection name."""
        if document not in self._checked:
            collection = _collection_of(factory, call, document)
            problem = session_problem(collection.database, self.session)
            if problem is not None:
                raise SessionTypeError(
                    f"{reached_from(factory, call)}: {SESSION_ARGUMENT}= {problem}."
                )
            self._collections[collection.name] = collection
            self._checked.add(document)
        name: str = document.get_collection_name()
        return name


def _collection_of(factory: type, call: FactoryCall, document: ModelClass) -> Any:
    try:
        return document.get_pymongo_collection()
    except CollectionWasNotInitialized:
        raise MissingSessionError(
            f"{reached_from(factory, call)} writes {document.__name__} documents, and Beanie "
            f"was not initialised for {document.__name__}: call `await init_beanie("
            f"database=client['app'], document_models=[{document.__name__}, ...])` (with a "
            f"PyMongo AsyncMongoClient) before `await {call.factory.__name__}."
            f"{method_name(call)}()`, or use build_async() to build without storing."
        ) from None


class BeanieScope(MongoScope):
    """The Mongo scope of a call, writing Beanie documents with their insert lifecycle."""

    __slots__ = ("_stored",)

    get_or_create_option = "beanie_get_or_create"
    unique_index_hint = (
        ", or declare it on the document (`name: Indexed(str, unique=True)`, created by "
        "init_beanie)"
    )

    def __init__(self, call: FactoryCall, target: MongoTarget) -> None:
        super().__init__(call, target)
        self._stored: list[Document] = []

    @classmethod
    def open(cls, factory: FactoryClass, call: FactoryCall) -> BeanieScope:
        if call.factory is factory and call.get(DATABASE_ARGUMENT) is not None:
            raise SessionTypeError(
                f"{factory.__name__} writes to the database given to init_beanie(); drop "
                f"{DATABASE_ARGUMENT}= from the call (pass {SESSION_ARGUMENT}= to write in a "
                "transaction)."
            )
        scope = cls(call, BeanieTarget(database=None, session=call.get(SESSION_ARGUMENT)))
        scope.admit(factory)
        return scope

    # -- Beanie's documents ------------------------------------------------------------------

    @classmethod
    def codec(cls, factory: FactoryClass) -> DocumentCodec:
        model = factory._meta.get_model_class()
        if isinstance(model, type) and issubclass(model, Document):
            return CODEC
        return super().codec(factory)  # an embedded pydantic model

    @classmethod
    def collection_name(cls, factory: FactoryClass) -> str:
        name: str = factory._meta.get_model_class().get_collection_name()
        return name

    @classmethod
    def lookup_fields(cls, factory: FactoryClass) -> tuple[str, ...]:
        """Document keys of ``Meta.beanie_get_or_create`` (a field's alias: ``id`` is
        ``_id``); other names are kept as they are."""
        names = factory._meta.beanie_get_or_create or factory._meta.mongo_get_or_create
        if not names:
            return ()
        fields = getattr(factory._meta.get_model_class(), "model_fields", {})
        return tuple((fields[name].alias or name) if name in fields else name for name in names)

    @classmethod
    def make(cls, factory: FactoryClass, model_class: type, args: Args, kwargs: Kwargs) -> Instance:
        instance = super().make(factory, model_class, args, kwargs)
        if isinstance(instance, Document):
            check_back_links(factory, instance)
        return instance

    # -- the contract ----------------------------------------------------------------------

    def admit(self, factory: FactoryClass) -> None:
        """Beanie refuses to build a document of a class it was not initialised for: check
        first, so the error names the factories and says what to do."""
        target: BeanieTarget = self.target  # type: ignore[assignment]  # a Beanie scope's target is a BeanieTarget
        target.bind(factory, self.call, factory._meta.get_model_class())

    def add(self, factory: FactoryClass, instance: Instance, *, hold: bool = False) -> Instance:
        _await_if_any(before_insert(instance))
        super().add(factory, instance, hold=hold)
        if hold:
            self._stored.append(instance)
        else:
            _await_if_any(after_insert(instance))
        return instance

    def find_or_insert(
        self, factory: FactoryClass, instance: Instance, fields: tuple[str, ...]
    ) -> Instance:
        _await_if_any(before_insert(instance))
        result = super().find_or_insert(factory, instance, fields)
        if result is instance:  # inserted, not found
            _await_if_any(after_insert(instance))
        return result

    async def finish(self) -> None:
        await super().finish()
        stored, self._stored = self._stored, []
        for document in stored:
            actions = after_insert(document)
            if actions is not None:
                await actions


def _await_if_any(awaitable: Any) -> None:
    if awaitable is not None:
        await_(awaitable)
