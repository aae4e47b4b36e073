"""The error types of the seed command: a message for the user.

:class:`SeedError` is the core's (:mod:`async_factory_boy._seeding`), shared with the
backends' seed writers; this module keeps the seed package's name for it, and adds
:class:`UsageError`, the command line's own.
"""

from __future__ import annotations

from .._seeding import SeedError, one_line

__all__ = ["SeedError", "UsageError", "one_line"]


class UsageError(SeedError):
    """What was typed cannot work, found before anything ran (a URL no driver can parse,
    ``--database`` with a SQL URL): exit status 2, like argparse's own usage errors."""
