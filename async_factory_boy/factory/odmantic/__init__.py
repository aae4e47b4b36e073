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
from typing import TYPE_CHECKING, ClassVar, TypeVar

from odmantic import Model

from ..._backends import backend_named
from ..mongo import AsyncMongoFactory, ODMFactoryOptions
from ..mongo._connection import SESSION_ARGUMENT
from ._scope import ENGINE_ARGUMENT

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
    document_kind = (
        "an ODMantic model (a subclass of odmantic.Model), so it cannot be stored; derive it "
        "from odmantic.Model, or, for an odmantic.EmbeddedModel stored inside another model, "
        "set embedded = True in the factory's Meta"
    )

    def is_document(self, model: type) -> bool:
        return issubclass(model, Model)


class AsyncODManticFactory(AsyncMongoFactory[M]):
    """A factory of ODMantic models.

    ``await F.create_async(odmantic_engine=engine)``; optionally ``mongo_session=``. A
    SubFactory of another ODMantic factory fills a ``Reference()`` field (the referenced
    document is stored first); a SubFactory of a plain or ``embedded`` factory fills an
    ``EmbeddedModel`` field.

    What it does per call is its backend scope's
    (:class:`~async_factory_boy.factory.odmantic._scope.ODManticScope`): the core drives it.
    """

    _meta: ODManticFactoryOptions
    _options_class = ODManticFactoryOptions
    _backend = backend_named("odmantic")
    _connection_arguments: ClassVar[tuple[str, ...]] = (ENGINE_ARGUMENT, SESSION_ARGUMENT)

    if not TYPE_CHECKING:  # type checkers see AsyncFactory.Meta: any class

        class Meta:
            abstract = True
