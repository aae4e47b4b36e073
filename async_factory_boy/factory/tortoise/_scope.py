"""The Tortoise backend's share of one factory call (its :class:`CallScope`).

A create call writes inside one transaction of its own (unless it can only write one
object, whose single INSERT is atomic by itself): ``client._in_transaction()`` on the call's
client, which is a SAVEPOINT when the client is already in a transaction (the client of
``async with in_transaction() as connection``) and a transaction on a connection of the
pool otherwise. It is opened at the call's first write and committed (or released) when the
call ends, or rolled back if the call fails, so a failed call, a batch included, leaves
nothing behind and the caller's transaction usable.

Objects that need nothing of the database before the call ends (a batch's top-level objects,
see ``AsyncTortoiseModelFactory``) are held back and written per model by one multi-row
INSERT (:mod:`._bulk`) when the call finishes, inside the same transaction.
"""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import (
    BaseDBAsyncClient,
    TransactionalDBClient,
    TransactionContext,
)
from tortoise.models import Model

from ..._bridge import await_
from ..._call import FactoryCall
from ..._compat import BuildStepLike, builds_plainly, declarations
from ..._scope import CallScope, take_lookup
from ..._types import Args, FactoryClass, Instance, Kwargs, ReadKwargs
from ...errors import FactoryConfigurationError
from . import _construct
from ._bulk import bulk_insert, instance_allows_bulk_insert, model_allows_bulk_insert, returns_keys
from ._connection import CONNECTION_ARGUMENT, resolve_client
from ._get_or_create import get_or_create
from ._holding import has_post_declarations, writes_one_object
from ._values import treat_models_as_values

__all__ = ["TortoiseScope"]


class TortoiseScope(CallScope):
    """The call's client, its transaction, and the objects held back for the bulk insert."""

    __slots__ = ("_context", "atomic", "client", "held", "top_level_bulk", "writer")

    holds = True

    def __init__(self, call: FactoryCall, client: BaseDBAsyncClient) -> None:
        super().__init__(call)
        #: The client the call was given (or the model's default one).
        self.client = client
        #: The in-transaction client the call writes through, once its first write opened it.
        self.writer: BaseDBAsyncClient | None = None
        self._context: TransactionContext | None = None
        #: Objects waiting for the bulk insert, per model, in creation order.
        self.held: dict[type[Model], list[Model]] = {}
        #: Whether the batch's top-level objects may wait for the bulk insert (decided at
        #: the first one: the database returns keys, the model and factory allow it).
        self.top_level_bulk: bool | None = None
        #: Whether the call writes inside a transaction of its own. A call that can only
        #: write one object (one INSERT, atomic by itself) does not need one (decided when
        #: the call's factory opens the scope, before anything is written).
        self.atomic = True

    @classmethod
    def open(cls, factory: type, call: FactoryCall) -> TortoiseScope:
        """Check the call's connection (naming the factory); no I/O.

        A call made from inside another (an ``async def`` hook's ``create_async``) on the
        same client joins the outer call's open transaction: starting one of its own would
        wait for the outer one to end (for ever, on SQLite's single connection). Hooks run in
        the factory call's own context, where Tortoise's ``in_transaction`` state of the
        outer call is not visible, so the outer scope is found through ``call.parent``.
        """
        treat_models_as_values()  # models defined after the factories
        model = factory._meta.get_model_class()  # type: ignore[attr-defined]  # factory_boy sets _meta at class creation, untyped
        client = resolve_client(factory, call, model)
        outer = call.parent
        while outer is not None:
            scope = outer.find_scope(TortoiseScope)
            if scope is not None and scope.writer is not None and scope.client is client:
                return cls(call, scope.writer)
            outer = outer.parent
        opened = cls(call, client)
        if factory is call.factory:  # a single create that can write only its own object
            opened.atomic = call.is_batch or not writes_one_object(factory, call.overrides)
        return opened

    @classmethod
    def check(cls, factory: FactoryClass, call: FactoryCall) -> None:
        """A connection given to ``build_async`` must at least be a client."""
        treat_models_as_values()
        if call.get(CONNECTION_ARGUMENT) is not None:
            resolve_client(factory, call, factory._meta.model)

    @classmethod
    def lookup_fields(cls, factory: FactoryClass) -> tuple[str, ...]:
        return tuple(factory._meta.tortoise_get_or_create)

    @classmethod
    def make(cls, factory: FactoryClass, model_class: Any, args: Args, kwargs: Kwargs) -> Instance:
        """Build without saving, sub-objects included.

        Tortoise refuses an unsaved object as a ForeignKey / OneToOne value in the model's
        constructor; a built object's built SubFactory object is set after construction.
        Where the factory's ``_build`` is factory_boy's own, the object is made without
        ``Model.__init__`` when that gives the same object (:mod:`._construct`).
        """
        if args:
            raise FactoryConfigurationError(
                f"{factory.__name__}: Tortoise models take keyword arguments only; drop "
                "Meta.inline_args."
            )
        if _construct.ENABLED and builds_plainly(factory):
            made = _construct.construct(model_class, kwargs)
            if made is not None:
                return made
        meta = model_class._meta
        relations = meta.fk_fields | meta.o2o_fields
        unsaved = {
            name: kwargs.pop(name)
            for name in list(kwargs)
            if name in relations
            and kwargs[name] is not None
            and not getattr(kwargs[name], "_saved_in_db", True)
        }
        instance = factory._build(model_class, **kwargs)
        for name, value in unsaved.items():
            setattr(instance, name, value)
        return instance

    def exclusive_resources(self) -> tuple[object, ...]:
        """An in-transaction client runs one transaction block at a time.

        Gathered calls on the client of one ``in_transaction()`` block would interleave
        their SAVEPOINTs on its single connection: they run one after another instead.
        A pool client needs no lock (each transaction takes a connection of its own).
        """
        client = self.client
        return (client,) if isinstance(client, TransactionalDBClient) else ()

    def may_hold(
        self, factory: FactoryClass, instance: Instance, step: BuildStepLike | None
    ) -> bool:
        """Whether the object may wait for the batch's bulk insert.

        Only a top-level object of a ``create_batch_async`` call qualifies: a SubFactory
        object must be saved before Tortoise lets another object refer to it, and the key
        of an object with post-generation declarations (hooks, RelatedFactory, many-to-many)
        is needed while the call runs. The database must return the keys of a multi-row
        INSERT (not MySQL), and the object must need nothing a bulk insert skips.
        """
        if step is None or step.parent_step is not None:
            return False
        # Every top-level object of a batch comes from the same factory with the same
        # overrides: decide once per call.
        decided = self.top_level_bulk
        if decided is None:
            decided = self.top_level_bulk = self._top_level_may_wait(factory, step)
        return decided and instance_allows_bulk_insert(instance)

    def _top_level_may_wait(self, factory: FactoryClass, step: Any) -> bool:
        if has_post_declarations(factory) or any(
            isinstance(value, declarations.PostGenerationDeclaration)
            for value in step.builder.extras.values()
        ):
            return False
        if not await_(returns_keys(self.client)):
            return False
        return model_allows_bulk_insert(factory._meta.get_model_class())

    def add(self, factory: FactoryClass, instance: Instance, *, hold: bool = False) -> Instance:
        """Save the object through the call's client (one ``INSERT``), or hold it for the
        bulk insert at the end of the call."""
        if hold:
            self.held.setdefault(type(instance), []).append(instance)
            return instance
        writer = self.writer or await_(self.begin())
        await_(instance.save(using_db=writer, force_create=True))
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
        """``Meta.tortoise_get_or_create``: race-safe (see ``_get_or_create``)."""
        if args:
            raise FactoryConfigurationError(
                f"{factory.__name__}: Tortoise models take keyword arguments only; drop "
                "Meta.inline_args."
            )
        lookup = take_lookup(factory, "tortoise_get_or_create", fields, kwargs)
        return await_(get_or_create(self, model_class, lookup, kwargs))

    async def begin(self) -> BaseDBAsyncClient:
        """The in-transaction client of the call, opened at its first write.

        A call that writes a single object writes through its client directly.
        """
        writer = self.writer
        if writer is None and not self.atomic:
            return self.client
        if writer is None:
            context = self.client._in_transaction()
            writer = await context.__aenter__()
            self._context, self.writer = context, writer
        return writer

    async def finish(self) -> None:
        """Write the held objects, then commit (or release) the call's transaction."""
        if self.held:
            writer = await self.begin()
            bulk = await returns_keys(writer)
            for model, objects in self.held.items():
                if bulk:
                    await bulk_insert(writer, model, objects)
                else:  # MySQL: no keys from a multi-row INSERT, one save() each
                    for obj in objects:
                        await obj.save(using_db=writer, force_create=True)
            self.held.clear()
        context, self._context = self._context, None
        if context is not None:
            await context.__aexit__(None, None, None)

    async def undo(self, failure: BaseException) -> None:
        """Roll the call's transaction (or SAVEPOINT) back; held objects are dropped."""
        self.held.clear()
        context, self._context = self._context, None
        if context is not None:
            await context.__aexit__(type(failure), failure, failure.__traceback__)

    def __repr__(self) -> str:
        return f"<TortoiseScope client={self.client!r} writer={self.writer!r}>"


def current_writer(call: FactoryCall | None) -> Any:
    """The in-transaction client the call writes through, if it opened one."""
    scope = None if call is None else call.find_scope(TortoiseScope)
    return None if scope is None else (scope.writer or scope.client)
