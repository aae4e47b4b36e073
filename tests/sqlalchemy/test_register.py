"""New objects made persistent in one pass (``_register``) are left exactly as
``Session._register_persistent`` leaves them.

Each test does the same thing twice, once through ``_register_persistent`` and once through
the fast path, and compares what the session and each object's state say; the database tests
run factories with the switch on and off and compare rows, objects and what a rollback
leaves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.orm.state import InstanceState

from async_factory_boy.factory.sqlalchemy import _register

from ._made_rows import made_rows
from .factories import CompanyFactory, UserFactory
from .models import Company, User


@pytest.fixture
def bulk_register() -> Iterator[Callable[[bool], None]]:
    """Turn the fast path on or off for one test; restored afterwards."""
    before = _register.ENABLED

    def switch(on: bool) -> None:
        _register.ENABLED = on

    yield switch
    _register.ENABLED = before


def _pending(count: int = 3) -> tuple[Session, list[Any]]:
    """Users with their companies pending in a session, keys given as an INSERT gives them."""
    session = Session()
    objects: list[Any] = []
    for number in range(count):
        company = Company(name=f"company{number}")
        user = User(name=f"user{number}", company=company)
        session.add(user)
        objects += [company, user]
    for number, obj in enumerate(objects, 1):
        obj.__dict__["id"] = number
        if isinstance(obj, User):
            obj.__dict__["company_id"] = obj.company.id
    return session, objects


def _plain(value: Any) -> Any:
    """Related objects by their keys (the two runs make different objects)."""
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, (Company, User)):
        return (type(value).__name__, inspect(value).key)
    return value


def _state_view(session: Session, objects: list[Any]) -> list[tuple[Any, ...]]:
    """Everything the session and the states say of each object (the states' own attributes
    included, not only what the public API shows)."""
    transaction = session._transaction
    assert transaction is not None
    view: list[tuple[Any, ...]] = []
    for obj in objects:
        state = inspect(obj)
        view.append(
            (
                state.key,
                session.identity_map.get(state.key) is obj if state.key else None,
                state._instance_dict() is session.identity_map,
                state.persistent,
                state.pending,
                obj in session.new,
                state in transaction._new,
                state in transaction._dirty,
                dict(state.committed_state),
                sorted(state.expired_attributes),
                state.modified,
                state.expired,
                state._strong_obj is obj,
                state._orphaned_outside_of_session,
                state.session_id == session.hash_key,
                sorted(k for k in vars(state) if k != "obj"),
                {k: _plain(v) for k, v in obj.__dict__.items() if not k.startswith("_")},
            )
        )
    return [
        *view,
        (sorted(map(repr, session.identity_map.keys())), len(session.identity_map._modified)),
    ]


def _states(objects: list[Any]) -> set[InstanceState[Any]]:
    return {inspect(obj) for obj in objects}


def test_new_objects_are_left_as_register_persistent_leaves_them() -> None:
    session, objects = _pending()
    session._register_persistent(_states(objects))
    expected = _state_view(session, objects)

    session, objects = _pending()
    assert _register.register_new(session, _states(objects))

    assert _state_view(session, objects) == expected
    assert not session.new
    assert len(session.identity_map) == 6


def test_a_rollback_expunges_them_as_it_expunges_flushed_objects() -> None:
    views = []
    for fast in (False, True):
        session, objects = _pending()
        if fast:
            assert _register.register_new(session, _states(objects))
        else:
            session._register_persistent(_states(objects))
        session.rollback()
        views.append([(inspect(obj).transient, inspect(obj).key) for obj in objects])
    assert views[0] == views[1]
    assert all(transient for transient, _key in views[0])


def _unchanged(session: Session, objects: list[Any]) -> None:
    before = _state_view(session, objects)
    assert not _register.register_new(session, _states(objects))
    assert _state_view(session, objects) == before


def test_a_key_the_identity_map_holds_is_left_to_register_persistent() -> None:
    session, objects = _pending()
    taken = Company(name="taken")
    taken.__dict__["id"] = 3
    session.add(taken)
    session._register_persistent({inspect(taken)})
    _unchanged(session, objects)


@pytest.mark.parametrize("value", [None, "missing"], ids=["null-key", "missing-key"])
def test_a_key_not_there_is_left_to_register_persistent(value: object) -> None:
    session, objects = _pending()
    if value == "missing":
        del objects[2].__dict__["id"]
    else:
        objects[2].__dict__["id"] = value
    _unchanged(session, objects)
    with pytest.raises(sa.orm.exc.FlushError, match="NULL identity key"):
        session._register_persistent(_states(objects))


def test_two_objects_with_one_key_are_left_to_register_persistent() -> None:
    session, objects = _pending()
    objects[2].__dict__["id"] = objects[0].__dict__["id"]
    _unchanged(session, objects)


def test_an_object_not_pending_is_left_to_register_persistent() -> None:
    session, objects = _pending()
    session._register_persistent({inspect(objects[0])})
    _unchanged(session, objects[1:] + objects[:1])


def test_pending_to_persistent_listeners_still_run() -> None:
    session, objects = _pending()
    seen: list[str] = []

    @sa.event.listens_for(session, "pending_to_persistent")
    def persistent(session: Session, instance: Any) -> None:
        seen.append(type(instance).__name__)

    _unchanged(session, objects)
    session._register_persistent(_states(objects))
    assert sorted(seen) == ["Company"] * 3 + ["User"] * 3


def test_switched_off_it_declines(bulk_register: Callable[[bool], None]) -> None:
    bulk_register(False)
    session, objects = _pending()
    _unchanged(session, objects)


@pytest.mark.asyncio
async def test_factories_write_the_same_rows_with_and_without(
    session: AsyncSession, bulk_register: Callable[[bool], None]
) -> None:
    bulk_register(False)
    slow = await made_rows(session)
    bulk_register(True)
    fast = await made_rows(session)

    assert fast == slow
    assert len(slow) == 8


async def _batch_view(session: AsyncSession) -> list[Any]:
    """A batch's objects in the session, and after a rollback."""
    CompanyFactory.reset_sequence(force=True)
    UserFactory.reset_sequence(force=True)
    sync = session.sync_session
    users = await UserFactory.create_batch_async(4, sqlalchemy_session=session)
    objects = [obj for user in users for obj in (user.company, user)]
    transaction = sync._transaction
    assert transaction is not None
    view: list[Any] = [
        (
            type(obj).__name__,
            inspect(obj).persistent,
            sync.identity_map.get(inspect(obj).key) is obj,
            dict(inspect(obj).committed_state),
            inspect(obj).modified,
            inspect(obj) in transaction._new,
            obj.name,
            [u.name for u in obj.users] if isinstance(obj, Company) else obj.company.name,
        )
        for obj in objects
    ]
    view.append((len(sync.identity_map), len(sync.new), len(sync.dirty)))
    await session.rollback()
    view.append([inspect(obj).transient for obj in objects])
    return view


@pytest.mark.asyncio
async def test_a_batch_and_its_rollback_are_the_same_with_and_without(
    session: AsyncSession, bulk_register: Callable[[bool], None]
) -> None:
    bulk_register(False)
    slow = await _batch_view(session)
    bulk_register(True)
    fast = await _batch_view(session)

    assert fast == slow
    assert slow[-1] == [True] * 8
