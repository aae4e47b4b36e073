"""Flush on demand: a generated key read during a call is flushed for, then returned.

A call adds its objects without flushing and flushes once at the end. That would hand
``None`` to a declaration that reads a value the database generates, e.g.
``company_id = factory.SelfAttribute("company.id")`` on a model without ``relationship()``.
SQLAlchemy fires the ``init_scalar`` attribute event when an unset attribute of a pending
object is read; on the columns the database or SQLAlchemy fill in at INSERT time (primary
keys, column defaults, server defaults, computed and identity columns) a listener flushes
the call's session right then, through the greenlet bridge, and returns the fresh value.
Nothing is flushed early when no declaration reads such a value.
"""

from __future__ import annotations

import functools
import weakref
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, event, inspect
from sqlalchemy.orm import Mapper

from ..._backends import backend_named
from ..._bridge import await_, in_bridge
from ..._call import current_call
from ..._types import Kwargs
from ._bulk_plan import is_generated

__all__ = ["ModelInfo", "model_info", "read_generated"]


@dataclass(frozen=True)
class ModelInfo:
    """What the backend needs to know about a mapped class, computed once per class."""

    #: Attribute keys of server-generated columns, read back after the flush if the INSERT
    #: did not return them.
    server_keys: frozenset[str]


# Weak keys: a model class mapped at run time is not kept alive by this cache.
_models: weakref.WeakKeyDictionary[type, ModelInfo] = weakref.WeakKeyDictionary()


def model_info(model_class: type) -> ModelInfo:
    """The :class:`ModelInfo` of ``model_class``, installing its listeners on first use."""
    info = _models.get(model_class)
    if info is None:
        info = _models[model_class] = _inspect_model(model_class)
    return info


def _is_server_generated(column: Column[object]) -> bool:
    return (
        column.server_default is not None
        or column.computed is not None
        or column.identity is not None
    )


def _inspect_model(model_class: type) -> ModelInfo:
    mapper: Mapper[object] = inspect(model_class)
    server_keys = set()
    for prop in mapper.column_attrs:
        columns = [column for column in prop.columns if isinstance(column, Column)]
        if any(is_generated(column) for column in columns):
            listener = functools.partial(_flush_on_read, prop.key)
            event.listen(prop.class_attribute, "init_scalar", listener, retval=True, propagate=True)
        if any(_is_server_generated(column) for column in columns):
            server_keys.add(prop.key)
    return ModelInfo(server_keys=frozenset(server_keys))


def read_generated(target: Any, key: str) -> Any:
    """``target.key``, flushed for if it is still ``None`` on a pending object of the call.

    The ``init_scalar`` listener does not fire for an attribute the constructor set to
    ``None`` explicitly, as SQLModel's does for ``id: int | None = Field(default=None,
    primary_key=True)``; a derived foreign key reads its parent's key through this instead.
    """
    value = getattr(target, key)
    if value is not None or not in_bridge():
        return value
    state = inspect(target, raiseerr=False)
    if state is None or not state.pending:
        return value
    return _flush_on_read(key, target, value, {})


def _flush_on_read(key: str, target: Any, value: object, dict_: Kwargs) -> Any:
    """``init_scalar`` listener: flush the call's session if ``target`` is pending in it."""
    if key in dict_:  # another listener (a base class's) flushed already
        return dict_[key]
    if not in_bridge():
        return value
    call = current_call()
    # The backend's scope class, from the registry (``_session`` imports this module).
    scope: Any = None if call is None else call.find_scope(backend_named("sqlalchemy").scope)
    if scope is None or not (scope.flushes or scope.commit):
        return value
    state = inspect(target)
    if not state.pending or state.session is not scope.sync_session:
        return value
    await_(scope.flush_now())
    if key not in dict_ and state.persistent and key in state.unloaded:
        await_(scope.session.refresh(target, attribute_names=[key]))
    return dict_.get(key, state.dict.get(key, value))
