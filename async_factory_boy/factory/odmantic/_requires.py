"""Imported first by the package: without ODMantic, say which extra installs it.

A bare ``ModuleNotFoundError: No module named 'odmantic'`` would not name the extra (nor
that ODMantic 1 needs Motor, which the extra brings too); see
:func:`async_factory_boy._dependencies.require`.
"""

from __future__ import annotations

from ..._dependencies import require

require("odmantic", "motor", "pymongo", extra="odmantic", needed_by=__name__.rpartition(".")[0])
