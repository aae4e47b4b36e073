"""Every model of the corpus, created 1,000 times through a factory that declares nothing,
on each SQL database: no constraint is violated (NOT NULL, unique, foreign keys, lengths)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .conftest import auto_factory, open_session
from .models import CORPUS, Tagged

pytestmark = pytest.mark.asyncio

COUNT = 1000


@pytest.mark.parametrize("model", CORPUS, ids=lambda model: model.__name__)
async def test_a_thousand_objects_of_each_model_violate_no_constraint(
    session: AsyncSession, model: type
) -> None:
    factory_class = auto_factory(model)

    objects = await factory_class.create_batch_async(COUNT, sqlalchemy_session=session)
    await session.commit()  # constraints a database defers are checked here at the latest

    assert len(objects) == COUNT
    assert await session.scalar(select(func.count()).select_from(model)) >= COUNT


@pytest.mark.postgres
async def test_postgresql_arrays_are_filled(postgres_asyncpg_url: str) -> None:
    async with open_session(postgres_asyncpg_url) as session:
        tagged = await auto_factory(Tagged).create_batch_async(COUNT, sqlalchemy_session=session)
        await session.commit()

    assert all(row.tags and all(isinstance(tag, str) for tag in row.tags) for row in tagged)
    assert all(row.scores and all(isinstance(n, int) for n in row.scores) for row in tagged)
