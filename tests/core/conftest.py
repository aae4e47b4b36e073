from __future__ import annotations

import pytest

from .models import Store


@pytest.fixture
def store() -> Store:
    return Store()
