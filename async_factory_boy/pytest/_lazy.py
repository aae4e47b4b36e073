"""``LazyFixture``: an attribute value taken from another fixture when the test runs."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["LazyFixture"]


class LazyFixture:
    """An attribute value taken from another fixture when the test runs.

    ``register(UserFactory, "author", company=LazyFixture("other_company"))`` makes the
    ``author`` fixture use the ``other_company`` fixture as its company. A callable receives
    the fixtures named by its parameters: ``LazyFixture(lambda company: company.name)``.
    """

    def __init__(self, fixture: str | Callable[..., Any]) -> None:
        self.fixture = fixture
        if callable(fixture):
            parameters = inspect.signature(fixture).parameters.values()
            self.argnames: tuple[str, ...] = tuple(
                p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
            )
        else:
            self.argnames = (fixture,)

    def evaluate(self, values: Mapping[str, Any]) -> Any:
        """The value, given the fixtures this lazy fixture asked for."""
        if callable(self.fixture):
            return self.fixture(**{name: values[name] for name in self.argnames})
        return values[self.fixture]

    def __repr__(self) -> str:
        return f"LazyFixture({self.fixture!r})"
