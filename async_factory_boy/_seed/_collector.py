"""The garbage collector during a run's batches: the objects that exist before them set aside.

A run allocates tens of thousands of short-lived containers per batch (resolvers, keyword
dicts, records or objects, rows); enough of them survive a young collection while their
batch is alive that CPython's full (generation 2) collections come round, and each walks
every object the process holds: the imported modules, SQLAlchemy's and the models'
structures, the engine. In a run of 20,000 posts that was a fifth to a quarter of the CPU
time. :func:`set_aside` freezes what exists when the batches start (``gc.freeze``: the
collector no longer walks it) and unfreezes it when they end, so nothing is kept longer
than without it: garbage that existed at the start is collected after the run instead of
during it, and the batches' own cyclic garbage is collected as before.

It is left alone when something else froze objects already (an application that forks
workers after ``gc.freeze()``): unfreezing would undo that. ``ASYNC_FACTORY_BOY_SEED_GC_FREEZE=0``
(or :data:`ENABLED` set to False) turns it off.

The young collections are spaced out too: every 700 net allocations (CPython's default) a
batch's records, rows and keyword dicts, alive until the batch is written, are walked again
and again; with the first generation's threshold at :data:`YOUNG_THRESHOLD` during the run
they are walked a few times per batch (a seed of 20,000 posts on PostgreSQL: ~9% less CPU).
Almost nothing a batch makes is cyclic garbage (the resolver ties are cut as each object is
built), so memory stays what it was. A threshold set higher (or at 0) by the application
is left alone, and put back only if nobody changed it meanwhile; runs on several threads
share one raise. ``ASYNC_FACTORY_BOY_SEED_GC_SPACED=0`` (or :data:`SPACED`) turns it off.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
from collections.abc import Iterator

__all__ = ["ENABLED", "SPACED", "YOUNG_THRESHOLD", "set_aside"]

#: Off with ``ASYNC_FACTORY_BOY_SEED_GC_FREEZE=0``.
ENABLED = os.environ.get("ASYNC_FACTORY_BOY_SEED_GC_FREEZE", "1") != "0"

#: Off with ``ASYNC_FACTORY_BOY_SEED_GC_SPACED=0``.
SPACED = os.environ.get("ASYNC_FACTORY_BOY_SEED_GC_SPACED", "1") != "0"

#: The first generation's threshold during a run (a batch of 1,000 posts allocates ~40,000
#: containers that live until it is written).
YOUNG_THRESHOLD = 50_000

_lock = threading.Lock()
_runs = 0  # blocks inside :func:`_spaced` in this process
_put_back: tuple[int, int, int] | None = None  # the thresholds the first of them found


@contextlib.contextmanager
def set_aside() -> Iterator[None]:
    """Within the block, the collector does not walk the objects that existed before it,
    and its young collections are spaced out."""
    with _spaced():
        if not ENABLED or gc.get_freeze_count():
            yield
            return
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()


@contextlib.contextmanager
def _spaced() -> Iterator[None]:
    """The first generation's threshold at :data:`YOUNG_THRESHOLD` within the block."""
    global _runs, _put_back
    with _lock:
        _runs += 1
        if _runs == 1:
            found = gc.get_threshold()
            if SPACED and 0 < found[0] < YOUNG_THRESHOLD:
                _put_back = found
                gc.set_threshold(YOUNG_THRESHOLD, found[1], found[2])
    try:
        yield
    finally:
        with _lock:
            _runs -= 1
            if _runs == 0 and _put_back is not None:
                if gc.get_threshold() == (YOUNG_THRESHOLD, *_put_back[1:]):
                    gc.set_threshold(*_put_back)
                _put_back = None
