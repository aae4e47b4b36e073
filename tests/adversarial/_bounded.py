"""Bounds for the adversarial suite: every loop a constant, every wait a timeout."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

_T = TypeVar("_T")

#: Times the "done when" of issue 24 repeats a gather inside a hook, per database.
REPEATS = 50

#: Seconds a single bounded step may take before the test fails as a hang.
STEP_TIMEOUT = 30.0


async def bounded(awaitable: Awaitable[_T], seconds: float = STEP_TIMEOUT) -> _T:
    """Await ``awaitable``, failing with ``TimeoutError`` instead of hanging the suite.

    ``asyncio.wait_for`` rather than ``asyncio.timeout`` so that the suite also runs on
    Python 3.10.
    """
    return await asyncio.wait_for(awaitable, seconds)
