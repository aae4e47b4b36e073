"""``factoryboy_request``: the work model fixtures had to leave for later in one test.

A model fixture creates the objects of its RelatedFactory declarations through the related
model fixtures (``book`` then ``edition``, whose ``book`` is that same book). When the
related fixture is already being set up further up the chain (``test(book)``: ``book`` needs
``author``, whose RelatedFactory is ``book``), asking for it now would be a cycle, so the
lookup is deferred here and done at the latest just before the test runs, when the whole
chain is cached. The shape (``deferred``, a list of lists) is pytest-factoryboy's.

The plugin itself uses the fixture under a name of its own, ``_async_factory_boy_request``
(``factoryboy_request`` is the same object): with pytest-factoryboy installed too, its
``factoryboy_request`` may be the one a test sees, and each plugin keeps its own work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

__all__ = [
    "PENDING",
    "Deferred",
    "FactoryboyRequest",
    "async_factory_boy_request",
    "factoryboy_request",
]


@dataclass(eq=False)
class Deferred:
    """One deferred lookup: the fixture ``name`` (e.g. ``author__book``) of ``model``."""

    name: str
    model: str
    #: Whether the lookup would still be a cycle for this request.
    blocked: Callable[[pytest.FixtureRequest], bool] = field(repr=False)

    def __call__(self, request: pytest.FixtureRequest) -> object:
        return request.getfixturevalue(self.name)


class FactoryboyRequest:
    """The deferred work of one test (the ``factoryboy_request`` fixture's value)."""

    def __init__(self) -> None:
        self.deferred: list[list[Deferred]] = []

    def defer(self, functions: list[Deferred]) -> None:
        """Keep ``functions`` until :meth:`evaluate` can run them without a cycle."""
        if functions:
            self.deferred.append(functions)

    def evaluate(self, request: pytest.FixtureRequest) -> None:
        """Run every deferred lookup that is no longer a cycle, newest first."""
        while self.deferred:
            batch = self.deferred[-1]
            for function in list(batch):
                if function.blocked(request):
                    return
                function(request)
                batch.remove(function)
            self.deferred.remove(batch)


#: The test's :class:`FactoryboyRequest`, once a model fixture has asked for it.
PENDING = pytest.StashKey[FactoryboyRequest]()


def _pending(request: pytest.FixtureRequest) -> FactoryboyRequest:
    """The deferred model-fixture work of this test (see :class:`FactoryboyRequest`)."""
    pending = FactoryboyRequest()
    request.node.stash[PENDING] = pending
    return pending


def _factoryboy_request(_async_factory_boy_request: FactoryboyRequest) -> FactoryboyRequest:
    """The deferred model-fixture work of this test (see :class:`FactoryboyRequest`)."""
    return _async_factory_boy_request


# The plugin's own fixtures: a test using them is reseeded (``_factory_seed``).
_pending._async_factory_boy_fixture = True  # type: ignore[attr-defined]  # a marker attribute set on a function object
_factoryboy_request._async_factory_boy_fixture = True  # type: ignore[attr-defined]  # a marker attribute set on a function object
async_factory_boy_request = pytest.fixture(name="_async_factory_boy_request")(_pending)
factoryboy_request = pytest.fixture(name="factoryboy_request")(_factoryboy_request)
