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

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionContext
from tortoise.models import Model

from ..._call import FactoryCall
from ..._scope import CallScope
from ._bulk import bulk_insert, returns_keys
from ._connection import resolve_client

__all__ = ["TortoiseScope"]


class TortoiseScope(CallScope):
    """The call's client, its transaction, and the objects held back for the bulk insert."""

    __slots__ = ("_context", "atomic", "client", "held", "step", "top_level_bulk", "writer")

    def __init__(self, call: FactoryCall, client: BaseDBAsyncClient) -> None:
        super().__init__(call)
        #: The client the call was given (or the model's default one).
        self.client = client
        #: The in-transaction client the call writes through, once its first write opened it.
        self.writer: BaseDBAsyncClient | None = None
        self._context: TransactionContext | None = None
        #: Objects waiting for the bulk insert, per model, in creation order.
        self.held: dict[type[Model], list[Model]] = {}
        #: factory_boy's build step being instantiated (the greenlet is paused inside it
        #: while the object is written, so the create step reads the same step).
        self.step: Any = None
        #: Whether the batch's top-level objects may wait for the bulk insert (decided at
        #: the first one: the database returns keys, the model and factory allow it).
        self.top_level_bulk: bool | None = None
        #: Whether the call writes inside a transaction of its own. A call that can only
        #: write one object (one INSERT, atomic by itself) does not need one; the factory
        #: decides before the first write (``AsyncTortoiseModelFactory._generate``).
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
        model = factory._meta.get_model_class()  # type: ignore[attr-defined]
        client = resolve_client(factory, call, model)
        outer = call.parent
        while outer is not None:
            scope = outer.find_scope(TortoiseScope)
            if scope is not None and scope.writer is not None and scope.client is client:
                return cls(call, scope.writer)
            outer = outer.parent
        return cls(call, client)

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

    def hold(self, instance: Model) -> Model:
        """Keep ``instance`` for the bulk insert at the end of the call."""
        self.held.setdefault(type(instance), []).append(instance)
        return instance

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
