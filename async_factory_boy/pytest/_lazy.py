"""``LazyFixture``: an attribute value taken from another fixture when the test runs."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, Generic, TypeVar, cast

import pytest

__all__ = ["LazyFixture", "resolve"]

T = TypeVar("T")


class LazyFixture(Generic[T]):
    """An attribute value taken from another fixture when the test runs.

    ``register(UserFactory, "author", company=LazyFixture("other_company"))`` makes the
    ``author`` fixture use the ``other_company`` fixture as its company. A callable receives
    the fixtures named by its parameters: ``LazyFixture(lambda company: company.name)``.
    It is resolved wherever a value reaches a model fixture: ``register()`` keywords,
    declarations of the factory (``username = LazyFixture[str]("name")``) and
    ``parametrize`` values of attribute fixtures.
    """

    def __init__(self, fixture: str | Callable[..., T]) -> None:
        self.fixture = fixture
        if callable(fixture):
            parameters = inspect.signature(fixture).parameters.values()
            self.args: list[str] = [
                p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
            ]
        else:
            self.args = [fixture]

    @property
    def argnames(self) -> tuple[str, ...]:
        """The fixtures this lazy value needs."""
        return tuple(self.args)

    def evaluate(self, request: pytest.FixtureRequest) -> T:
        """The value, taking the fixtures it names from ``request``."""
        if callable(self.fixture):
            return self.fixture(**{name: request.getfixturevalue(name) for name in self.args})
        return cast(T, request.getfixturevalue(self.fixture))

    def __repr__(self) -> str:
        return f"LazyFixture({self.fixture!r})"


def resolve(request: pytest.FixtureRequest, value: object) -> Any:
    """``value``, or what it names if it is a :class:`LazyFixture`."""
    return value.evaluate(request) if isinstance(value, LazyFixture) else value
