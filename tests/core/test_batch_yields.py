"""A batch hands the event loop a turn regularly; an impossible batch size is refused."""

from __future__ import annotations

import asyncio

import factory
import pytest

from async_factory_boy import AsyncFactory
from async_factory_boy.factory import MAX_BATCH_SIZE

from .models import User

pytestmark = pytest.mark.asyncio


class PlainUserFactory(AsyncFactory[User]):
    """Nothing to await: before the fix, a batch never left the event loop's turn."""

    class Meta:
        model = User

    name = factory.Sequence(lambda n: f"user {n}")
    email = factory.LazyAttribute(lambda user: f"{user.name}@example.com")


async def test_other_tasks_run_while_a_batch_is_built() -> None:
    ticks = 0
    done = False

    async def ticker() -> None:
        nonlocal ticks
        while not done:
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    started = ticks
    try:
        users = await PlainUserFactory.build_batch_async(20_000)
        during = ticks - started
    finally:
        done = True
        await task
    assert len(users) == 20_000
    assert during > 1  # the ticker ran while the batch was being built


async def test_a_timeout_ends_a_batch_before_it_is_built_whole() -> None:
    built = 0

    class CountingFactory(PlainUserFactory):
        @factory.lazy_attribute
        def email(self) -> str:
            nonlocal built
            built += 1
            return "x@example.com"

    # asyncio.TimeoutError: not the builtin TimeoutError before Python 3.11
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(CountingFactory.build_batch_async(1_000_000), 0.05)
    seen = built
    await asyncio.sleep(0.05)
    assert 0 < seen < 1_000_000
    assert built == seen  # nothing keeps building after the cancellation


@pytest.mark.parametrize("step", ["create_batch_async", "build_batch_async"])
async def test_a_batch_over_the_limit_is_refused_up_front(step: str) -> None:
    with pytest.raises(ValueError, match=r"over the limit of 10,000,000 objects per call"):
        await getattr(PlainUserFactory, step)(10**12)
    assert MAX_BATCH_SIZE == 10_000_000
