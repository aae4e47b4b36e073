"""Hook specifications the plugin adds to pytest (same names as pytest-factoryboy's)."""

from __future__ import annotations

import pytest

__all__ = ["pytest_factoryboy_done"]


def pytest_factoryboy_done(request: pytest.FixtureRequest) -> None:
    """Called before each test runs, once every model fixture and the work it deferred is done.

    A conftest can implement it to act on the objects the test's fixtures made (for
    example, commit them or print them).
    """
