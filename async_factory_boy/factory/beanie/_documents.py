"""Beanie documents as the Mongo backend sees them: a codec, and Beanie's insert lifecycle.

Documents are encoded exactly as Beanie's own ``insert`` / ``insert_many`` encode them
(``get_dict(document, to_db=True)``: ``Link`` fields become DBRefs, ``BackLink`` fields are
left out, ``Settings.keep_nulls`` is honoured). What ``Document.insert`` does around the
write, and ``Document.insert_many`` does not, is kept as well, so a factory-made document is
the one ``await doc.insert()`` would have made: ``@before_event(Insert)`` actions run before
the write, ``revision_id`` is set when ``Settings.use_revision`` is on, and after the write
the ``@after_event(Insert)`` actions run and the saved state is recorded (state management).
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from beanie import Document, PydanticObjectId
from beanie.odm.actions import ActionDirections, ActionRegistry, EventTypes
from beanie.odm.fields import LinkTypes
from beanie.odm.utils.dump import get_dict
from beanie.odm.utils.parsing import parse_obj

from ..._types import Instance, Kwargs
from ...errors import FactoryConfigurationError

__all__ = ["BeanieCodec", "after_insert", "before_insert", "check_back_links"]

_BACK_LINKS = frozenset(
    {
        LinkTypes.BACK_DIRECT,
        LinkTypes.OPTIONAL_BACK_DIRECT,
        LinkTypes.BACK_LIST,
        LinkTypes.OPTIONAL_BACK_LIST,
    }
)


class BeanieCodec:
    """Beanie ``Document`` classes, encoded and parsed by Beanie itself."""

    def to_document(self, instance: Instance) -> Kwargs:
        document: Kwargs = get_dict(
            instance, to_db=True, keep_nulls=instance.get_settings().keep_nulls
        )
        return document

    def get_id(self, instance: Instance) -> object:
        return instance.id

    def set_id(self, instance: Instance, document_id: Any) -> None:
        instance.id = PydanticObjectId(document_id)

    def from_document(self, model: Any, document: Kwargs) -> Instance:
        instance: Instance = parse_obj(model, document)
        instance._save_state()
        return instance


CODEC = BeanieCodec()


def _has_actions(document: Document, direction: ActionDirections) -> bool:
    return bool(ActionRegistry.get_action_list(type(document), EventTypes.INSERT, direction))


async def _run_actions(document: Document, direction: ActionDirections) -> None:
    await ActionRegistry.run_actions(
        document, event_type=EventTypes.INSERT, action_direction=direction, exclude=[]
    )


def before_insert(document: Document) -> Any:
    """Prepare ``document`` as ``Document.insert`` does; an awaitable to await if the class
    has ``@before_event(Insert)`` actions, else ``None`` (most have none: no await)."""
    if document.get_settings().use_revision:
        document.revision_id = uuid4()
    if _has_actions(document, ActionDirections.BEFORE):
        return _run_actions(document, ActionDirections.BEFORE)
    return None


def after_insert(document: Document) -> Any:
    """What ``Document.insert`` does once the document is stored: record its saved state
    (with state management on); an awaitable to await for its ``@after_event(Insert)``
    actions, else ``None``."""
    document._save_state()
    if _has_actions(document, ActionDirections.AFTER):
        return _run_actions(document, ActionDirections.AFTER)
    return None


def check_back_links(factory: type, document: Document) -> None:
    """Refuse a document given for a ``BackLink`` field: Beanie never stores back links, so
    the related document would be stored without its link to this one."""
    for name, info in (document.get_link_fields() or {}).items():
        if info.link_type not in _BACK_LINKS:
            continue
        value = getattr(document, name, None)
        values = value if isinstance(value, list) else [value]
        if any(isinstance(item, Document) for item in values):
            field = info.document_class.__name__
            raise FactoryConfigurationError(
                f"{factory.__name__}: {type(document).__name__}.{name} is a BackLink, which "
                f"Beanie does not store, so a {field} given for it would be stored without "
                f"its link to this {type(document).__name__}. Create the {field} documents "
                f"after this one instead, linking back to it: "
                f"`{name} = factory.RelatedFactoryList({field}Factory, "
                f"factory_related_name='<its Link field>', size=2)`."
            )
