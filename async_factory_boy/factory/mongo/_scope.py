"""The MongoDB backend's share of one factory call (its :class:`CallScope`).

It checks the call's database (and session) once, inserts a single call's documents as they
are created, and holds a batch's documents back for one ordered ``insert_many`` per
collection when every object is built. How a factory's objects become documents (their
codec), which collection they go to and which fields get-or-create looks up by are class
methods here too, so the ODMs built on this backend (Beanie, ODMantic) change them in their
scopes, and no factory overrides anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from bson import ObjectId

from ..._bridge import await_
from ..._call import FactoryCall
from ..._scope import CallScope
from ..._types import Args, FactoryClass, Instance, Kwargs, ReadKwargs
from ...errors import FactoryConfigurationError
from ._connection import SESSION_ARGUMENT, MongoTarget, check_target
from ._documents import ID, DocumentCodec, codec_for
from ._writes import BatchBuffer, get_or_create

if TYPE_CHECKING:
    from ..._compat import BuildStepLike

__all__ = ["MongoScope"]


class MongoScope(CallScope):
    """The checked database and session of one call, and its batch buffer."""

    __slots__ = ("_buffer", "target")

    #: Every document of a batch waits for the batch's ``insert_many``.
    holds = True
    #: The ``Meta`` option that lists the get-or-create fields (named in errors).
    get_or_create_option: ClassVar[str] = "mongo_get_or_create"
    #: How a user of this backend declares a unique index (the get-or-create warning's end).
    unique_index_hint: ClassVar[str] = ""

    def __init__(self, call: FactoryCall, target: MongoTarget) -> None:
        super().__init__(call)
        self.target = target
        self._buffer: BatchBuffer | None = None

    @classmethod
    def open(cls, factory: type, call: FactoryCall) -> MongoScope:
        return cls(call, check_target(factory, call))

    # -- what a factory's objects are, as documents ------------------------------------------

    @classmethod
    def stores(cls, factory: FactoryClass) -> bool:
        """Embedded factories (``Meta.embedded = True``) build sub-documents, never stored."""
        return not factory._meta.embedded

    @classmethod
    def codec(cls, factory: FactoryClass) -> DocumentCodec:
        """How ``factory``'s model maps to documents."""
        return codec_for(factory._meta.get_model_class())

    @classmethod
    def collection_name(cls, factory: FactoryClass) -> str:
        name: str | None = factory._meta.collection
        if name is None:  # only abstract factories have none, and they never create
            raise FactoryConfigurationError(
                f"{factory.__name__} has no collection: set `class Meta: collection = '...'`."
            )
        return name

    @classmethod
    def lookup_fields(cls, factory: FactoryClass) -> tuple[str, ...]:
        """The document keys ``create_async`` looks an existing document up by."""
        fields: tuple[str, ...] = factory._meta.mongo_get_or_create
        return fields

    @classmethod
    def make(cls, factory: FactoryClass, model_class: type, args: Args, kwargs: Kwargs) -> Instance:
        """Build the object and, unless embedded, give it an ``_id`` (an ObjectId).

        Drivers generate ``_id`` on the client anyway; doing it as the object is built lets
        a referencing factory read it at once, in a batch that writes later as well as in
        ``build_async``.
        """
        instance = factory._build(model_class, *args, **kwargs)
        if not factory._meta.embedded:
            codec = cls.codec(factory)
            if codec.get_id(instance) is None:
                codec.set_id(instance, ObjectId())
        return instance

    def from_document(self, factory: FactoryClass, document: Kwargs) -> Instance:
        """An instance of the model rebuilt from a stored document (get-or-create)."""
        return self.codec(factory).from_document(factory._meta.get_model_class(), document)

    def _document(self, factory: FactoryClass, instance: Instance) -> Kwargs:
        codec = self.codec(factory)
        document = codec.to_document(instance)
        if document.get(ID) is None:  # a class without an ``_id`` field carries it aside
            document[ID] = codec.get_id(instance)
        return document

    # -- the contract ----------------------------------------------------------------------

    def exclusive_resources(self) -> tuple[object, ...]:
        """The call's client session, if any: one operation at a time may use it."""
        session = self.call.get(SESSION_ARGUMENT)
        return () if session is None else (session,)

    def may_hold(
        self, factory: FactoryClass, instance: Instance, step: BuildStepLike | None
    ) -> bool:
        return True

    def add(self, factory: FactoryClass, instance: Instance, *, hold: bool = False) -> Instance:
        """Insert ``instance``'s document now, or hold it for the batch's ``insert_many``."""
        document = self._document(factory, instance)
        collection = self.collection_name(factory)
        if hold:
            self._batch().add(collection, document)
        else:
            target = self.target
            await_(target.collection(collection).insert_one(document, session=target.session))
        return instance

    def get_or_create(
        self,
        factory: FactoryClass,
        model_class: type,
        args: Args,
        kwargs: Kwargs,
        fields: tuple[str, ...],
        passed: ReadKwargs,
    ) -> Instance:
        """The stored document equal to the object on ``fields`` (as a model instance), or
        the object once its document is inserted; race-safe, and written at once even in a
        batch, so a batch that repeats a key gets the same document back."""
        return self.find_or_insert(factory, self.make(factory, model_class, args, kwargs), fields)

    def find_or_insert(
        self, factory: FactoryClass, instance: Instance, fields: tuple[str, ...]
    ) -> Instance:
        """:meth:`get_or_create` for an object made already."""
        found = await_(
            get_or_create(
                self.target,
                self.collection_name(factory),
                fields,
                self._document(factory, instance),
                factory.__name__,
                fields_from=f"{factory.__name__}.Meta.{self.get_or_create_option}",
                index_hint=self.unique_index_hint,
            )
        )
        return instance if found is None else self.from_document(factory, found)

    def _batch(self) -> BatchBuffer:
        if self._buffer is None:
            call = self.call
            self._buffer = BatchBuffer(self.target, call.factory.__name__, call.size)
        return self._buffer

    async def finish(self) -> None:
        if self._buffer is not None:
            await self._buffer.flush()
