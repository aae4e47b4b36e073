"""Generated builds (``async_factory_boy/_codegen.py``) on SQLAlchemy factories: the same
objects, rows and instance states as the plans' loop, on every SQL database.

SQLAlchemy factories make their objects through the backend scope's ``make`` (the
loader-style constructor), which generated code calls directly on the build path and through
the options' ``instantiate`` on the create path; each test runs with generated code on and
off and compares.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from async_factory_boy import _codegen
from async_factory_boy._compat import plans_of

from .factories import CompanyFactory, MembershipFactory, UserFactory
from .models import Membership, User

pytestmark = pytest.mark.asyncio


@pytest.fixture(autouse=True)
def codegen_restored(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(_codegen, "HOT_AFTER", 1)  # generated at a plan's first object
    before = _codegen.ENABLED
    yield
    _codegen.ENABLED = before


def state_of(obj: Any) -> tuple[Any, ...]:
    """What the constructor leaves on a new object: its values, pending changes, status."""
    state = inspect(obj)
    values = {key: value for key, value in state.dict.items() if not key.startswith("_")}
    company = values.pop("company", None)
    if "users" in values:  # the backref: the user whose company this is
        values["users"] = [user.name for user in values["users"]]
    return (
        type(obj).__name__,
        values,
        sorted(state.committed_state),
        state.modified,
        state.transient,
        None if company is None else state_of(company),
    )


def generated(factory_class: Any) -> bool:
    plan = plans_of(factory_class._meta.pre_declarations).get(())
    return plan is not None and plan.generated is not None


async def test_built_objects_have_the_same_state_both_ways() -> None:
    made = {}
    for on in (True, False):
        _codegen.ENABLED = on
        UserFactory.reset_sequence(0)
        CompanyFactory.reset_sequence(0)
        made[on] = [state_of(u) for u in await UserFactory.build_batch_async(3)]
        made[on].append(state_of(await UserFactory.build_async(company__name="given")))
    assert made[True] == made[False]
    assert made[True][0][1] == {"name": "user 0"}
    assert made[True][0][5][1] == {"name": "company 0", "users": ["user 0"]}
    assert generated(UserFactory)
    assert generated(CompanyFactory)


async def test_created_rows_are_the_same_both_ways(session: AsyncSession) -> None:
    made = {}
    for on, start in ((True, 0), (False, 100)):
        _codegen.ENABLED = on
        UserFactory.reset_sequence(start)
        CompanyFactory.reset_sequence(start)
        users = await UserFactory.create_batch_async(3, sqlalchemy_session=session)
        members = await MembershipFactory.create_batch_async(2, sqlalchemy_session=session)
        made[on] = (
            [(u.name, u.company.name, u.company_id == u.company.id) for u in users],
            [(m.role, m.company_id is not None) for m in members],
        )
    on_users, on_members = made[True]
    off_users, off_members = made[False]
    assert [(n.replace("10", "", 1), c.replace("10", "", 1), k) for n, c, k in off_users] == [
        (f"user {i}", f"company {i}", True) for i in range(3)
    ]
    assert on_users == [(f"user {i}", f"company {i}", True) for i in range(3)]
    assert on_members == off_members == [("member", True)] * 2
    rows = (await session.scalars(select(User).order_by(User.id))).all()
    assert [u.name for u in rows] == [f"user {i}" for i in (0, 1, 2, 100, 101, 102)]
    assert len((await session.scalars(select(Membership))).all()) == 4
    assert generated(UserFactory)
    assert generated(MembershipFactory)
