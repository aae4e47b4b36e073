"""Which Tortoise client a factory call writes through, checked with errors that name the factory.

A call takes ``tortoise_connection=``: a client (``connections.get("default")``) or the
in-transaction client of ``async with in_transaction() as connection``. Without one, the
model's own connection is used, as ``Model.create()`` does (Tortoise's routers, then the
model's ``default_connection``), which needs ``Tortoise.init()`` to have run.

Tortoise keeps the client of an open ``in_transaction()`` block in a context variable: a
plain client passed while such a block (of that client) is open resolves to the block's
transaction, as ``Model.create()`` inside the block would. It also keeps a batch's nested
factory calls (made from an ``async def`` hook) inside the batch's transaction rather than
waiting for a lock the batch holds (SQLite has one connection).
"""

from __future__ import annotations

from typing import Any, Final

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient

from ..._call import FactoryCall
from ..._scope import method_name, reached_from
from ..._types import ModelClass
from ...errors import MissingSessionError, SessionTypeError

__all__ = ["CONNECTION_ARGUMENT", "TortoiseNotInitialisedError", "resolve_client"]

#: The keyword argument that carries the connection of a call.
CONNECTION_ARGUMENT: Final = "tortoise_connection"


class TortoiseNotInitialisedError(MissingSessionError):
    """No ``tortoise_connection=`` was passed and Tortoise has no default connection.

    A :class:`~async_factory_boy.errors.MissingSessionError` (a ``RuntimeError``).
    """


def _prefix(factory: type, call: FactoryCall) -> str:
    return "" if call.factory is factory else f"{reached_from(factory, call)}: "


def _current_transaction(client: BaseDBAsyncClient) -> BaseDBAsyncClient:
    """``client``, or the transaction of an open ``in_transaction()`` block over it."""
    if isinstance(client, TransactionalDBClient):
        return client
    from tortoise.context import get_current_context

    context = get_current_context()
    if context is None:
        return client
    try:
        current = context.connections._get_storage().get(client.connection_name)
    except Exception:  # an alias the context does not know: the client stands alone
        return client
    parent: Any = current
    while isinstance(parent, TransactionalDBClient):
        parent = getattr(parent, "_parent", None)
        if parent is client:
            return current  # type: ignore[return-value]  # a transaction of this client is one
    return client


def resolve_client(factory: type, call: FactoryCall, model: ModelClass) -> BaseDBAsyncClient:
    """The client ``call`` writes ``model``'s objects through, or an error naming the factory."""
    value = call.get(CONNECTION_ARGUMENT)
    called = call.factory.__name__
    if value is not None:
        if not isinstance(value, BaseDBAsyncClient):
            hint = (
                " (a connection name: pass `connections.get(name)` instead)"
                if isinstance(value, str)
                else ""
            )
            raise SessionTypeError(
                f"{_prefix(factory, call)}{called}.{method_name(call)}() needs a Tortoise "
                f"client as {CONNECTION_ARGUMENT}= (`tortoise.connections.get('default')` or "
                f"the client of `async with in_transaction() as connection`), got "
                f"{type(value).__name__}{hint}."
            )
        return _current_transaction(value)
    try:
        client: BaseDBAsyncClient = model._choose_db(True)
    except Exception as exc:  # no context / no init / no such connection
        raise TortoiseNotInitialisedError(
            f"{_prefix(factory, call)}{called}.{method_name(call)}() has no Tortoise "
            f"connection to write {model.__name__} to: pass one per call, `await "
            f"{called}.{method_name(call)}(..., {CONNECTION_ARGUMENT}=connection)`, or "
            f"initialise Tortoise first (`await Tortoise.init(...)`; its default connection "
            f"is then used). Tortoise said: {exc}"
        ) from exc
    return client
