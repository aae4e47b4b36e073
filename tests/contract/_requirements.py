"""Named requirements: what a contract test needs of a backend, declared up front.

In the manner of SQLAlchemy's ``testing/requirements.py``: each name below is a capability
that a backend may lack. A kit says which ones its backend lacks and why
(``Kit.unsupported``), or which are about to change elsewhere (``Kit.pending``, a strict
xfail); a test declares the ones it needs with ``@requires(...)``, and the ``kit`` fixture
skips it (with the kit's reason) where the kit lacks one. An unknown name is an error where
it is written: in a test it fails collection (the module cannot be imported), in a kit the
kit refuses to open, so a misspelt name never silently runs or skips a test.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import pytest

__all__ = ["REQUIREMENTS", "check_names", "requires"]

#: Every requirement a contract test may declare, with what it means.
REQUIREMENTS: Final = {
    "batch_one_write": "a batch writes each model in one write (one flush, one insert_many)",
    "failing_batch_declaration": "a batch that fails in a declaration leaves nothing written",
    "failing_batch_unique": "a batch that fails on a unique key leaves nothing written",
    "separate_connections": "a second connection to the same database, to race or gather on",
    "missing_connection": "a create without a connection argument is a MissingSessionError",
    "nested_missing_wording": "that error names the factory called and the factory reached",
}


def check_names(names: Iterable[str], where: str) -> None:
    """Raise ``LookupError`` naming ``where`` for a name that is not a requirement."""
    unknown = sorted(set(names) - set(REQUIREMENTS))
    if unknown:
        known = ", ".join(sorted(REQUIREMENTS))
        raise LookupError(f"{where}: unknown requirement(s) {unknown}; known: {known}")


def requires(*names: str) -> pytest.MarkDecorator:
    """``@requires("batch_one_write")``: the test runs only on kits that have these."""
    check_names(names, "@requires")
    return pytest.mark.requires(*names)
