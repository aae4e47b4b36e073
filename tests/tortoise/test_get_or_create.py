"""``Meta.tortoise_get_or_create``: existing rows are reused, races end with one row."""

from __future__ import annotations

import asyncio

import pytest

from .conftest import RACERS, TortoiseDatabase
from .factories import CompanyGetOrCreateFactory
from .models import Company

pytestmark = pytest.mark.asyncio


async def test_returns_the_existing_row(tortoise_db: TortoiseDatabase) -> None:
    first = await CompanyGetOrCreateFactory.create_async(name="acme")
    second = await CompanyGetOrCreateFactory.create_async(name="acme")
    assert first.id == second.id
    assert await Company.all().count() == 1


async def test_creates_a_missing_row(tortoise_db: TortoiseDatabase) -> None:
    company = await CompanyGetOrCreateFactory.create_async()
    assert company.id is not None


async def test_batch_with_one_key_gives_one_row(tortoise_db: TortoiseDatabase) -> None:
    companies = await CompanyGetOrCreateFactory.create_batch_async(3, name="same")
    assert len({company.id for company in companies}) == 1


async def test_concurrent_racers_on_separate_connections_end_with_one_row(
    tortoise_db: TortoiseDatabase,
) -> None:
    racers = [tortoise_db.racer(alias) for alias in RACERS]
    for _ in range(3):
        name = f"race {_}"
        results = await asyncio.gather(
            *(
                CompanyGetOrCreateFactory.create_async(name=name, tortoise_connection=racer)
                for racer in racers
            )
        )
        assert len({company.id for company in results}) == 1
        assert await Company.filter(name=name).count() == 1


async def test_racers_that_all_missed_the_lookup_end_with_one_row(
    tortoise_db: TortoiseDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every racer looks up (nothing) before any inserts: all but one lose the INSERT."""
    from async_factory_boy.factory.tortoise import _get_or_create

    barrier = asyncio.Barrier(len(RACERS))
    original = _get_or_create._find
    losers = []

    async def find_together(client, model, lookup, *, lock):  # type: ignore[no-untyped-def]
        found = await original(client, model, lookup, lock=lock)
        if lock:
            losers.append(found)
        else:
            await barrier.wait()
        return found

    monkeypatch.setattr(_get_or_create, "_find", find_together)
    racers = [tortoise_db.racer(alias) for alias in RACERS]
    results = await asyncio.gather(
        *(
            CompanyGetOrCreateFactory.create_async(name="contested", tortoise_connection=racer)
            for racer in racers
        )
    )
    assert len({company.id for company in results}) == 1
    assert len(losers) == len(RACERS) - 1
    assert await Company.filter(name="contested").count() == 1
