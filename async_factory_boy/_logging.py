"""The package's logging: DEBUG lines about each factory call, free when nobody listens.

A library logs through the standard :mod:`logging` module and leaves the configuration to
the application: one logger, ``async_factory_boy``, no handler of its own, DEBUG lines only
(nothing a working program would want to see by default), their arguments formatted only
when a handler takes the line. Each call checks once whether the logger is enabled, so a
call costs the same as without logging when it is not.

What is logged:

- one line per factory call, when it ends: the method and factory the user called, the
  strategy, the connection (argument names and the types of their values: never the
  values, which may hold credentials), the number of objects made, the rows written
  (objects handed to a backend to store) and the time the call took; a failed call says
  so, with the exception's type;
- one line per backend scope at the end of a call (its bulk write of the held objects:
  one flush, one ``insert_many``, ...), with the time it took;
- one line when the fast resolution path makes a plan for a factory (or declines one).

factory_boy's own ``factory.debug()`` listens to the ``factory`` logger, to which
factory_boy's declarations log each evaluation. The fast resolution path (:mod:`._plan`)
inlines the commonest declarations; while ``factory.generate`` is enabled for DEBUG it
evaluates every declaration through factory_boy's own code instead, so the same lines
appear with the fast path on or off.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from time import perf_counter

__all__ = [
    "DEBUG",
    "FACTORY_LOGGER",
    "LOGGER",
    "connection_kinds",
    "elapsed_ms",
    "perf_counter",
]

#: The package's logger; every line is at DEBUG level.
LOGGER = logging.getLogger("async_factory_boy")
#: factory_boy's logger of declaration evaluations (what ``factory.debug()`` shows).
FACTORY_LOGGER = logging.getLogger("factory.generate")
DEBUG = logging.DEBUG


def connection_kinds(connection: Mapping[str, object]) -> str:
    """``"sqlalchemy_session=AsyncSession"``: the call's connection arguments by type.

    Only the types: a connection's ``repr`` may carry a URL with a password.
    """
    if not connection:
        return "none"
    return ", ".join(f"{name}={type(value).__name__}" for name, value in connection.items())


def elapsed_ms(started: float) -> float:
    """Milliseconds since ``started`` (a :func:`time.perf_counter` reading)."""
    return (perf_counter() - started) * 1000.0
