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
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from bson import ObjectId

from ..._auto_fields import AutoFieldsOptions
from ..._call import FactoryCall, current_call
from ..._compat import OptionDefault
from ..._factory import AsyncFactory
from ...errors import FactoryConfigurationError, PartialBatchError
from ._connection import DATABASE_ARGUMENT, SESSION_ARGUMENT
from ._documents import DocumentCodec, codec_for
from ._naming import resolve_collection
from ._scope import MongoScope

__all__ = ["AsyncMongoFactory", "MongoFactoryOptions", "ODMFactoryOptions", "PartialBatchError"]

T = TypeVar("T")


def _check_collection(meta: Any, value: Any) -> None:
    if value is not None and (not isinstance(value, str) or not value):
        raise FactoryConfigurationError(
            f"{meta}.collection must be a non-empty collection name (a str), got {value!r}."
        )


def _check_embedded(meta: Any, value: Any) -> None:
    if not isinstance(value, bool):
        raise FactoryConfigurationError(f"{meta}.embedded must be True or False, got {value!r}.")


def field_names_checker(option: str, names: str = "field names") -> Callable[[Any, Any], None]:
    """The ``OptionDefault`` checker of a get-or-create option: a tuple of ``names``."""

    def check(meta: Any, value: Any) -> None:
        if isinstance(value, str) or not all(isinstance(name, str) for name in value):
            raise FactoryConfigurationError(
                f"{meta}.{option} must be a tuple of {names}, e.g. ('email',), got {value!r}."
            )

    return check


class MongoFactoryOptions(AutoFieldsOptions):
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

    def _fill_from_meta(self, meta: Any, base_meta: Any) -> None:
        super()._fill_from_meta(meta, base_meta)  # type: ignore[no-untyped-call]
        if self.model is None:  # dict is the default model, so no Meta needs to say it
            self.model = dict

    def contribute_to_class(
        self,
        factory: Any,
        meta: Any = None,
        base_meta: Any = None,
        base_factory: Any = None,
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
        factory: Any,
        meta: Any = None,
        base_meta: Any = None,
        base_factory: Any = None,
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


class AsyncMongoFactory(AsyncFactory[T]):
    """A factory of MongoDB documents, stored through PyMongo async or Motor.

    Pass the database with each call: ``await F.create_async(mongo_database=db)``, and
    optionally ``mongo_session=session`` to write inside a transaction. A SubFactory of a
    plain factory (``factory.DictFactory``) or of a factory with ``Meta.embedded = True``
    nests a sub-document; a SubFactory of a collection factory stores that document first,
    so the parent can reference its ``_id``.
    """

    _meta: MongoFactoryOptions
    _options_class = MongoFactoryOptions
    _connection_arguments: ClassVar[tuple[str, ...]] = (DATABASE_ARGUMENT, SESSION_ARGUMENT)
    _saves_through_handlers: ClassVar[bool] = False

    if not TYPE_CHECKING:  # type checkers see AsyncFactory.Meta: any class

        class Meta:
            abstract = True

    # -- extension points for other document kinds (ODMs) ------------------------------------

    @classmethod
    def _document_codec(cls) -> DocumentCodec:
        """How this factory's model maps to documents; override for another document kind."""
        return codec_for(cls._model_class())

    @classmethod
    def _to_document(cls, instance: Any) -> dict[str, Any]:
        """The BSON document to store for ``instance``."""
        return cls._document_codec().to_document(instance)

    @classmethod
    def _from_document(cls, document: dict[str, Any]) -> Any:
        """An instance of the model rebuilt from a stored document (``mongo_get_or_create``)."""
        return cls._document_codec().from_document(cls._model_class(), document)

    #: The call scope that checks the connection and writes this factory's documents.
    _scope_class: ClassVar[type[MongoScope]] = MongoScope
    #: The ``Meta`` option that lists the get_or_create fields (named in errors).
    _get_or_create_option: ClassVar[str] = "mongo_get_or_create"

    @classmethod
    def _get_or_create_fields(cls) -> tuple[str, ...]:
        """The fields ``create_async`` looks an existing document up by (none: insert)."""
        return cls._meta.mongo_get_or_create

    # -- the backend hooks of AsyncFactory --------------------------------------------------------

    @classmethod
    def _prepare_call(cls, call: FactoryCall) -> None:
        if call.strategy == "create" and not cls._meta.embedded:
            call.scope(cls._scope_class, cls)  # checks the database and session now

    @classmethod
    def _exclusive_resources(cls, call: FactoryCall) -> tuple[object, ...]:
        """The call's client session, if any: one operation at a time may use it."""
        session = call.get(SESSION_ARGUMENT)
        return () if session is None else (session,)

    @classmethod
    def _build(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        """Build the object and, unless embedded, give it an ``_id`` (an ObjectId).

        Drivers generate ``_id`` on the client anyway; doing it as the object is built lets
        a referencing factory read it at once, in a batch that writes later as well as in
        ``build_async``.
        """
        instance = model_class(*args, **kwargs)
        if not cls._meta.embedded:
            codec = cls._document_codec()
            if codec.get_id(instance) is None:
                codec.set_id(instance, ObjectId())
        return instance

    @classmethod
    def _create(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        if cls._meta.embedded:
            return cls._build(model_class, *args, **kwargs)
        call = current_call()
        if call is None:  # reached from a sync create(): the core explains what to do
            return super()._create(model_class, *args, **kwargs)
        scope = call.scope(cls._scope_class, cls)
        instance = cls._build(model_class, *args, **kwargs)
        fields = cls._get_or_create_fields()
        if not fields:
            return scope.add(cls, instance)
        return scope.get_or_create(cls, instance, fields)

    # -- helpers ----------------------------------------------------------------------------------

    @classmethod
    def _model_class(cls) -> Any:
        return cls._meta.get_model_class()  # type: ignore[no-untyped-call]

    @classmethod
    def _collection_name(cls) -> str:
        name: str | None = cls._meta.collection
        if name is None:  # only abstract factories have none, and they never create
            raise FactoryConfigurationError(
                f"{cls.__name__} has no collection: set `class Meta: collection = '...'`."
            )
        return name
