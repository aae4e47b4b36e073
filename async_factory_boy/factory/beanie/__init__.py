"""Beanie factories: documents built through the model, written through the Mongo backend.

.. code-block:: python

    class BookFactory(AsyncBeanieFactory[Book]):
        class Meta:
            model = Book

        title = factory.Sequence(lambda n: f"book {n}")
        author = factory.SubFactory(AuthorFactory)  # a Link[Author] field


    await init_beanie(database=client["app"], document_models=[Author, Book])
    book = await BookFactory.create_async()
    books = await BookFactory.create_batch_async(100)  # one insert_many per collection

Beanie binds each document class to its database in ``init_beanie``, so a call needs no
database; ``mongo_session=`` (an ``AsyncClientSession`` of the same client) makes every write
of the call part of the session's transaction. Documents are validated as they are built
(``Book(**fields)``), get their ``id`` at once (so a ``Link`` can point to them), and are
written as ``Document.insert`` writes them, Beanie's ``Insert`` event actions included.
"""

from __future__ import annotations

# First, so that a missing driver names the extra to install (MissingDependencyError).
from . import _requires  # noqa: F401

# isort: split
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from beanie import Document

from ..._auto_fields import AutoFieldsMode
from ..._call import current_call
from ..mongo import AsyncMongoFactory, ODMFactoryOptions
from ..mongo._connection import SESSION_ARGUMENT
from ..mongo._documents import DocumentCodec
from ..mongo._scope import MongoScope
from ._auto import derive_document_fields
from ._documents import CODEC, check_back_links
from ._scope import BeanieScope

__all__ = ["AsyncBeanieFactory", "BeanieFactoryOptions"]

Doc = TypeVar("Doc")


class BeanieFactoryOptions(ODMFactoryOptions):
    """``class Meta`` options of :class:`AsyncBeanieFactory`.

    - ``model``: a Beanie ``Document`` class (or, with ``embedded = True``, a pydantic model
      stored inside another document).
    - ``embedded``: ``True`` for a factory of sub-documents; it never writes.
    - ``beanie_get_or_create``: document field names to look an existing document up by.

    The collection is the one Beanie binds the document class to (``Settings.name``).
    """

    beanie_get_or_create: tuple[str, ...]
    get_or_create_option = "beanie_get_or_create"
    collection_owner = "Beanie names the collection (`class Settings: name = ...` on the document)"


class AsyncBeanieFactory(AsyncMongoFactory[Doc]):
    """A factory of Beanie documents.

    ``await F.create_async()`` after ``init_beanie``; optionally ``mongo_session=session``.
    A SubFactory of another Beanie factory fills a ``Link`` field (the linked document is
    stored first); a SubFactory of a plain factory or of an ``embedded`` factory fills an
    embedded model. ``BackLink`` fields are filled from the other side, with a
    ``RelatedFactory`` / ``RelatedFactoryList`` whose documents link back to this one.
    """

    _meta: BeanieFactoryOptions
    _options_class = BeanieFactoryOptions
    _connection_arguments: ClassVar[tuple[str, ...]] = (SESSION_ARGUMENT,)
    _get_or_create_option: ClassVar[str] = "beanie_get_or_create"
    _scope_class: ClassVar[type[MongoScope]] = BeanieScope

    if not TYPE_CHECKING:  # type checkers see AsyncFactory.Meta: any class

        class Meta:
            abstract = True

    @classmethod
    def _document_codec(cls) -> DocumentCodec:
        model = cls._model_class()
        if isinstance(model, type) and issubclass(model, Document):
            return CODEC
        return super()._document_codec()  # an embedded pydantic model

    @classmethod
    def _derive_declarations(
        cls, model: type, mode: AutoFieldsMode
    ) -> tuple[dict[str, Any], tuple[str, ...]]:
        """``Meta.auto_fields``: type hints, with a ``Link`` created by a Beanie factory."""
        return derive_document_fields(cls, model, mode, AsyncBeanieFactory)

    @classmethod
    def _get_or_create_fields(cls) -> tuple[str, ...]:
        """Document keys of ``Meta.beanie_get_or_create`` (a field's alias: ``id`` is
        ``_id``); other names are kept as they are."""
        names = cls._meta.beanie_get_or_create or cls._meta.mongo_get_or_create
        if not names:
            return ()
        fields = getattr(cls._model_class(), "model_fields", {})
        return tuple((fields[name].alias or name) if name in fields else name for name in names)

    @classmethod
    def _create(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        call = current_call()
        if call is not None and not cls._meta.embedded:
            # Beanie refuses to build a document of a class it was not initialised for:
            # check first, so the error names the factories and says what to do.
            call.scope(BeanieScope, cls).bind(cls)
        return super()._create(model_class, *args, **kwargs)

    @classmethod
    def _build(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        instance = super()._build(model_class, *args, **kwargs)
        if isinstance(instance, Document):
            check_back_links(cls, instance)
        return instance

    @classmethod
    def _collection_name(cls) -> str:
        name: str = cls._model_class().get_collection_name()
        return name
