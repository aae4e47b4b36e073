"""Model objects made the way SQLAlchemy's loader makes them: no instrumented constructor.

``Model(**values)`` on a declarative model is a long way to fill a dictionary: the class's
instrumented ``__init__`` creates the instance state, ``_initialize_instance`` fires the
``init`` event (the mapper's own listener: configure, polymorphic identity), the declarative
constructor checks each keyword with ``hasattr`` and ``setattr``\\ s it through the
instrumented descriptor, whose attribute implementation records the change. In a batch that
is about a third of the time (``docs/performance/``).

:func:`make` takes the steps themselves, where the result is the same object, state for
state: ``class_manager.new_instance()`` (what the loader calls), the mapper's ``init`` work,
then each value through its attribute implementation's own ``set`` (relationships: cascade
and backref listeners, validators, parent tracking all run as with ``setattr``), except a
plain column attribute (no ``set`` listener, no active history), for which it does inline
what that ``set`` does on a new object: the value into ``state.dict``, the previous value
(none) into ``committed_state``, ``state.modified``. A model with its own ``__init__``
(SQLModel, dataclass mappings), another ``init`` listener, a metaclass ``__call__``, or a
keyword that is not an instrumented attribute gets the real constructor (which also raises
its own error for an unknown keyword). ``ASYNC_FACTORY_BOY_LOADER_MAKE=0`` turns it off;
``tests/sqlalchemy/test_loader_make.py`` compares both ways.
"""

from __future__ import annotations

import importlib
import os
import weakref
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Mapper, attributes
from sqlalchemy.orm.base import LoaderCallableStatus
from sqlalchemy.orm.decl_base import _declarative_constructor

from ..._types import Instance, Kwargs, ModelClass

__all__ = ["ENABLED", "make"]

#: Off with ``ASYNC_FACTORY_BOY_LOADER_MAKE=0``: every object through its constructor.
ENABLED = os.environ.get("ASYNC_FACTORY_BOY_LOADER_MAKE", "1") != "0"

NO_VALUE = LoaderCallableStatus.NO_VALUE

#: The mapper's own ``init`` listener (configure, polymorphic identity), the one allowed.
#: (The module, not ``sqlalchemy.orm.mapper``: the package's attribute of that name is the
#: legacy ``mapper()`` function.)
_MAPPER_INIT = getattr(importlib.import_module("sqlalchemy.orm.mapper"), "_event_on_init", None)
#: SQLAlchemy 2.1's "leave unset" marker (dataclass defaults), which ``set`` skips.
_DONT_SET = getattr(attributes, "DONT_SET", object())


@dataclass(frozen=True, slots=True)
class _Plan:
    """One model class's way in: its mapper, and per attribute key its implementation and
    whether a value may be stored inline."""

    mapper: Mapper[object]
    attributes: dict[str, tuple[Any, bool]]


_plans: weakref.WeakKeyDictionary[type, _Plan | None] = weakref.WeakKeyDictionary()


def make(model_class: ModelClass, kwargs: Kwargs) -> Instance:
    """``model_class(**kwargs)``, made the loader's way where that is the same object."""
    plan = _plan(model_class) if ENABLED else None
    if plan is None or not kwargs.keys() <= plan.attributes.keys():
        return model_class(**kwargs)
    mapper = plan.mapper
    dispatch = mapper.class_manager.dispatch
    if len(dispatch.init) != 1 or dispatch.init_failure:  # a listener added since the plan
        return model_class(**kwargs)
    mapper._check_configure()  # what the mapper's init listener does first
    obj = mapper.class_manager.new_instance()
    state = attributes.instance_state(obj)
    if mapper._set_polymorphic_identity:
        mapper._set_polymorphic_identity(state)
    dict_ = state.dict
    committed = state.committed_state
    found = plan.attributes
    for key, value in kwargs.items():
        impl, plain = found[key]
        if (
            plain
            and not impl.dispatch.set  # (a validator or listener added since the plan)
            and value is not _DONT_SET
            and state.session_id is None
            and state._last_known_values is None
        ):
            # _ScalarAttributeImpl.set + InstanceState._modified_event on an object in no
            # session: nothing else happens there.
            if key not in committed:
                committed[key] = dict_.get(key, NO_VALUE)
            dict_[key] = value
            state.modified = True
        else:
            impl.set(state, dict_, value, None)
    return obj


def _plan(model_class: ModelClass) -> _Plan | None:
    try:
        return _plans[model_class]
    except KeyError:
        plan = _plans[model_class] = _plan_for(model_class)
        return plan


def _plan_for(model_class: ModelClass) -> _Plan | None:
    mapper = inspect(model_class, raiseerr=False)
    if not isinstance(mapper, Mapper) or mapper.class_ is not model_class:
        return None
    mapper._check_configure()  # attribute implementations exist once configured
    manager = mapper.class_manager
    if (
        _MAPPER_INIT is None
        or manager.original_init is not _declarative_constructor
        or model_class.__init__ is not getattr(manager, "new_init", None)
        or type(model_class).__call__ is not type.__call__
        or not _only_mapper_listeners(manager)
    ):
        return None
    column_keys = {prop.key for prop in mapper.column_attrs}
    found: dict[str, tuple[Any, bool]] = {}
    for key in manager:
        impl = manager[key].impl
        if impl is None:
            continue
        plain = (
            key in column_keys
            and not impl.dispatch.set
            and not impl.dispatch._active_history
            and impl.send_modified_events
        )
        found[key] = (impl, plain)
    return _Plan(mapper, found)


def _only_mapper_listeners(manager: Any) -> bool:
    """The class's ``init`` listeners are the mapper's own, and none for a failed init."""
    return list(manager.dispatch.init) == [_MAPPER_INIT] and not manager.dispatch.init_failure
