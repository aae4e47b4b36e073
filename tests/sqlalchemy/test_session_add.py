"""A factory's object added without the cascade walk (``_session_add``) is added exactly as
``Session.add`` adds it.

Each test does the same thing twice, once with ``Session.add`` and once through the fast
path, and compares what the session holds (pending objects, their order, their states), or
what the database holds after factories ran with the switch on and off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from async_factory_boy.factory.sqlalchemy import _session_add
from examples.blog import models as blog

from ._made_rows import made_rows
from .models import Company, User


@pytest.fixture
def direct_add() -> Iterator[Callable[[bool], None]]:
    """Turn the fast path on or off for one test; restored afterwards."""
    before = _session_add.ENABLED

    def switch(on: bool) -> None:
        _session_add.ENABLED = on

    yield switch
    _session_add.ENABLED = before


def _session_view(session: Session, objects: list[Any]) -> list[tuple[Any, ...]]:
    """What the session says of each object: pending, its insert order, its flags."""
    names = {id(obj): index for index, obj in enumerate(objects)}
    pending = sorted(session.new, key=lambda obj: inspect(obj).insert_order)
    return [
        (
            names.get(id(obj), type(obj).__name__),
            inspect(obj).insert_order,
            inspect(obj)._orphaned_outside_of_session,
            inspect(obj)._strong_obj is obj,
            inspect(obj).session_id == session.hash_key,
        )
        for obj in pending
    ]


def _graph() -> list[Any]:
    """Parents first, as factories make them; then objects the cascade has to find."""
    author = blog.Author(name="Ada", email="ada@example.com")
    tag = blog.Tag(name="python")
    post = blog.Post(author=author, title="On engines", body="...", tags=[tag])
    orphan_parent = blog.Author(name="Not added", email="na@example.com")
    comment = blog.Comment(post=post, author=orphan_parent, body="Nice")  # a parent not added
    company = Company(name="Acme")
    user = User(name="Grace", company=company)
    loner = Company(name="Loner")
    return [author, tag, post, comment, company, user, loner]


@pytest.mark.parametrize("fast", [False, True], ids=["Session.add", "direct"])
def test_the_session_holds_what_session_add_leaves(fast: bool) -> None:
    def run(use_fast: bool) -> list[tuple[Any, ...]]:
        objects = _graph()
        session = Session()
        for obj in objects:
            if use_fast:
                _session_add.add(session, obj)
            else:
                session.add(obj)
        return _session_view(session, objects)

    expected = run(False)
    assert run(fast) == expected
    # The author's backref holds the post (not added yet): the walk adds it and what it
    # reaches, the comment's author after the comment, before the tag is added itself.
    assert [entry[0] for entry in expected] == [0, 2, 3, "Author", 1, 4, 5, 6]


def test_objects_made_parents_first_skip_the_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    """As a factory makes them: the company added before the user that holds it."""
    plain = Session()
    company = Company(name="Acme")
    plain.add(company)
    plain.add(User(name="Grace", company=company))
    expected = _session_view(plain, [])

    walks: list[object] = []
    monkeypatch.setattr(Session, "add", lambda self, obj, **kw: walks.append(obj))
    session = Session()
    company = Company(name="Acme")
    _session_add.add(session, company)
    _session_add.add(session, User(name="Grace", company=company))

    assert walks == []
    assert _session_view(session, []) == expected


def test_an_object_already_in_a_session_gets_session_adds_error() -> None:
    company = Company(name="Acme")
    Session().add(company)
    other = Session()
    with pytest.raises(sa.exc.InvalidRequestError, match="already attached to session"):
        _session_add.add(other, company)


def test_attach_listeners_still_run() -> None:
    session = Session()
    seen: list[str] = []

    @sa.event.listens_for(session, "transient_to_pending")
    def pending(session: Session, instance: Any) -> None:
        seen.append(type(instance).__name__)

    _session_add.add(session, Company(name="Acme"))
    assert seen == ["Company"]


@pytest.mark.asyncio
async def test_factories_write_the_same_rows_with_and_without(
    session: AsyncSession, direct_add: Callable[[bool], None]
) -> None:
    direct_add(False)
    slow = await made_rows(session)
    direct_add(True)
    fast = await made_rows(session)

    assert fast == slow
    assert len(slow) == 8
