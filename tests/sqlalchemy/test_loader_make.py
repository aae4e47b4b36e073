"""Objects made the loader's way (``_loader_make``) are the objects the constructor makes.

The fast path fills the instance state itself where ``Model(**values)`` would only run the
declarative constructor; each test compares it with the constructor, state for state, or
row for row on every SQL database, and checks the models that must keep their constructor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates

from async_factory_boy.factory.sqlalchemy import _loader_make
from examples.blog import models as blog

from . import mapping_models
from ._made_rows import made_rows
from .models import Company, Enrollment, User


class _Base(DeclarativeBase):
    pass


class Shape(_Base):
    """Single-table inheritance: the constructor sets the discriminator (an init event)."""

    __tablename__ = "lm_shape"
    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "shape"}

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    label: Mapped[str] = mapped_column(sa.String(20), default="")


class Circle(Shape):
    __mapper_args__ = {"polymorphic_identity": "circle"}


class Checked(_Base):
    """A validator: a ``set`` listener on the attribute, which must still run."""

    __tablename__ = "lm_checked"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20))

    @validates("code")
    def upper(self, key: str, value: str) -> str:
        return value.upper()


class OwnInit(_Base):
    __tablename__ = "lm_own_init"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(20))

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.name = f"{self.name}!"


@pytest.fixture
def loader_make(request: pytest.FixtureRequest) -> Iterator[Callable[[bool], None]]:
    """Turn the fast path on or off for one test; restored afterwards."""
    before = _loader_make.ENABLED

    def switch(on: bool) -> None:
        _loader_make.ENABLED = on

    yield switch
    _loader_make.ENABLED = before


def _state(obj: Any, names: dict[int, str]) -> tuple[Any, ...]:
    """Everything the instance state holds, related objects named by ``names``."""

    def plain(value: Any) -> Any:
        if isinstance(value, list):
            return [plain(item) for item in value]
        return names.get(id(value), value)

    state = inspect(obj)
    return (
        type(obj),
        {key: plain(value) for key, value in state.dict.items() if key != "_sa_instance_state"},
        {key: plain(value) for key, value in state.committed_state.items()},
        state.modified,
        sorted(
            (key, parent if parent is False else names.get(id(parent.obj())))
            for key, parent in state.parents.items()
        ),
        state.key,
        state.session_id,
    )


def _graph(make: Callable[..., Any]) -> list[Any]:
    """The same objects, related through back_populates, a collection, a validator,
    polymorphic identities, defaults left to the database."""
    author = make(blog.Author, name="Ada", email="ada@example.com")
    tag = make(blog.Tag, name="python")
    post = make(blog.Post, author=author, title="On engines", body="...", tags=[tag])
    comment = make(blog.Comment, post=post, author=author, body="Nice")
    company = make(Company, name="Acme")
    user = make(User, name="Grace", company=company, email=None)
    enrollment = make(Enrollment, course="maths", student=3)
    circle = make(Circle, label="round")
    shape = make(Shape)
    checked = make(Checked, code="abc")
    return [author, tag, post, comment, company, user, enrollment, circle, shape, checked]


def test_objects_are_those_the_constructor_makes_state_for_state() -> None:
    made = _graph(lambda model, **kwargs: _loader_make.make(model, kwargs))
    constructed = _graph(lambda model, **kwargs: model(**kwargs))

    fast = [type(obj).__name__ for obj in made if _loader_make._plan(type(obj)) is not None]
    assert "Circle" not in fast  # a subclass's __init__ is its parent's: the constructor
    assert len(fast) == len(made) - 1
    fast_names = {id(obj): f"#{index}" for index, obj in enumerate(made)}
    slow_names = {id(obj): f"#{index}" for index, obj in enumerate(constructed)}
    for fast, slow in zip(made, constructed, strict=True):
        assert _state(fast, fast_names) == _state(slow, slow_names)
    assert made[-1].code == "ABC"
    assert made[-3].kind == "circle"


@pytest.mark.parametrize(
    "model",
    [OwnInit, mapping_models.Author, mapping_models.Account, mapping_models.SqlModelHero],
    ids=["own __init__", "dataclass mapping", "imperative mapping", "SQLModel"],
)
def test_models_with_a_constructor_of_their_own_keep_it(model: type[Any]) -> None:
    assert _loader_make._plan(model) is None


def test_an_unknown_keyword_gets_the_constructors_error() -> None:
    with pytest.raises(TypeError, match="'nmae' is an invalid keyword argument for Company"):
        _loader_make.make(Company, {"nmae": "Acme"})


def test_the_switch_and_a_listener_added_later_turn_it_off(
    loader_make: Callable[[bool], None],
) -> None:
    calls: list[Any] = []

    def on_init(target: Any, args: Any, kwargs: Any) -> None:
        calls.append(target)

    _loader_make.make(Company, {"name": "planned"})  # the plan is made before the listener
    sa.event.listen(Company, "init", on_init)
    try:
        _loader_make.make(Company, {"name": "listened"})
        loader_make(False)
        _loader_make.make(Company, {"name": "off"})
    finally:
        sa.event.remove(Company, "init", on_init)

    assert len(calls) == 2  # the constructor ran both times


@pytest.mark.asyncio
async def test_the_same_rows_and_objects_with_and_without(
    session: AsyncSession, loader_make: Callable[[bool], None]
) -> None:
    loader_make(False)
    slow = await made_rows(session)
    loader_make(True)
    fast = await made_rows(session)

    assert fast == slow
    assert len(slow) == 8
