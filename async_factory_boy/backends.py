"""What a backend is written with: the contract the core drives, the registry, the seed.

A backend is a :class:`CallScope` subclass (the steps the core calls for every factory
call), an options class derived from :class:`ContractOptions`, a factory base class, and
one :class:`Backend` entry given to :func:`register`; a backend the seed command can fill
adds a writer on the :class:`SeedWriter` contract. The guide's "Writing a backend" page
walks through one. Nothing here is needed to *use* factories.
"""

from __future__ import annotations

from ._backends import (
    HANDLER_ARGUMENT,
    Backend,
    all_backends,
    backend_named,
    backend_of,
    register,
)
from ._factory import ContractOptions, field_names_checker
from ._scope import CallScope, method_name, reached_from, take_lookup
from ._seeding import (
    PROGRESS_TABLE,
    BatchRecord,
    BatchWrite,
    SeedError,
    SeedTarget,
    SeedWriter,
    one_line,
)

__all__ = [
    "HANDLER_ARGUMENT",
    "PROGRESS_TABLE",
    "Backend",
    "BatchRecord",
    "BatchWrite",
    "CallScope",
    "ContractOptions",
    "SeedError",
    "SeedTarget",
    "SeedWriter",
    "all_backends",
    "backend_named",
    "backend_of",
    "field_names_checker",
    "method_name",
    "one_line",
    "reached_from",
    "register",
    "take_lookup",
]
