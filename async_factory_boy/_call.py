"""Per-call state: what one ``create_async`` / ``create_batch_async`` call carries along.

factory_boy keeps some per-call state on the factory class, which races as soon as two
calls run concurrently under ``asyncio.gather``. Here everything a call needs (its connection
arguments, each backend's :class:`~async_factory_boy._scope.CallScope`) lives in a
:class:`FactoryCall` held in a :class:`contextvars.ContextVar`. It is set in the calling task
before the greenlet starts, so both the synchronous resolution (inside the greenlet) and the
awaited backend hooks (on the task) see it, and nested calls made from an async hook get a
call of their own.
"""

from __future__ import annotations

import contextvars
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager, AsyncExitStack, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from ._logging import DEBUG, LOGGER, elapsed_ms, perf_counter
from ._scope import CallScope
from ._types import Function, ReadKwargs

if TYPE_CHECKING:
    from ._compat import BuildStepLike

__all__ = ["FactoryCall", "activate", "current_call"]

_T = TypeVar("_T")
_S = TypeVar("_S", bound=CallScope)

_current: contextvars.ContextVar[FactoryCall | None] = contextvars.ContextVar(
    "async_factory_boy_current_call", default=None
)


@dataclass(eq=False)
class FactoryCall:
    """One top-level factory call and everything that travels with it.

    Attributes:
        factory: the factory class the user called (errors name it).
        strategy: factory_boy's strategy (``"create"`` or ``"build"``).
        connection: the connection arguments of the call, e.g. ``{"sqlalchemy_session": s}``.
            Nested calls made while this one runs inherit them.
        size: the batch size for ``*_batch_async`` calls, ``None`` for a single object.
        parent: the call this one was made from (an ``async def`` hook's ``create_async``),
            or ``None`` for a top-level call. A backend whose nested calls must join the
            outer call's transaction finds the outer call's scope through it.
        state: scratch space for user extensions, keyed by whatever they choose (the
            built-in backends keep their state in a :class:`CallScope` instead).
        overrides: the overrides of the top-level call (its keyword arguments without the
            connection arguments).
        step: factory_boy's build step of the object being created right now (the core
            sets it around each object's create step), or ``None``.
        capture: see :meth:`AsyncFactory._call_async
            <async_factory_boy.AsyncFactory._call_async>`; ``None`` for ordinary calls.
        written: the objects the call handed to a backend to store (its debug log line
            reports them as rows written).
    """

    factory: type
    strategy: str
    connection: ReadKwargs
    size: int | None = None
    state: dict[Any, Any] = field(default_factory=dict)
    parent: FactoryCall | None = None
    overrides: ReadKwargs = field(default_factory=dict)
    step: BuildStepLike | None = None
    capture: Function | None = None
    written: int = 0
    # Created on first use: most calls never enter a context or defer a write, and a
    # factory call is a hot path (one per object in a loop of ``create_async``).
    _exit_stack: AsyncExitStack | None = None
    _on_success: list[Callable[[], Awaitable[None]]] | None = None
    _scopes: dict[type[CallScope], CallScope] | None = None

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

    def scope(self, kind: type[_S], factory: type) -> _S:
        """The call's scope of backend ``kind``, opened (``kind.open``) on first use.

        ``factory`` is the factory asking; a connection problem found while opening names
        it and the factory the user called.
        """
        scopes = self._scopes
        if scopes is None:
            scopes = self._scopes = {}
        scope = scopes.get(kind)
        if scope is None:
            scope = scopes[kind] = kind.open(factory, self)
        return scope  # type: ignore[return-value]  # scopes are keyed by their class, so the value is a _S

    def find_scope(self, kind: type[_S]) -> _S | None:
        """The call's scope of backend ``kind`` if one was opened, else ``None``."""
        if self._scopes is None:
            return None
        return self._scopes.get(kind)  # type: ignore[return-value]  # scopes are keyed by their class, so the value is a _S

    async def finish(self, failure: BaseException | None) -> None:
        """End the call: finish its scopes and callbacks, or undo them if it failed.

        On success the scopes write what they held back (in the order they were opened),
        then the ``on_success`` callbacks run, then the entered contexts close. With
        ``failure`` set (or when one of those steps fails) the scopes are undone in reverse
        order and the contexts exit with the exception (a savepoint rolls back).
        """
        if failure is None:
            try:
                if self._scopes:
                    if LOGGER.isEnabledFor(DEBUG):
                        await self._finish_logged()
                    else:
                        for scope in list(self._scopes.values()):
                            await scope.finish()
                for callback in self._on_success or ():
                    await callback()
            except BaseException as exc:
                await self._undo(exc)
                raise
            await self._close(None)
        else:
            await self._undo(failure)

    async def _finish_logged(self) -> None:
        """Finish the scopes, one debug line each: the end-of-call (bulk) writes."""
        for scope in list(self._scopes.values()) if self._scopes else ():
            started = perf_counter()
            await scope.finish()
            LOGGER.debug(
                "%s: %s finished (end-of-call writes) in %.2f ms",
                self.factory.__name__,
                type(scope).__name__,
                elapsed_ms(started),
            )

    async def _undo(self, failure: BaseException) -> None:
        try:
            for scope in reversed(list(self._scopes.values())) if self._scopes else ():
                await scope.undo(failure)
        finally:
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
