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
from typing import TYPE_CHECKING, ClassVar, TypeVar

from beanie import Document

from ..._backends import backend_named
from ..mongo import AsyncMongoFactory, ODMFactoryOptions
from ..mongo._connection import SESSION_ARGUMENT

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
    document_kind = (
        "a Beanie document (a subclass of beanie.Document), so it cannot be stored; derive it "
        "from beanie.Document, or, for a model stored inside another document, set "
        "embedded = True in the factory's Meta"
    )

    def is_document(self, model: type) -> bool:
        return issubclass(model, Document)


class AsyncBeanieFactory(AsyncMongoFactory[Doc]):
    """A factory of Beanie documents.

    ``await F.create_async()`` after ``init_beanie``; optionally ``mongo_session=session``.
    A SubFactory of another Beanie factory fills a ``Link`` field (the linked document is
    stored first); a SubFactory of a plain factory or of an ``embedded`` factory fills an
    embedded model. ``BackLink`` fields are filled from the other side, with a
    ``RelatedFactory`` / ``RelatedFactoryList`` whose documents link back to this one.

    What it does per call is its backend scope's
    (:class:`~async_factory_boy.factory.beanie._scope.BeanieScope`): the core drives it.
    """

    _meta: BeanieFactoryOptions
    _options_class = BeanieFactoryOptions
    _backend = backend_named("beanie")
    _connection_arguments: ClassVar[tuple[str, ...]] = (SESSION_ARGUMENT,)

    if not TYPE_CHECKING:  # type checkers see AsyncFactory.Meta: any class

        class Meta:
            abstract = True
