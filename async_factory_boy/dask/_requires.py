"""Imported first by the package: without Dask, say which extra installs it.

A bare ``ModuleNotFoundError: No module named 'distributed'`` would not name the extra; see
:func:`async_factory_boy._dependencies.require`.
"""

from __future__ import annotations

from .._dependencies import require

require("dask", "distributed", extra="dask", needed_by=__name__.rpartition(".")[0])
