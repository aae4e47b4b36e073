"""Deprecation warnings that point at the user's line, not at the library's.

async-factory-boy 1.0.1's classes are kept as deprecated layers; defining a factory on one
warns at the class statement, which is the line to change. A class statement reaches
``__init_subclass__`` through factory_boy's metaclass (and possibly the user's own
``__init_subclass__`` chain), so the depth is not fixed: the warning is attributed to the
first frame outside factory_boy and this library.
"""

from __future__ import annotations

import sys
import warnings
from typing import Final

__all__ = ["warn_deprecated"]

_INTERNAL_PACKAGES: Final = ("factory", "async_factory_boy", "abc", "typing")


def _caller_stacklevel() -> int:
    """The ``stacklevel`` (seen from ``warnings.warn`` in :func:`warn_deprecated`) of the
    first frame outside factory_boy and this library."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.partition(".")[0] not in _INTERNAL_PACKAGES:
            return level
        frame = frame.f_back  # type: ignore[assignment]  # f_back is None only at the outermost frame: the loop ends
        level += 1
    return 1


def warn_deprecated(message: str) -> None:
    """Emit a ``DeprecationWarning`` at the user's code that led here."""
    warnings.warn(message, DeprecationWarning, stacklevel=_caller_stacklevel())
