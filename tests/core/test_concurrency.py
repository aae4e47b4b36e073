"""Concurrency and robustness: gathered calls, failures, cancellation, contextvars."""

from __future__ import annotations

import asyncio
import contextvars
from typing import Any

import factory
import pytest

from async_factory_boy import await_, current_call

from .models import Company, CompanyFactory, Store, StoreFactory, User, UserFactory

pytestmark = pytest.mark.asyncio

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="unset")


async def test_gather_of_100_creates_gives_100_distinct_sequence_values(store: Store) -> None:
    users = await asyncio.gather(*(UserFactory.create_async(store=store) for _ in range(100)))
    assert len({u.name for u in users}) == 100
    assert len({u.company.name for u in users if u.company}) == 100
    assert len(store.rows) == 200


class FlakyError(Exception):
    pass


class FlakyFactory(StoreFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"flaky{n}")

    @classmethod
    async def _create_async(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        if kwargs["name"] == "boom":
            await asyncio.sleep(0)
            raise FlakyError("the database said no")
        return await super()._create_async(model_class, *args, **kwargs)


async def test_an_exception_while_persisting_keeps_its_type_and_the_next_call_works(
    store: Store,
) -> None:
    with pytest.raises(FlakyError, match="the database said no"):
        await FlakyFactory.create_async(store=store, name="boom")
    assert current_call() is None
    company = await FlakyFactory.create_async(store=store)
    assert company.id is not None


async def test_an_exception_inside_a_declaration_propagates(store: Store) -> None:
    class F(UserFactory):
        email = factory.LazyAttribute(lambda o: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        await F.create_async(store=store)
    assert store.of(User) == []


async def test_an_awaited_failure_is_thrown_back_into_the_declaration(store: Store) -> None:
    async def failing() -> str:
        await asyncio.sleep(0)
        raise FlakyError("remote down")

    def with_fallback() -> str:
        try:
            return await_(failing())
        except FlakyError:
            return "fallback"

    class F(CompanyFactory):
        name = factory.LazyFunction(with_fallback)

    assert (await F.create_async(store=store)).name == "fallback"


async def test_a_task_cancelled_mid_create_leaves_nothing_stuck(store: Store) -> None:
    entered = asyncio.Event()
    release = asyncio.Event()

    class SlowFactory(StoreFactory):
        class Meta:
            model = Company

        name = factory.Sequence(lambda n: f"slow{n}")

        @classmethod
        async def _create_async(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
            entered.set()
            await release.wait()
            return await super()._create_async(model_class, *args, **kwargs)

    task = asyncio.create_task(SlowFactory.create_async(store=store))
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert current_call() is None
    assert store.rows == []

    release.set()
    company = await SlowFactory.create_async(store=store)
    assert company.id is not None
    assert store.rows == [company]


async def test_cancelling_one_of_many_gathered_creates_spares_the_others(store: Store) -> None:
    gate = asyncio.Event()

    async def wait_for_gate() -> str:
        await gate.wait()
        return "done"

    class F(CompanyFactory):
        name = factory.LazyFunction(wait_for_gate)

    tasks = [asyncio.create_task(F.create_async(store=store)) for _ in range(5)]
    await asyncio.sleep(0)
    tasks[2].cancel()
    gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert isinstance(results[2], asyncio.CancelledError)
    assert [r.name for i, r in enumerate(results) if i != 2] == ["done"] * 4  # type: ignore[union-attr]


async def test_caller_contextvars_are_visible_in_declarations_and_create_async(
    store: Store,
) -> None:
    seen_in_create: list[str] = []

    class F(StoreFactory):
        class Meta:
            model = Company

        name = factory.LazyFunction(request_id.get)

        @classmethod
        async def _create_async(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
            seen_in_create.append(request_id.get())
            return model_class(*args, **kwargs)

    async def one(value: str) -> Company:
        request_id.set(value)
        return await F.create_async(store=store)

    companies = await asyncio.gather(one("req-1"), one("req-2"))
    assert [c.name for c in companies] == ["req-1", "req-2"]
    assert seen_in_create == ["req-1", "req-2"]


async def test_a_hook_creating_a_batch_inside_a_batch_works(store: Store) -> None:
    class F(UserFactory):
        @factory.post_generation
        async def colleagues(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
            if extracted:
                await CompanyFactory.create_batch_async(extracted)

    users = await F.create_batch_async(3, store=store, colleagues=2)
    assert len(users) == 3
    assert len(store.of(User)) == 3
    # each user's own company, plus two per hook; the nested batch inherited store=
    assert len(store.of(Company)) == 3 + 3 * 2
