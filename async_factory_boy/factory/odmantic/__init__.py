"""ODMantic factories: models built through ODMantic, written through the Mongo backend.

.. code-block:: python

    class BookFactory(AsyncODManticFactory[Book]):
        class Meta:
            model = Book

        title = factory.Sequence(lambda n: f"book {n}")
        publisher = factory.SubFactory(PublisherFactory)  # a Reference() field


    engine = AIOEngine(AsyncIOMotorClient(uri), database="app")
    book = await BookFactory.create_async(odmantic_engine=engine)
    books = await BookFactory.create_batch_async(100, odmantic_engine=engine)

The engine travels with each call (``odmantic_engine=``), with an optional
``mongo_session=`` (``engine.session()``, ``engine.transaction()`` or a Motor session).
Models are validated as they are built and carry their primary key at once, so a
``Reference`` can point to them; a batch writes each collection with one ``insert_many``
(``engine.save_all`` upserts one document at a time).
"""

from __future__ import annotations

# First, so that a missing driver names the extra to install (MissingDependencyError).
from . import _requires  # noqa: F401

# isort: split
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from odmantic import Model

from ..._auto_fields import AutoFieldsMode
from ..._bridge import await_
from ..._call import FactoryCall, current_call
from ..mongo import AsyncMongoFactory, ODMFactoryOptions
from ..mongo._connection import SESSION_ARGUMENT
from ..mongo._documents import DocumentCodec
from ..mongo._scope import MongoScope
from ._auto import derive_model_fields
from ._documents import CODEC, document_keys, load_references, mark_saved
from ._scope import ENGINE_ARGUMENT, ODManticScope, driver_session

__all__ = ["AsyncODManticFactory", "ODManticFactoryOptions"]

M = TypeVar("M")


class ODManticFactoryOptions(ODMFactoryOptions):
    """``class Meta`` options of :class:`AsyncODManticFactory`.

    - ``model``: an ODMantic ``Model`` (or, with ``embedded = True``, an ``EmbeddedModel``).
    - ``embedded``: ``True`` for a factory of embedded models; it never writes.
    - ``odmantic_get_or_create``: model field names to look an existing document up by.

    The collection is the model's (``model_config = {"collection": ...}``, else ODMantic's
    snake_case name).
    """

    odmantic_get_or_create: tuple[str, ...]
    get_or_create_option = "odmantic_get_or_create"
    collection_owner = (
        "ODMantic names the collection (`model_config = {'collection': ...}` on the model)"
    )


class AsyncODManticFactory(AsyncMongoFactory[M]):
    """A factory of ODMantic models.

    ``await F.create_async(odmantic_engine=engine)``; optionally ``mongo_session=``. A
    SubFactory of another ODMantic factory fills a ``Reference()`` field (the referenced
    document is stored first); a SubFactory of a plain or ``embedded`` factory fills an
    ``EmbeddedModel`` field.
    """

    _meta: ODManticFactoryOptions
    _options_class = ODManticFactoryOptions
    _connection_arguments: ClassVar[tuple[str, ...]] = (ENGINE_ARGUMENT, SESSION_ARGUMENT)
    _get_or_create_option: ClassVar[str] = "odmantic_get_or_create"
    _scope_class: ClassVar[type[MongoScope]] = ODManticScope

    if not TYPE_CHECKING:  # type checkers see AsyncFactory.Meta: any class

        class Meta:
            abstract = True

    @classmethod
    def _document_codec(cls) -> DocumentCodec:
        model = cls._model_class()
        if isinstance(model, type) and issubclass(model, Model):
            return CODEC
        return super()._document_codec()  # an embedded model

    @classmethod
    def _from_document(cls, document: dict[str, Any]) -> Any:
        """The stored document as a model, its references fetched by id (no ``$lookup``)."""
        model = cls._model_class()
        call = current_call()
        scope = None if call is None else call.find_scope(ODManticScope)
        if scope is not None:
            document = await_(load_references(scope.target, model, document))
        instance = model.model_validate_doc(document)
        mark_saved(instance)
        return instance

    @classmethod
    def _derive_declarations(
        cls, model: type, mode: AutoFieldsMode
    ) -> tuple[dict[str, Any], tuple[str, ...]]:
        """``Meta.auto_fields``: type hints, with a ``Reference`` created by an ODMantic
        factory (stored first), not built inside the referencing model."""
        return derive_model_fields(cls, model, mode, AsyncODManticFactory)

    @classmethod
    def _get_or_create_fields(cls) -> tuple[str, ...]:
        names = cls._meta.odmantic_get_or_create or cls._meta.mongo_get_or_create
        return document_keys(cls._model_class(), names) if names else ()

    @classmethod
    def _exclusive_resources(cls, call: FactoryCall) -> tuple[object, ...]:
        """The driver session behind the call's session, if any (one operation at a time)."""
        session = call.get(SESSION_ARGUMENT)
        if session is None:
            return ()
        try:
            return (driver_session(session),)
        except RuntimeError:  # not started: _prepare_call says so
            return ()

    @classmethod
    def _collection_name(cls) -> str:
        name: str = cls._model_class().__collection__
        return name
