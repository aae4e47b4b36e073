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

Counters are found by walking factory_boy's factory classes; nothing is imported here, and
nothing is done before factory_boy has been imported by someone else.
"""

from __future__ import annotations

import sys
import weakref
from typing import Any

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

#: The next number of each counter (keyed by the factory options owning it).
Counters = dict[Any, int]

# Each counter's start (``_setup_next_sequence()``), asked once: a factory may compute it.
_starts: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()


def _roots() -> list[Any]:
    """The options (``_meta``) of every factory that owns a counter, as factory_boy shares them."""
    factory_base = sys.modules.get("factory.base")
    if factory_base is None:
        return []
    roots: dict[int, Any] = {}
    seen: set[type] = set()
    todo: list[type] = [factory_base.BaseFactory]
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        todo.extend(cls.__subclasses__())
        root = getattr(cls.__dict__.get("_meta"), "counter_reference", None)
        if root is not None:
            roots.setdefault(id(root), root)
    return list(roots.values())


def _start(root: Any) -> int:
    start = _starts.get(root)
    if start is None:
        start = _starts[root] = int(root.factory._setup_next_sequence())
    return start


def save() -> Counters:
    """The next number of every counter in use."""
    return {root: root._counter.seq for root in _roots() if root._counter is not None}


def restart(base: int = 0) -> None:
    """Set every counter to its start plus ``base``."""
    load({}, base)


def load(counters: Counters, base: int = 0) -> None:
    """Set every counter to its number in ``counters``, the others to start plus ``base``.

    With ``base`` 0, counters nobody used yet are left alone: they start there anyway.
    """
    for root in _roots():
        if root in counters:
            root._initialize_counter()
            root._counter.seq = counters[root]
        elif base or root._counter is not None:
            root._initialize_counter()
            root._counter.seq = base + _start(root)
