"""Exceptions raised by async_factory_boy.

Every error names the factory involved, what was wrong and what to do about it, so a
user never has to read a traceback from deep inside factory_boy or a driver.
"""

from __future__ import annotations

__all__ = [
    "AsyncFactoryError",
    "AwaitOutsideFactoryError",
    "FactoryConfigurationError",
    "MissingSessionError",
    "SessionTypeError",
    "SyncCallError",
]


class AsyncFactoryError(Exception):
    """Base class of the library's own errors that are not a TypeError or RuntimeError."""


class MissingSessionError(RuntimeError):
    """A factory that persists was called without the connection it needs.

    The session (or database, or persistence handler) travels with each call instead of
    living on the factory class, so that concurrent calls never share it by accident.
    """


class SessionTypeError(TypeError):
    """The connection passed to a factory is of the wrong kind (e.g. a sync ``Session``)."""


class SyncCallError(TypeError):
    """A sync step (``create()``, ``create_batch()``, ``F()``) was called on an async factory,
    or a sync ``build()`` met a value that has to be awaited."""


class AwaitOutsideFactoryError(RuntimeError):
    """``await_()`` was called outside a factory call, where there is no event loop to await on."""


class FactoryConfigurationError(TypeError):
    """A factory's ``class Meta`` holds an option value that cannot work."""
