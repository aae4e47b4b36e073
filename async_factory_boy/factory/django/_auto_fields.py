"""``Meta.auto_fields`` for Django models: declarations derived from the model's fields.

A field is required when the database needs a value and Django would not supply one: not
``null``, no ``default``, not an auto field or ``auto_now`` / ``auto_now_add``. Values come
from the core's type-to-value table (``_field_values``), by :func:`field_facts`: they follow
the field (``max_length``, ``choices``, ``max_digits`` / ``decimal_places``, an
``EmailField`` holds emails), its name (readable values) and ``USE_TZ``; ``unique``
fields get Sequence-based values; a required ``ForeignKey`` / ``OneToOneField`` becomes a
SubFactory of the factory defined for the related model (else an auto factory).
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from ..._auto_fields import AutoFieldsMode, ModelSubFactory, Underivable, cannot_derive
from ..._field_values import FieldFacts, value_for
from ..._types import FactoryClass, Kwargs

__all__ = ["derive_from_django_model", "field_facts"]


def _aware() -> bool:
    from django.conf import settings  # type: ignore[import-untyped]  # Django ships no type hints (django-stubs is not a dependency)

    return bool(getattr(settings, "USE_TZ", False))


#: What a string field holds when its class says so, whatever its name.
_STRING_KINDS = {
    "EmailField": "email",
    "URLField": "url",
    "SlugField": "slug",
    "GenericIPAddressField": "ipv4",
    "IPAddressField": "ipv4",
}


def field_facts(field: Any) -> FieldFacts:
    """What the type-to-value table needs to know of the Django model field ``field``."""
    from django.db import models  # type: ignore[import-untyped]  # Django ships no type hints (django-stubs is not a dependency)

    name = field.attname
    unique = bool(field.unique or field.primary_key)
    if field.choices:
        choices = tuple(value for value, _ in field.flatchoices)
        return FieldFacts(name, str, source=field, choices=choices)
    python_type: type | None = None
    extra: dict[str, Any] = {}
    if isinstance(field, models.BooleanField):
        python_type = bool
    elif isinstance(field, models.DecimalField):
        python_type = decimal.Decimal
        extra = {"precision": field.max_digits, "scale": field.decimal_places}
    elif isinstance(field, models.FloatField):
        python_type = float
    elif isinstance(field, models.IntegerField):
        python_type = int
    elif isinstance(field, models.UUIDField):
        python_type = uuid.UUID
    elif isinstance(field, models.DateTimeField):
        python_type = datetime.datetime
        extra = {"aware": _aware()}
    elif isinstance(field, models.DateField):
        python_type = datetime.date
    elif isinstance(field, models.TimeField):
        python_type = datetime.time
    elif isinstance(field, models.DurationField):
        python_type = datetime.timedelta
    elif isinstance(field, models.JSONField):
        python_type = dict
    elif isinstance(field, models.BinaryField):
        python_type = bytes
        extra = {"max_length": field.max_length}
    elif isinstance(field, (models.CharField, models.TextField, models.GenericIPAddressField)):
        python_type = str
        extra = {"max_length": field.max_length}
        for klass in type(field).__mro__:
            kind = _STRING_KINDS.get(klass.__name__)
            if kind is not None:
                extra["kind"] = kind
                break
    return FieldFacts(name, python_type, source=field, unique=unique, **extra)


def _is_optional(field: Any) -> bool:
    if field.null or field.has_default():
        return True
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def derive_from_django_model(
    factory_class: FactoryClass, model: type, mode: AutoFieldsMode, family: type
) -> tuple[Kwargs, tuple[str, ...]]:
    """Declarations for the Django ``model`` (see the module docstring)."""
    from django.db import models

    derived: Kwargs = {}
    for field in model._meta.concrete_fields:  # type: ignore[attr-defined]  # Django's Model._meta is untyped (no stubs)
        if isinstance(field, models.AutoField) or (field.primary_key and field.has_default()):
            continue
        if field.is_relation:
            if field.many_to_one or field.one_to_one:
                target = field.related_model
                if not field.null and target is not model:
                    covers = (field.attname,)
                    derived[field.name] = ModelSubFactory(target, family, covers=covers)
            continue
        optional = _is_optional(field)
        if optional and (mode != "all" or getattr(field, "auto_now", False)):
            continue
        value = value_for(field_facts(field))
        if value is None:
            if optional:
                continue
            kind = type(field).__name__
            derived[field.name] = Underivable(
                cannot_derive(factory_class.__name__, model, field.name, kind)
            )
            continue
        derived[field.name] = value
    return derived, ()
