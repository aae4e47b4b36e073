"""``class Meta`` of the Django factories: factory_boy's Django options, resolved with care.

On top of factory_boy's ``DjangoOptions`` (``django_get_or_create``, ``database``,
``skip_postgeneration_save``, ``'app_label.ModelName'`` strings) this resolves model strings
at first use (not at class definition) with an error that names the factory.
"""

from __future__ import annotations

from typing import Any

from ..._compat import DjangoOptions, OptionDefault
from ..._factory import AsyncFactoryOptions
from ..._model_option import refuse_model, with_model_check
from ._errors import DjangoModelNotFoundError, check_django_ready

__all__ = ["AsyncDjangoOptions"]


class AsyncDjangoOptions(DjangoOptions, AsyncFactoryOptions):
    """factory_boy's Django options for :class:`AsyncDjangoModelFactory`."""

    django_get_or_create: tuple[str, ...]
    database: str
    skip_postgeneration_save: bool

    def _check_model(self, meta: object, value: object) -> None:
        """A model class must be a Django model; a string is resolved (and checked) later."""
        if isinstance(value, str):
            return
        from django.db.models import Model  # type: ignore[import-untyped]  # Django ships no type hints (django-stubs is not a dependency)

        refuse_model(
            getattr(self.factory, "__name__", "AsyncDjangoModelFactory"),
            meta,
            value,
            lambda model: issubclass(model, Model),
            "a Django model (a subclass of django.db.models.Model), so it has no table to "
            "write to; give a model class or an 'app_label.ModelName' string",
        )

    def _build_default_options(self) -> list[OptionDefault]:
        return with_model_check(
            super()._build_default_options(),  # type: ignore[no-untyped-call]  # factory_boy's method is unannotated
            self._check_model,
        )

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

    resolves_model_later = True

    def model_if_ready(self) -> Any:
        """The model class once Django's app registry is ready, else ``None``.

        Read by ``auto_fields`` (derived once the string resolves) and by the pytest
        plugin's fixture names, so neither depends on whether the factory was used before.
        A string that names no model is left to the first call, which says so.
        """
        model = self.model
        if not isinstance(model, str):
            return model
        from django.apps import apps  # type: ignore[import-untyped]  # Django ships no type hints (django-stubs is not a dependency)

        if not apps.ready:
            return None
        try:
            return self._resolve(model)
        except DjangoModelNotFoundError:
            return None

    def get_model_class(self) -> Any:
        model = self.model
        if not isinstance(model, str) or self._defining:
            return model
        return self._resolve(model)

    def _resolve(self, model: str) -> Any:
        """The model class ``model`` names (kept in ``Meta.model`` from now on)."""
        factory_name = getattr(self.factory, "__name__", "DjangoModelFactory")
        check_django_ready(factory_name)
        app_label, dot, model_name = model.partition(".")
        if not dot or not app_label or not model_name:
            raise DjangoModelNotFoundError(
                f"{factory_name}.Meta.model = {model!r} is not a model: give the model class "
                "or a string 'app_label.ModelName'."
            )
        from django.apps import apps

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
            if (
                base is not None
                and self.model is not None
                and _label(self.model) == _label(base_model)
            ):
                return base._meta.counter_reference
            return self
        return super()._get_counter_reference()  # type: ignore[no-untyped-call]  # factory_boy's method is unannotated


def _label(model: Any) -> str | None:
    """``'app_label.modelname'`` of a model class or string, to compare the two spellings
    (a parent resolved already, a subclass naming the same model by its string)."""
    if model is None:
        return None
    if isinstance(model, str):
        return model.lower()
    return f"{model._meta.app_label}.{model._meta.model_name}"
