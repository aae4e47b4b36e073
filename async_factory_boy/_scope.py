"""The backend contract: what one backend does for one factory call.

Every backend (SQLAlchemy, MongoDB, Django, a persistence handler) follows the same pattern
for a call: check the connection it was given, take each object the call creates, write what
it held back in one bulk write once every object is built, and take its writes back if the
call fails. :class:`CallScope` names those four steps. A call opens at most one scope of
each kind, on first use, through :meth:`FactoryCall.scope <async_factory_boy.FactoryCall.scope>`;
the scope class itself is the key, so backends never share string keys in a scratch dict.

This module is the contract only: it imports nothing from the rest of the package at run
time but the backend registry (:mod:`async_factory_boy._backends`), so backends, the core
and the seed command can all depend on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from ._backends import BUILTIN_BACKENDS

if TYPE_CHECKING:
    from typing_extensions import Self

    from ._call import FactoryCall

__all__ = ["BUILTIN_CONNECTION_ARGUMENTS", "CallScope", "method_name", "reached_from"]

#: The connection arguments of the built-in backends and of persistence handlers. Every
#: async factory takes them out of a call's overrides, whichever backend modules happen to
#: be imported, so a call behaves the same in every process: a connection argument reaches
#: every nested factory of the call, and a factory ignores the arguments of other backends.
#: A factory adds names of its own with ``_connection_arguments``.
#: It is read from the backend registry (:mod:`async_factory_boy._backends`).
BUILTIN_CONNECTION_ARGUMENTS: Final = frozenset(
    name for backend in BUILTIN_BACKENDS for name in backend.connection_arguments
)


def method_name(call: FactoryCall) -> str:
    """The awaitable step the user called: ``create_async``, ``build_batch_async``, ..."""
    batch = "_batch" if call.is_batch else ""
    return f"{call.strategy}{batch}_async"


def reached_from(factory: type, call: FactoryCall | None) -> str:
    """``"CompanyFactory (reached from UserFactory)"``, or just the factory's name.

    Errors raised while a nested factory runs name both the factory that failed and the one
    the user called, always in these words.
    """
    if call is None or call.factory is factory:
        return factory.__name__
    return f"{factory.__name__} (reached from {call.factory.__name__})"


class CallScope:
    """One backend's share of one factory call.

    The lifecycle, driven by :class:`~async_factory_boy.FactoryCall`:

    1. :meth:`open` (a classmethod): check the call's connection and make the scope. It
       runs when a factory of the backend first creates an object in the call (or earlier,
       from ``_prepare_call``); it does no I/O, and its errors name the factory called and
       the one reached (:func:`reached_from`).
    2. :meth:`add`: take one object. It runs in the call's bridge greenlet, where
       :func:`~async_factory_boy.await_` reaches the event loop, so it may write at once or
       hold the object back for the bulk write.
    3. :meth:`finish`: once every object of a successful call is built, write what was held
       back (one flush, one ``insert_many`` per collection, one bulk insert per model).
    4. :meth:`undo`: the call failed; take back what the call wrote (roll its SAVEPOINT
       back, take unwritten objects out of the session) so the caller's connection stays
       usable and holds nothing of the failed call.

    Scopes finish in the order they were opened and are undone in reverse order.
    """

    __slots__ = ("call",)

    def __init__(self, call: FactoryCall) -> None:
        self.call = call

    @classmethod
    def open(cls, factory: type, call: FactoryCall) -> Self:
        """Check ``call``'s connection for ``factory`` and return a new scope.

        The default takes no connection; backends override it to validate theirs.
        """
        return cls(call)

    def add(self, factory: type, instance: Any) -> Any:
        """Take one object built by ``factory``; return the object the call should use."""
        raise NotImplementedError(f"{type(self).__name__} does not take objects")

    async def finish(self) -> None:
        """Write what the scope held back; the call succeeded."""

    async def undo(self, failure: BaseException) -> None:
        """Take back what the call wrote; the call failed with ``failure``."""
