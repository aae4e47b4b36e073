"""Imported first by the package: without Tortoise ORM, say which extra installs it.

A bare ``ModuleNotFoundError`` from deep inside the backend would not name the extra; see
:func:`async_factory_boy._dependencies.require`.
"""

from __future__ import annotations

from ..._dependencies import require

require("tortoise", extra="tortoise", needed_by=__name__.rpartition(".")[0])
