"""The debug lines of SQLAlchemy calls: the session's kind and the rows the call wrote."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from .factories import UserFactory

pytestmark = pytest.mark.asyncio


async def test_a_batch_on_a_session_logs_its_rows_and_its_flush(
    sqlite_session: AsyncSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="async_factory_boy")
    await UserFactory.create_batch_async(4, sqlalchemy_session=sqlite_session)
    lines = [r.getMessage() for r in caplog.records if r.name == "async_factory_boy"]
    (call,) = [line for line in lines if line.startswith("create_batch_async ")]
    assert "UserFactory: strategy=create, size=4, " in call
    assert "connection: sqlalchemy_session=AsyncSession" in call
    assert "rows written: 8" in call  # four users, each with its company
    assert any(" finished (end-of-call writes) in " in line for line in lines)
