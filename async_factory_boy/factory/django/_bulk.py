"""When a batch of Django objects may be written with one ``abulk_create``.

``bulk_create`` skips what ``save()`` does: it sends no ``pre_save`` / ``post_save`` signals,
never calls a model's own ``save()``, cannot insert multi-table children, and only hands the
primary keys back on databases that return rows from a bulk insert (PostgreSQL, SQLite >=
3.35, MariaDB >= 10.5). A batch goes through it only when none of that changes the result,
so that ``create_batch_async`` returns the same rows either way, just faster.
"""

from __future__ import annotations

from django.db import connections  # type: ignore[import-untyped]  # Django ships no type hints (django-stubs is not a dependency)
from django.db.models import Model, signals  # type: ignore[import-untyped]  # Django ships no type hints (django-stubs is not a dependency)

from ..._types import Args, ModelClass

__all__ = ["bulk_insert_is_equivalent"]


def _plain_saves() -> Args:
    """``save`` methods a bulk insert may skip: Django's own.

    ``AbstractBaseUser.save`` only adds a password-validation callback after
    ``set_password()``; objects built from a factory's fields (``Password`` hashes with
    ``make_password``) never have one pending, so user models still qualify.
    """
    saves: Args = (Model.save,)
    try:
        from django.contrib.auth.base_user import AbstractBaseUser  # type: ignore[import-untyped]  # Django ships no type hints (django-stubs is not a dependency)
    except ImportError:  # pragma: no cover - django.contrib.auth is part of Django
        return saves
    return (*saves, AbstractBaseUser.save)


def _has_own_save(model_class: ModelClass) -> bool:
    return model_class.save not in _plain_saves() or model_class.asave is not Model.asave


def _is_multi_table_child(model_class: ModelClass) -> bool:
    concrete = model_class._meta.concrete_model
    return any(parent._meta.concrete_model is not concrete for parent in _parents(model_class))


def _parents(model_class: ModelClass) -> list[ModelClass]:
    parents: list[ModelClass] = list(model_class._meta.get_parent_list())
    return parents


def _has_save_receivers(model_class: ModelClass) -> bool:
    return bool(
        signals.pre_save.has_listeners(model_class) or signals.post_save.has_listeners(model_class)
    )


def bulk_insert_is_equivalent(model_class: ModelClass, alias: str) -> bool:
    """Whether ``abulk_create`` on ``alias`` gives the same rows as one ``acreate`` each."""
    return (
        connections[alias].features.can_return_rows_from_bulk_insert
        and not _has_own_save(model_class)
        and not _is_multi_table_child(model_class)
        and not _has_save_receivers(model_class)
    )
