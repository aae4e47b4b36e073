"""New objects the bulk writer inserted, made persistent in one pass: what the flush's last
step (``Session._register_persistent``) does for them, without what a fresh INSERT makes moot.

For every object it is given, ``_register_persistent`` computes the identity key through
each primary key attribute's implementation, compares it with the key the object may have
had (a primary key switch), replaces whatever the identity map holds under that key (with a
warning when that was a live object), then, in separate passes over all of them, commits
every attribute (``InstanceState._commit_all_states``), records each in the session
transaction (new or dirty) and calls ``pending_to_persistent`` listeners, and last takes them
out of ``Session.new``. In a batch of 4,000 objects that is about a third of the bulk write.

Objects the bulk writer has just inserted are pending (no key yet), their primary key values
are in their ``__dict__`` (given, or read back from the database), and a new key cannot be in
the identity map already. :func:`register_new` checks exactly that for all of them first,
then does for each, in one pass and in the same order, what those steps leave: the key, the
identity map entry, the committed attributes, the transaction's record of a new object, out
of ``Session.new``. When anything is different (a key missing or ``None``, a key the
identity map or another object of the batch holds, a ``pending_to_persistent`` listener, an
identity map or session SQLAlchemy did not make) it returns ``False`` having changed
nothing, and the caller registers them through ``_register_persistent``.

``ASYNC_FACTORY_BOY_BULK_REGISTER=0`` (or :data:`ENABLED` set to False) turns it off;
``tests/sqlalchemy/test_register.py`` compares the two ways.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Collection
from typing import Any

from sqlalchemy.orm import Mapper, Session, identity
from sqlalchemy.orm.state import InstanceState

__all__ = ["ENABLED", "register_new"]

#: Off with ``ASYNC_FACTORY_BOY_BULK_REGISTER=0``: ``Session._register_persistent`` for all.
ENABLED = os.environ.get("ASYNC_FACTORY_BOY_BULK_REGISTER", "1") != "0"

#: The identity map every SQLAlchemy ``Session`` uses (renamed in 2.1).
_WEAK_MAP: Any = getattr(identity, "_WeakInstanceDict", None) or getattr(
    identity, "WeakInstanceDict", None
)

#: Per mapper: the identity class and the primary key attributes' keys, in key order.
_key_parts: weakref.WeakKeyDictionary[Mapper[Any], tuple[type, tuple[str, ...]]] = (
    weakref.WeakKeyDictionary()
)


def _parts(mapper: Mapper[Any]) -> tuple[type, tuple[str, ...]]:
    found = _key_parts.get(mapper)
    if found is None:
        keys = tuple(prop.key for prop in mapper._identity_key_props)
        found = _key_parts[mapper] = (mapper._identity_class, keys)
    return found


def register_new(sync: Session, states: Collection[InstanceState[Any]]) -> bool:
    """Make ``states`` (pending in ``sync``, just inserted) persistent as the flush does;
    ``False``, with nothing changed, where ``Session._register_persistent`` must do it."""
    if not ENABLED or _WEAK_MAP is None or not states:
        return False
    id_map = sync.identity_map
    transaction = sync._transaction
    new = sync._new
    if type(id_map) is not _WEAK_MAP or transaction is None or sync.dispatch.pending_to_persistent:
        return False
    present = id_map._dict
    keys: dict[Any, tuple[InstanceState[Any], dict[str, Any]]] = {}
    by_manager: dict[Any, tuple[type, tuple[str, ...]]] = {}
    for state in states:
        obj = state.obj()
        if state.key is not None or obj is None or state not in new:
            return False
        manager = state.manager
        parts = by_manager.get(manager)
        if parts is None:
            parts = by_manager[manager] = _parts(manager.mapper)
        dict_ = obj.__dict__
        try:
            values = tuple([dict_[name] for name in parts[1]])
        except KeyError:
            return False
        if None in values:  # a NULL key: _register_persistent raises its FlushError
            return False
        key = (parts[0], values, state.identity_token)
        if key in present or key in keys:
            return False
        keys[key] = (state, dict_)
    weak_map = id_map._wr
    modified = id_map._modified
    record = transaction._new
    for key, (state, dict_) in keys.items():
        # _register_persistent, for a pending state whose key is new to the map:
        state.key = key
        present[key] = state  # IdentityMap.replace of an absent key
        state._instance_dict = weak_map  # ... its _manage_incoming_state
        state._orphaned_outside_of_session = False
        # InstanceState._commit_all_states (_manage_incoming_state adds a modified state
        # to the map's modified set, the commit takes it out again)
        state.committed_state.clear()
        state_dict = state.__dict__
        if "_pending_mutations" in state_dict:
            del state_dict["_pending_mutations"]
        if state.expired_attributes:
            state.expired_attributes.difference_update(dict_)
        if state.modified:
            modified.discard(state)
        state.modified = state.expired = False
        state._strong_obj = None
        # _register_altered (every state here is new), then out of Session.new
        record[state] = True
        new.pop(state)
    return True
