"""MongoDB factories on PyMongo's async API (``AsyncMongoClient``) or Motor.

.. code-block:: python

    class AuthorFactory(AsyncMongoFactory[dict[str, Any]]):
        class Meta:
            collection = "authors"

        name = factory.Sequence(lambda n: f"author {n}")


    author = await AuthorFactory.create_async(mongo_database=client["app"])
    author["_id"]  # the stored document's ObjectId

The database (and an optional client session) travels with each call, never on the class:
``mongo_database=`` and ``mongo_session=`` reach every nested SubFactory / RelatedFactory and
every write of the call. A batch writes each collection with one ``insert_many``.
"""

from __future__ import annotations

# First, so that a missing driver names the extra to install (MissingDependencyError).
from . import _requires  # noqa: F401

# isort: split
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from ..._auto_fields import AutoFieldsOptions
from ..._backends import backend_named
from ..._compat import OptionDefault
from ..._factory import AsyncFactory, ContractOptions, field_names_checker
from ..._model_option import refuse_model
from ..._types import FactoryClass
from ...errors import FactoryConfigurationError, PartialBatchError
from ._connection import DATABASE_ARGUMENT, SESSION_ARGUMENT
from ._naming import resolve_collection

__all__ = ["AsyncMongoFactory", "MongoFactoryOptions", "ODMFactoryOptions", "PartialBatchError"]

T = TypeVar("T")


def _check_collection(meta: object, value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value):
        raise FactoryConfigurationError(
            f"{meta}.collection must be a non-empty collection name (a str), got {value!r}."
        )


def _check_embedded(meta: object, value: object) -> None:
    if not isinstance(value, bool):
        raise FactoryConfigurationError(f"{meta}.embedded must be True or False, got {value!r}.")


class MongoFactoryOptions(ContractOptions, AutoFieldsOptions):
    """``class Meta`` options of :class:`AsyncMongoFactory`.

    - ``model``: ``dict`` (the default), a ``TypedDict``, a dataclass, a pydantic model or an
      attrs class; class instances are turned into documents.
    - ``collection``: the collection name. Defaults to the model's class name in snake_case
      (``BlogPost`` -> ``blog_post``) or, for ``dict`` models, the factory's name without
      ``Factory`` (``AuthorFactory`` -> ``author``).
    - ``embedded``: ``True`` for a factory of sub-documents: it never inserts, and a
      SubFactory of it nests its object in the parent document.
    - ``mongo_get_or_create``: document fields to look an existing document up by.
    """

    collection: str | None
    collection_derived: bool
    embedded: bool
    mongo_get_or_create: tuple[str, ...]

    def _build_default_options(self) -> list[OptionDefault]:
        return [
            *super()._build_default_options(),
            OptionDefault("collection", None, inherit=True, checker=_check_collection),
            OptionDefault("embedded", False, inherit=True, checker=_check_embedded),
            OptionDefault(
                "mongo_get_or_create",
                (),
                inherit=True,
                checker=field_names_checker("mongo_get_or_create"),
            ),
        ]

    def _fill_from_meta(self, meta: object, base_meta: object) -> None:
        super()._fill_from_meta(meta, base_meta)  # type: ignore[no-untyped-call]  # factory_boy's method is unannotated
        if self.model is None:  # dict is the default model, so no Meta needs to say it
            self.model = dict

    def contribute_to_class(
        self,
        factory: FactoryClass,
        meta: object = None,
        base_meta: object = None,
        base_factory: FactoryClass | None = None,
        params: Any = None,
    ) -> None:
        super().contribute_to_class(
            factory, meta=meta, base_meta=base_meta, base_factory=base_factory, params=params
        )
        self.mongo_get_or_create = tuple(self.mongo_get_or_create)
        self.collection, self.collection_derived = resolve_collection(self, meta, base_meta)


class ODMFactoryOptions(MongoFactoryOptions):
    """``class Meta`` of factories for an ODM's documents (Beanie, ODMantic).

    The ODM names the collection, so ``Meta.collection`` is refused; the get-or-create option
    carries the ODM's name (``get_or_create_option``), and ``collection_owner`` says where the
    ODM takes the collection name from.
    """

    get_or_create_option: ClassVar[str]
    collection_owner: ClassVar[str]
    #: What ``Meta.model`` must be unless ``embedded = True``, and how to get one (the end
    #: of the error naming the factory).
    document_kind: ClassVar[str]

    def is_document(self, model: type) -> bool:
        """Whether ``model`` is a document class of the ODM (one it can store)."""
        raise NotImplementedError

    def _build_default_options(self) -> list[OptionDefault]:
        option = self.get_or_create_option
        return [
            *super()._build_default_options(),
            OptionDefault(
                option,
                (),
                inherit=True,
                checker=field_names_checker(option, "document field names"),
            ),
        ]

    def contribute_to_class(
        self,
        factory: FactoryClass,
        meta: object = None,
        base_meta: object = None,
        base_factory: FactoryClass | None = None,
        params: Any = None,
    ) -> None:
        if meta is not None and "collection" in vars(meta):
            raise FactoryConfigurationError(
                f"{factory.__name__}: {self.collection_owner}; drop Meta.collection."
            )
        super().contribute_to_class(
            factory, meta=meta, base_meta=base_meta, base_factory=base_factory, params=params
        )
        option = self.get_or_create_option
        setattr(self, option, tuple(getattr(self, option)))
        if meta is not None and "model" in vars(meta) and not self.embedded:
            # Only a model this class's Meta names: an inherited one was checked with its
            # factory, and a base factory that names none has the ``dict`` default.
            refuse_model(factory.__name__, meta, self.model, self.is_document, self.document_kind)


class AsyncMongoFactory(AsyncFactory[T]):
    """A factory of MongoDB documents, stored through PyMongo async or Motor.

    Pass the database with each call: ``await F.create_async(mongo_database=db)``, and
    optionally ``mongo_session=session`` to write inside a transaction. A SubFactory of a
    plain factory (``factory.DictFactory``) or of a factory with ``Meta.embedded = True``
    nests a sub-document; a SubFactory of a collection factory stores that document first,
    so the parent can reference its ``_id``.

    What it does per call is its backend scope's
    (:class:`~async_factory_boy.factory.mongo._scope.MongoScope`, named by the backend
    registry): the core drives it.
    """

    _meta: MongoFactoryOptions
    _options_class = MongoFactoryOptions
    _backend = backend_named("mongo")
    _connection_arguments: ClassVar[tuple[str, ...]] = (DATABASE_ARGUMENT, SESSION_ARGUMENT)

    if not TYPE_CHECKING:  # type checkers see AsyncFactory.Meta: any class

        class Meta:
            abstract = True
