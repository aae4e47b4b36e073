"""Factory classes made at run time (per test, parametrized) do not outlive their use."""

from __future__ import annotations

import asyncio
import gc
import weakref

import factory
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from .factories import CompanyFactory

pytestmark = pytest.mark.asyncio


async def test_a_thousand_factory_classes_die_once_dropped(sqlite_session: AsyncSession) -> None:
    def make(index: int) -> type[CompanyFactory]:
        class RunTimeCompanyFactory(CompanyFactory):
            name = factory.Sequence(lambda n: f"company {index}-{n}")

            @factory.post_generation
            async def audited(self, create: bool, extracted: object, **kwargs: object) -> None:
                await asyncio.sleep(0)

        return RunTimeCompanyFactory

    refs = []
    for index in range(1000):
        made = make(index)
        await made.create_async(sqlalchemy_session=sqlite_session)
        refs.append(weakref.ref(made))
        del made
    sqlite_session.expunge_all()
    gc.collect()
    # Before the fix the per-class cache of async hooks kept every one of them alive.
    assert sum(ref() is not None for ref in refs) == 0
