"""What a batch and a single create store and show, for tests that compare a fast path of
the SQLAlchemy backend switched on and off (each runs it twice and compares)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from .factories import CompanyFactory, UserFactory
from .models import Company, User


async def made_rows(session: AsyncSession) -> list[tuple[Any, ...]]:
    """Each user's row and what its objects say (the backref included), without keys;
    the tables emptied afterwards."""
    CompanyFactory.reset_sequence()
    UserFactory.reset_sequence()
    batch = await UserFactory.create_batch_async(3, sqlalchemy_session=session)
    single = await UserFactory.create_async(sqlalchemy_session=session)
    objects = [
        (user.name, user.company.name, [colleague.name for colleague in user.company.users])
        for user in [*batch, single]
    ]
    rows = (
        await session.execute(
            sa.select(User.name, User.email, Company.name).join(User.company).order_by(User.name)
        )
    ).all()
    await session.execute(sa.delete(User))
    await session.execute(sa.delete(Company))
    return [*objects, *(tuple(row) for row in rows)]
