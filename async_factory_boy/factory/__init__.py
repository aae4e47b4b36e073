"""Async factories: the core :class:`AsyncFactory` and one submodule per backend.

Backends live in their own submodules (``async_factory_boy.factory.sqlalchemy``,
``async_factory_boy.factory.mongo``, ...) so that importing the core needs no driver.
"""

from .._factory import MAX_BATCH_SIZE, AsyncFactory

__all__ = ["MAX_BATCH_SIZE", "AsyncFactory"]
