"""Sequence numbers that do not depend on which tests ran before: restarted per test.

factory_boy numbers the objects of each factory through the whole run (one counter per
factory, shared with its subclasses for the same model), so a test run alone gets
``user0@...`` and the same test after others ``user20@...``. For a replayed test to get the
data it had in the full run, the plugin sets every counter back to its start (what
``_setup_next_sequence()`` gives, usually 0) before each test it reseeds.

Data made once for several tests (a fixture of class, module, package or session scope)
must not take numbers the tests take again, or unique columns would collide. So such a
fixture draws from counters of its own: those of its scope's node (the module, the class,
...), which start far from the tests' (:data:`SCOPE_BASES`) and continue from one fixture
of that node to the next; the tests' counters are put back when it is set up.

Counters are found by walking factory_boy's factory classes and set through ``_compat``'s
sequence helpers (those the seed command uses); nothing is done before factory_boy has
been imported by someone else.
"""

from __future__ import annotations

import sys
import weakref

from .._types import FactoryClass

__all__ = ["SCOPE_BASES", "Counters", "load", "restart", "save"]

#: Where each fixture scope's numbers start (added to the factory's own start). A test may
#: make up to a million objects of one factory before it reaches a class fixture's numbers.
SCOPE_BASES = {
    "function": 0,
    "class": 1_000_000,
    "module": 2_000_000,
    "package": 3_000_000,
    "session": 4_000_000,
}

#: The next number of each counter, keyed by the factory owning it.
Counters = dict[FactoryClass, int]

# Each counter's start (``_setup_next_sequence()``), asked once: a factory may compute it.
_starts: weakref.WeakKeyDictionary[FactoryClass, int] = weakref.WeakKeyDictionary()


def _owners() -> list[FactoryClass]:
    """Every factory class that owns a counter (factory_boy shares one down a model's line)."""
    if "factory.base" not in sys.modules:
        return []  # nobody imported factory_boy: there are no counters
    from .._compat import BaseFactory, sequence_counter

    owners: dict[FactoryClass, None] = {}
    seen: set[FactoryClass] = set()
    todo: list[FactoryClass] = [BaseFactory]
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        todo.extend(cls.__subclasses__())
        if getattr(cls._meta, "counter_reference", None) is not None:
            owners[sequence_counter(cls)] = None
    return list(owners)


def _start(owner: FactoryClass) -> int:
    start = _starts.get(owner)
    if start is None:
        start = _starts[owner] = int(owner._setup_next_sequence())
    return start


def save() -> Counters:
    """The next number of every counter."""
    from .._compat import sequence_next

    return {owner: sequence_next(owner) for owner in _owners()}


def restart(base: int = 0) -> None:
    """Set every counter to its start plus ``base``."""
    load({}, base)


def load(counters: Counters, base: int = 0) -> None:
    """Set every counter to its number in ``counters``, the others to start plus ``base``."""
    owners = _owners()
    if not owners:
        return
    from .._compat import set_sequence_next

    for owner in owners:
        set_sequence_next(owner, counters.get(owner, base + _start(owner)))
