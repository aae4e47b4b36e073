"""Per-call state: what one ``create_async`` / ``create_batch_async`` call carries along.

factory_boy keeps some per-call state on the factory class, which races as soon as two
calls run concurrently under ``asyncio.gather``. Here everything a call needs (its session or
database, deferred writes, savepoints a backend opened) lives in a :class:`FactoryCall` held in
a :class:`contextvars.ContextVar`. It is set in the calling task before the greenlet starts,
so both the synchronous resolution (inside the greenlet) and the awaited backend hooks (on
the task) see it, and nested calls made from an async hook get a call of their own.
"""

from __future__ import annotations

import contextvars
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import AbstractAsyncContextManager, AsyncExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

__all__ = ["FactoryCall", "current_call", "is_connection_argument"]

_T = TypeVar("_T")

_current: contextvars.ContextVar[FactoryCall | None] = contextvars.ContextVar(
    "async_factory_boy_current_call", default=None
)

# Names of the keyword arguments that carry a connection (``sqlalchemy_session``,
# ``mongo_database``, ...). Backends register theirs; a call takes them out of the overrides.
_connection_names: set[str] = set()


def is_connection_argument(name: str) -> bool:
    """Whether some backend declared ``name`` as a per-call connection argument."""
    return name in _connection_names


def register_connection_arguments(names: tuple[str, ...]) -> None:
    """Declare keyword arguments that carry a connection rather than a model field."""
    _connection_names.update(names)


@dataclass(eq=False)
class FactoryCall:
    """One top-level factory call and everything that travels with it.

    Attributes:
        factory: the factory class the user called (errors name it).
        strategy: factory_boy's strategy (``"create"`` or ``"build"``).
        connection: the connection arguments of the call, e.g. ``{"sqlalchemy_session": s}``.
            Nested calls made while this one runs inherit them.
        size: the batch size for ``*_batch_async`` calls, ``None`` for a single object.
        state: scratch space for backends, keyed by whatever the backend chooses.
    """

    factory: type
    strategy: str
    connection: Mapping[str, Any]
    size: int | None = None
    state: dict[Any, Any] = field(default_factory=dict)
    # Created on first use: most calls never enter a context or defer a write, and a
    # factory call is a hot path (one per object in a loop of ``create_async``).
    _exit_stack: AsyncExitStack | None = None
    _on_success: list[Callable[[], Awaitable[None]]] | None = None
    _deferred: dict[type, list[Any]] | None = None

    @property
    def is_batch(self) -> bool:
        """Whether this is a ``create_batch_async`` / ``build_batch_async`` call."""
        return self.size is not None

    def get(self, name: str, default: Any = None) -> Any:
        """The connection argument ``name`` of this call, or ``default``."""
        return self.connection.get(name, default)

    async def enter_async_context(self, manager: AbstractAsyncContextManager[_T]) -> _T:
        """Enter ``manager`` now and exit it when the call ends.

        On failure it exits with the exception, so a backend can open a savepoint lazily at
        its first write and have it rolled back if anything later in the call fails.
        """
        if self._exit_stack is None:
            self._exit_stack = AsyncExitStack()
        return await self._exit_stack.enter_async_context(manager)

    def on_success(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Run ``callback`` once every object of the call is built, before contexts close.

        Backends use it for their deferred writes (one flush, one ``insert_many``).
        Callbacks run in registration order; none runs if the call failed.
        """
        if self._on_success is None:
            self._on_success = []
        self._on_success.append(callback)

    def defer(self, factory: type, instance: Any) -> None:
        """Hold ``instance`` back for ``factory._create_many_async`` at the end of the call."""
        if self._deferred is None:
            self._deferred = {}
        self._deferred.setdefault(factory, []).append(instance)

    def deferred(self) -> list[tuple[type, list[Any]]]:
        """The deferred instances, grouped per factory in order of first appearance.

        Sub-factory objects are built before the objects that reference them, so this order
        writes referenced objects first.
        """
        return list(self._deferred.items()) if self._deferred else []

    async def finish(self, failure: BaseException | None) -> None:
        """End the call: run the success callbacks, then close the entered contexts.

        With ``failure`` set, no callback runs and the contexts exit with the exception
        (a savepoint rolls back); a failure inside a callback is handled the same way.
        """
        if failure is None and self._on_success:
            try:
                for callback in self._on_success:
                    await callback()
            except BaseException as exc:
                await self._close(exc)
                raise
        await self._close(failure)

    async def _close(self, failure: BaseException | None) -> None:
        stack, self._exit_stack = self._exit_stack, None
        if stack is None:
            return
        if failure is None:
            await stack.aclose()
        else:
            await stack.__aexit__(type(failure), failure, failure.__traceback__)


def current_call() -> FactoryCall | None:
    """The factory call running in this context, or ``None`` outside any call."""
    return _current.get()


@contextmanager
def activate(call: FactoryCall) -> Iterator[FactoryCall]:
    """Make ``call`` the current call for the duration of the block."""
    token = _current.set(call)
    try:
        yield call
    finally:
        _current.reset(token)
