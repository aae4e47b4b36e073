"""A factory's new object into its session, without the cascade walk when it finds nothing.

``Session.add`` walks the object's save-update cascade (``Mapper.cascade_iterator``) to add
what the object reaches. A factory builds parents first (a SubFactory's object is made and
added before the object that holds it), so when a user is added its company is in the
session already and the walk, which stops at objects the session holds, adds nothing. In a
batch that walk is about a tenth of the time (``docs/performance/``).

:func:`add` looks at the objects the walk would start from (each save-update relationship's
pending values, read as the walk reads them: ``get_all_pending``); when every one of them is
in the session, it takes only the steps ``Session.add`` takes for the object itself
(``_save_impl`` with ``_before_attach`` / ``_after_attach`` of a transient object). Anything
else, such as a related object not in the session, an object already in a session, a persistent one,
session ``attach`` / ``transient_to_pending`` listeners, or an add from inside a flush event, goes
through ``Session.add`` itself. ``ASYNC_FACTORY_BOY_DIRECT_ADD=0`` turns it off;
``tests/sqlalchemy/test_session_add.py`` compares both ways.
"""

from __future__ import annotations

import os
import weakref
from typing import Any

from sqlalchemy.orm import Mapper, Session
from sqlalchemy.orm.attributes import instance_state

from ..._types import Instance

__all__ = ["ENABLED", "add"]

#: Off with ``ASYNC_FACTORY_BOY_DIRECT_ADD=0``: every object through ``Session.add``.
ENABLED = os.environ.get("ASYNC_FACTORY_BOY_DIRECT_ADD", "1") != "0"

#: Per mapper: (key, attribute implementation) of each relationship the save-update cascade
#: follows, in the mapper's property order (as ``Mapper.cascade_iterator`` visits them).
_cascading: weakref.WeakKeyDictionary[Mapper[Any], tuple[tuple[str, Any], ...]] = (
    weakref.WeakKeyDictionary()
)


def add(sync: Session, obj: Instance) -> None:
    """``sync.add(obj)``, exactly, for a new object; without the cascade walk where it would
    add nothing."""
    if not ENABLED:
        sync.add(obj)
        return
    state = instance_state(obj)
    dispatch = sync.dispatch
    if (
        state.key is not None
        or state.session_id is not None
        or sync._warn_on_events
        or dispatch.before_attach
        or dispatch.after_attach
        or dispatch.transient_to_pending
    ):
        sync.add(obj)
        return
    dict_ = state.dict
    contains = sync._contains_state
    for key, impl in _cascade_of(state.mapper):
        if key in dict_:
            for related_state, related in impl.get_all_pending(state, dict_):
                if related is not None and not contains(related_state):
                    sync.add(obj)  # the walk has something to add: let it
                    return
    # Session._save_or_update_state -> _save_impl, _before_attach, _after_attach, for a
    # transient object and a session with no attach listeners.
    state._orphaned_outside_of_session = False
    sync._autobegin_t()
    new = sync._new
    if state not in new:
        new[state] = obj
        state.insert_order = len(new)
    state.session_id = sync.hash_key
    if state.modified and state._strong_obj is None:
        state._strong_obj = obj


def _cascade_of(mapper: Mapper[Any]) -> tuple[tuple[str, Any], ...]:
    found = _cascading.get(mapper)
    if found is None:
        manager = mapper.class_manager
        found = _cascading[mapper] = tuple(
            (prop.key, manager[prop.key].impl)
            for prop in mapper._props.values()
            if prop.cascade and "save-update" in prop.cascade
        )
    return found
