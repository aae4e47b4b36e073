"""Imported first by the package: without Beanie, say which extra installs it.

A bare ``ModuleNotFoundError: No module named 'beanie'`` would not name the extra (nor that
Beanie 2 runs on PyMongo's async client, which the extra brings too); see
:func:`async_factory_boy._dependencies.require`.
"""

from __future__ import annotations

from ..._dependencies import require

require("beanie", "pymongo", extra="beanie", needed_by=__name__.rpartition(".")[0])
