"""``mute_signals`` that also works around ``async def`` functions.

factory_boy's ``mute_signals`` restores the signals when a decorated function *returns*; an
``async def`` function returns its coroutine at once, so the signals would be back before
the first ``await``. This subclass keeps them muted until the coroutine finishes, and adds
``async with`` for symmetry. Used as a context manager or on a factory class it is factory_boy's
own code: the async factory's steps run inside the muted block.
"""

from __future__ import annotations

import functools
import inspect
from types import TracebackType
from typing import Any, TypeVar

from ..._compat import factory_django
from ..._types import Function

__all__ = ["mute_signals"]

_F = TypeVar("_F", bound=Function)


class mute_signals(factory_django.mute_signals):
    """Disconnect the receivers of Django ``signals`` for a block, a function or a factory.

    ``with mute_signals(post_save): await UserFactory.create_async()``, ``@mute_signals(...)``
    on a sync or ``async def`` function, or on a factory class. While muted, the signals are
    silent for the whole process (every task and thread), as in factory_boy.
    """

    def __init__(self, *signals: Any) -> None:
        super().__init__(*signals)  # type: ignore[no-untyped-call]  # factory_boy's mute_signals is unannotated

    def copy(self) -> mute_signals:
        return mute_signals(*self.signals)

    def __call__(self, callable_obj: _F) -> _F:
        if not inspect.iscoroutinefunction(callable_obj):
            return super().__call__(callable_obj)  # type: ignore[no-any-return,no-untyped-call]  # factory_boy's mute_signals is unannotated

        @functools.wraps(callable_obj)
        async def muted(*args: object, **kwargs: object) -> Any:
            with self.copy():  # not reentrant: a fresh copy per call
                return await callable_obj(*args, **kwargs)

        return muted  # type: ignore[return-value]  # the wrapper has the signature of the wrapped

    async def __aenter__(self) -> mute_signals:
        self.__enter__()  # type: ignore[no-untyped-call]  # factory_boy's mute_signals is unannotated
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc, traceback)  # type: ignore[no-untyped-call]  # factory_boy's mute_signals is unannotated
