"""``class Meta`` of the Django factories: factory_boy's Django options, resolved with care.

On top of factory_boy's ``DjangoOptions`` (``django_get_or_create``, ``database``,
``skip_postgeneration_save``, ``'app_label.ModelName'`` strings) this resolves model strings
at first use (not at class definition) with an error that names the factory.
"""

from __future__ import annotations

from typing import Any

from ..._compat import DjangoOptions
from ..._factory import AsyncFactoryOptions
from ._errors import DjangoModelNotFoundError, check_django_ready

__all__ = ["AsyncDjangoOptions"]


class AsyncDjangoOptions(DjangoOptions, AsyncFactoryOptions):
    """factory_boy's Django options for :class:`AsyncDjangoModelFactory`."""

    django_get_or_create: tuple[str, ...]
    database: str
    skip_postgeneration_save: bool

    # While the factory class is being defined, a model string stays a string: Django may
    # not be set up yet when a factories module is imported, and a bad string is reported
    # by the first call, naming the factory.
    _defining = False

    def contribute_to_class(self, factory: Any, *args: Any, **kwargs: Any) -> None:
        self._defining = True
        try:
            super().contribute_to_class(factory, *args, **kwargs)
        finally:
            self._defining = False

    def get_model_class(self) -> Any:
        model = self.model
        if not isinstance(model, str) or self._defining:
            return model
        factory_name = getattr(self.factory, "__name__", "DjangoModelFactory")
        check_django_ready(factory_name)
        app_label, dot, model_name = model.partition(".")
        if not dot or not app_label or not model_name:
            raise DjangoModelNotFoundError(
                f"{factory_name}.Meta.model = {model!r} is not a model: give the model class "
                "or a string 'app_label.ModelName'."
            )
        from django.apps import apps  # type: ignore[import-untyped]  # Django ships no type hints (django-stubs is not a dependency)

        try:
            self.model = apps.get_model(app_label, model_name)
        except LookupError as exc:
            raise DjangoModelNotFoundError(
                f"{factory_name}.Meta.model = {model!r} does not name an installed model "
                f"({exc}). Check the app label (the app must be in INSTALLED_APPS) and the "
                "model name."
            ) from exc
        return self.model

    def _get_counter_reference(self) -> Any:
        # factory_boy's version calls ``issubclass`` / reads ``model._meta``, which fails while
        # a model is still an 'app_label.ModelName' string: compare the strings instead (a
        # subclass for the same model shares its parent's sequence counter).
        base = self.base_factory
        base_model = None if base is None else base._meta.model
        if isinstance(self.model, str) or isinstance(base_model, str):
            if base is not None and self.model is not None and self.model == base_model:
                return base._meta.counter_reference
            return self
        return super()._get_counter_reference()  # type: ignore[no-untyped-call]  # factory_boy's method is unannotated
