"""The one error type of the seed command: a message for the user, exit status 2.

It is the core's (:mod:`async_factory_boy._seeding`), shared with the backends' seed
writers; this module keeps the seed package's name for it.
"""

from __future__ import annotations

from .._seeding import SeedError, one_line

__all__ = ["SeedError", "one_line"]
