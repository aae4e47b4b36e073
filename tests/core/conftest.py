from __future__ import annotations

import pytest

from async_factory_boy import _plan

from .models import Store


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture(params=["fast path", "factory_boy resolver"])
def resolution(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test once along the fast resolution path and once with factory_boy's resolver.

    The two must behave identically (``async_factory_boy/_plan.py``); modules about
    resolution use it with ``pytest.mark.usefixtures("resolution")``.
    """
    monkeypatch.setattr(_plan, "ENABLED", request.param == "fast path")
    return str(request.param)
