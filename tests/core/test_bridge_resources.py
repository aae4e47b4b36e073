"""No leak per call or per factory class: workers beyond the bridge's pool are freed."""

from __future__ import annotations

import asyncio
import gc
import tracemalloc
import weakref

import factory
import greenlet
import pytest

from async_factory_boy import AsyncFactory

from .models import Company

pytestmark = pytest.mark.asyncio


class SuspendingFactory(AsyncFactory[Company]):
    """Every call awaits once, so a gather keeps all its calls (and workers) in flight."""

    class Meta:
        model = Company

    name = factory.LazyFunction(lambda: asyncio.sleep(0, result="acme"))


def live_greenlets() -> int:
    gc.collect()
    return sum(1 for each in gc.get_objects() if issubclass(type(each), greenlet.greenlet))


async def gathers(count: int) -> None:
    for _ in range(count):
        companies = await asyncio.gather(*(SuspendingFactory.build_async() for _ in range(300)))
        assert {company.name for company in companies} == {"acme"}


async def test_twenty_gathers_of_300_calls_leave_greenlets_and_memory_flat() -> None:
    tracemalloc.start()
    try:
        await gathers(5)  # warm up: the worker pool, asyncio's and the allocator's caches
        before = live_greenlets()
        start = tracemalloc.get_traced_memory()[0]
        await gathers(20)
        after = live_greenlets()
        grown = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
    assert after <= before
    # Before the fix each gather left 236 suspended workers behind (about 13 MiB of traced
    # memory over 20 gathers); what remains now is noise.
    assert grown < 256 * 1024, f"{grown} bytes still allocated after the gathers"


async def test_a_factory_class_made_at_run_time_dies_once_dropped() -> None:
    def make(index: int) -> type[AsyncFactory[Company]]:
        class RunTimeFactory(SuspendingFactory):
            name = factory.Sequence(lambda n: f"company {index}-{n}")

            @factory.post_generation
            async def checked(self, create: bool, extracted: object, **kwargs: object) -> None:
                await asyncio.sleep(0)

        return RunTimeFactory

    refs = []
    for index in range(1000):
        made = make(index)
        await made.build_async()
        await made.build_batch_async(2)
        refs.append(weakref.ref(made))
        del made
    gc.collect()
    assert [ref for ref in refs if ref() is not None] == []
