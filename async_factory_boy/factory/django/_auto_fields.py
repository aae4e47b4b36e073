"""``Meta.auto_fields`` for Django models: declarations derived from the model's fields.

A field is required when the database needs a value and Django would not supply one: not
``null``, no ``default``, not an auto field or ``auto_now`` / ``auto_now_add``. Values follow
the field: ``max_length``, ``choices``, ``max_digits`` / ``decimal_places``; ``unique``
fields get Sequence-based values; a required ``ForeignKey`` / ``OneToOneField`` becomes a
SubFactory of the factory defined for the related model (else an auto factory).
"""

from __future__ import annotations

import datetime
from typing import Any

from ..._auto_fields import (
    AutoFieldsMode,
    ModelSubFactory,
    cannot_derive,
    derived_date,
    derived_datetime,
    derived_time,
)
from ..._compat import Faker, LazyFunction, Sequence, randgen
from ..._types import FactoryClass, Kwargs

__all__ = ["derive_from_django_model"]


def _random_duration() -> datetime.timedelta:
    return datetime.timedelta(seconds=randgen.randint(0, 30 * 86400))


def _aware() -> bool:
    from django.conf import settings  # type: ignore[import-untyped]  # Django ships no type hints (django-stubs is not a dependency)

    return bool(getattr(settings, "USE_TZ", False))


def _unique(field: Any) -> Any:
    from django.db import models  # type: ignore[import-untyped]  # Django ships no type hints (django-stubs is not a dependency)

    name = field.attname
    if isinstance(field, (models.IntegerField, models.DecimalField, models.FloatField)):
        return Sequence(lambda n: n + 1)
    if isinstance(field, models.UUIDField):
        return Faker("uuid4", cast_to=None)
    if isinstance(field, models.EmailField):
        return Sequence(lambda n: f"{name}{n}@example.com")
    if isinstance(field, models.DateTimeField):
        zone = datetime.timezone.utc if _aware() else None
        start = datetime.datetime(2020, 1, 1, tzinfo=zone)
        return Sequence(lambda n: start + datetime.timedelta(seconds=n))
    if isinstance(field, models.DateField):
        return Sequence(lambda n: datetime.date(2020, 1, 1) + datetime.timedelta(days=n))
    if isinstance(field, (models.CharField, models.TextField)):
        length = field.max_length
        prefix = name if length is None else name[: max(length - 7, 0)]
        return Sequence(lambda n: f"{prefix}{n}"[: length or None])
    return None


def _value(field: Any) -> Any:
    from django.db import models

    if field.choices:
        return Faker("random_element", elements=[value for value, _ in field.flatchoices])
    if isinstance(field, models.BooleanField):
        return Faker("pybool")
    if isinstance(field, models.DecimalField):
        left = max(min(field.max_digits - field.decimal_places, 6), 1)
        return Faker(
            "pydecimal", left_digits=left, right_digits=field.decimal_places, positive=True
        )
    if isinstance(field, models.FloatField):
        return Faker("pyfloat", min_value=0, max_value=9999, right_digits=3)
    if isinstance(field, models.IntegerField):
        return Faker("pyint", min_value=0, max_value=9999)
    if isinstance(field, models.UUIDField):
        return Faker("uuid4", cast_to=None)
    if isinstance(field, models.EmailField):
        return Faker("email")
    if isinstance(field, models.URLField):
        return Faker("url")
    if isinstance(field, models.SlugField):
        return Faker("slug")
    if isinstance(field, models.GenericIPAddressField):
        return Faker("ipv4")
    if isinstance(field, models.DateTimeField):
        return derived_datetime(_aware())
    if isinstance(field, models.DateField):
        return derived_date()
    if isinstance(field, models.TimeField):
        return derived_time()
    if isinstance(field, models.DurationField):
        return LazyFunction(_random_duration)
    if isinstance(field, models.JSONField):
        return Faker("pydict", nb_elements=3, value_types=[str, int])
    if isinstance(field, models.BinaryField):
        return Faker("binary", length=min(field.max_length or 16, 16))
    if isinstance(field, (models.CharField, models.TextField)):
        length = field.max_length or 20
        return Faker("pystr", min_chars=1, max_chars=min(length, 20))
    return None


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
                    derived[field.name] = ModelSubFactory(target, family)
            continue
        optional = _is_optional(field)
        if optional and (mode != "all" or getattr(field, "auto_now", False)):
            continue
        value = _unique(field) if field.unique or field.primary_key else _value(field)
        if value is None:
            if optional:
                continue
            raise cannot_derive(factory_class.__name__, model, field.name, type(field).__name__)
        derived[field.name] = value
    return derived, ()
