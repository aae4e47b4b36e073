from __future__ import annotations

import pytest

from async_factory_boy import _codegen, _plan

from .models import Store


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture(params=["generated code", "fast path", "factory_boy resolver"])
def resolution(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test along the plans' generated code, along the plans' loop (generated code
    off) and with factory_boy's resolver.

    The three must behave identically (``async_factory_boy/_plan.py``,
    ``async_factory_boy/_codegen.py``); modules about resolution use it with
    ``pytest.mark.usefixtures("resolution")``.
    """
    monkeypatch.setattr(_plan, "ENABLED", request.param != "factory_boy resolver")
    monkeypatch.setattr(_codegen, "ENABLED", request.param == "generated code")
    monkeypatch.setattr(_codegen, "HOT_AFTER", 1)  # generated at a plan's first object
    return str(request.param)
