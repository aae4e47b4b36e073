"""Django async ORM backend: :class:`AsyncDjangoModelFactory`.

factory_boy's ``DjangoModelFactory`` semantics, persisted with Django's async ORM::

    class UserFactory(AsyncDjangoModelFactory[User]):
        class Meta:
            model = "accounts.User"
            django_get_or_create = ("username",)

        username = factory.Sequence(lambda n: f"user{n}")
        password = Password("secret")
        company = factory.SubFactory(CompanyFactory)

    user = await UserFactory.create_async()
    users = await UserFactory.create_batch_async(100, django_database="replica")

Objects are written with the manager's ``acreate`` (``aget_or_create`` with
``Meta.django_get_or_create``). ``Meta.database`` picks the database alias of a factory;
``django_database=`` on a call overrides it for every object of that call, nested
SubFactory / RelatedFactory objects included. ``create_batch_async`` inserts the batch's
objects with one ``abulk_create`` when that gives the same rows as saving them one by one.
"""

from __future__ import annotations

# First, so that a missing driver names the extra to install (MissingDependencyError).
from . import _requires  # noqa: F401

# isort: split
import copy
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django.db import DEFAULT_DB_ALIAS, IntegrityError  # type: ignore[import-untyped]
from django.db.models.fields.files import FieldFile  # type: ignore[import-untyped]

from ..._auto_fields import AutoFieldsMode
from ..._call import FactoryCall, current_call
from ..._compat import FileField, ImageField, Password, declarations, factory_errors
from ..._factory import AsyncFactory, DeferredWrites
from ...errors import SessionTypeError
from ._auto_fields import derive_from_django_model
from ._bulk import bulk_insert_is_equivalent
from ._errors import (
    DjangoDatabaseNotFoundError,
    DjangoModelNotFoundError,
    DjangoNotConfiguredError,
    check_django_ready,
)
from ._options import AsyncDjangoOptions
from ._scope import DjangoScope, current_step
from ._signals import mute_signals

__all__ = [
    "AsyncDjangoModelFactory",
    "AsyncDjangoOptions",
    "DjangoDatabaseNotFoundError",
    "DjangoModelNotFoundError",
    "DjangoNotConfiguredError",
    "FileField",
    "ImageField",
    "Password",
    "mute_signals",
]

T = TypeVar("T")


class AsyncDjangoModelFactory(AsyncFactory[T]):
    """A factory for Django models that writes through the async ORM.

    ``class Meta`` options, as in factory_boy's ``DjangoModelFactory``:

    - ``model``: the model class, or ``'app_label.ModelName'`` (resolved at first use).
    - ``database``: the database alias to write to (default ``'default'``); a call's
      ``django_database=`` overrides it for every object of the call.
    - ``django_get_or_create``: field names to look an existing row up by
      (``aget_or_create``; the other fields become its ``defaults``).
    - ``skip_postgeneration_save``: do not ``asave()`` the object after its
      post-generation hooks changed it.
    """

    _options_class = AsyncDjangoOptions
    _meta: ClassVar[AsyncDjangoOptions]  # type: ignore[misc]
    _connection_arguments: ClassVar[tuple[str, ...]] = ("django_database",)
    _saves_through_handlers: ClassVar[bool] = False
    _default_create_async: ClassVar[bool] = True  # acreate / aget_or_create, below
    # ``_create_many_async`` (abulk_create) is used only for the objects ``_create`` holds
    # back itself; ``_defers_batch_writes`` below keeps the core from deferring the rest.
    _writes_batches: ClassVar[bool] = True

    if not TYPE_CHECKING:  # type checkers see AsyncFactory.Meta: any class

        class Meta:
            abstract = True

    # -- fields derived from the model (``Meta.auto_fields``) ------------------------------------

    @classmethod
    def _derive_declarations(
        cls, model: type, mode: AutoFieldsMode
    ) -> tuple[dict[str, Any], tuple[str, ...]]:
        """``Meta.auto_fields``: declarations from the model's fields (see ``_auto_fields``)."""
        return derive_from_django_model(cls, model, mode, AsyncDjangoModelFactory)

    # -- checks at the top-level call -------------------------------------------------------

    @classmethod
    def _prepare_call(cls, call: FactoryCall) -> None:
        super()._prepare_call(call)
        check_django_ready(cls.__name__)
        cls._meta.get_model_class()  # a bad 'app_label.ModelName' fails here, naming cls
        cls._database_alias(call)

    @classmethod
    def _database_alias(cls, call: FactoryCall | None) -> str:
        """The alias this factory writes to in ``call``: the call's, else ``Meta.database``."""
        requested = None if call is None else call.get("django_database")
        alias = cls._meta.database if requested is None else requested
        if not isinstance(alias, str):
            raise SessionTypeError(
                f"{cls.__name__}: django_database must be a database alias (a key of "
                f"settings.DATABASES such as 'default'), not {type(alias).__name__}."
            )
        from django.conf import settings  # type: ignore[import-untyped]

        if alias not in settings.DATABASES:
            where = "django_database=" if requested is not None else "Meta.database = "
            known = ", ".join(repr(name) for name in settings.DATABASES)
            raise DjangoDatabaseNotFoundError(
                f"{cls.__name__}: {where}{alias!r} is not in settings.DATABASES "
                f"(known aliases: {known})."
            )
        return alias

    @classmethod
    def _get_manager(cls, model_class: type[Any]) -> Any:
        """The model's default manager, routed to the call's database alias.

        As in factory_boy, the ``'default'`` alias from ``Meta`` leaves Django's database
        routers in charge; any other alias, or one passed to the call, is forced.
        """
        if model_class is None:
            raise factory_errors.AssociatedClassError(
                f"No model set on {cls.__module__}.{cls.__name__}.Meta"
            )
        manager = getattr(model_class, "objects", None)
        if manager is None:  # e.g. inherited from an abstract model with a custom manager
            manager = model_class._default_manager
        call = current_call()
        alias = cls._database_alias(call)
        if alias != DEFAULT_DB_ALIAS or (call is not None and call.get("django_database")):
            manager = manager.db_manager(alias)
        return manager

    # -- creating objects ---------------------------------------------------------------------

    @classmethod
    def _defers_batch_writes(cls, call: FactoryCall) -> bool:
        # Deciding per object (in ``_create``) rather than per class: only a batch's
        # top-level objects may be deferred, and only when a bulk insert is equivalent.
        return False

    @classmethod
    def _create(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        call = current_call()
        if call is not None:
            call.scope(DjangoScope, cls).atomic_batch(cls._database_alias(call))
        if call is not None and cls._can_defer_to_bulk_insert(call, model_class):
            instance = model_class(*args, **kwargs)
            return call.scope(DeferredWrites, cls).add(cls, instance)
        instance = super()._create(model_class, *args, **kwargs)
        if call is not None:
            call.scope(DjangoScope, cls).snapshots[id(instance)] = _snapshot(instance)
        return instance

    @classmethod
    async def _create_async(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        """Write one object with ``acreate``, or ``aget_or_create`` for get-or-create fields."""
        manager = cls._get_manager(model_class)
        if cls._meta.django_get_or_create:
            return await cls._get_or_create_async(manager, *args, **kwargs)
        return await manager.acreate(*args, **kwargs)

    @classmethod
    async def _get_or_create_async(cls, manager: Any, *args: Any, **kwargs: Any) -> Any:
        """factory_boy's get-or-create rules, with ``aget_or_create``.

        The ``django_get_or_create`` fields are the lookup, every other field goes to
        ``defaults``. When the insert hits an IntegrityError (another unique field already
        taken), the row is looked up again by the lookup values the caller passed
        explicitly, and the error is re-raised if that finds nothing.
        """
        lookup_fields = tuple(cls._meta.django_get_or_create)
        if "defaults" in lookup_fields:
            raise factory_errors.FactoryError(
                f"{cls.__name__}.Meta.django_get_or_create = {lookup_fields!r}: 'defaults' is "
                "reserved by get_or_create and cannot be a lookup field."
            )
        lookup: dict[str, Any] = {}
        for name in lookup_fields:
            if name not in kwargs:
                raise factory_errors.FactoryError(
                    "django_get_or_create - Unable to find initialization value for "
                    f"'{name}' in factory {cls.__name__}"
                )
            lookup[name] = kwargs.pop(name)
        try:
            instance, _created = await manager.aget_or_create(*args, defaults=kwargs, **lookup)
        except IntegrityError as error:
            step = current_step()
            passed = {} if step is None else step.builder.extras
            explicit = {name: value for name, value in passed.items() if name in lookup_fields}
            if not explicit:
                raise
            try:
                instance = await manager.aget(**explicit)
            except manager.model.DoesNotExist:
                raise error from None  # as Django's get_or_create does
        return instance

    @classmethod
    async def _create_many_async(cls, model_class: type[Any], instances: list[Any]) -> list[Any]:
        """Insert a batch's top-level objects with one ``abulk_create``."""
        manager = cls._get_manager(model_class)
        await manager.abulk_create(instances)
        return instances

    @classmethod
    def _can_defer_to_bulk_insert(cls, call: FactoryCall, model_class: type[Any]) -> bool:
        """Whether this object may wait for the batch's ``abulk_create``.

        Only a top-level object of a ``create_batch_async`` call qualifies: nothing else
        in the call can read its primary key before the batch ends (a SubFactory object's
        key may be read by its parent's declarations). It must need no per-object work:
        no get-or-create lookup, no post-generation declaration (hooks, RelatedFactory),
        and nothing a bulk insert would skip (see ``bulk_insert_is_equivalent``).
        """
        if not call.is_batch or cls._meta.django_get_or_create:
            return False
        step = current_step()
        if step is None or step.parent_step is not None:
            return False
        if cls._meta.post_declarations.as_dict() or any(
            isinstance(value, declarations.PostGenerationDeclaration)
            for value in step.builder.extras.values()
        ):
            return False
        return bulk_insert_is_equivalent(model_class, cls._database_alias(call))

    # -- after post-generation ----------------------------------------------------------------

    @classmethod
    async def _after_postgeneration_async(
        cls, instance: Any, create: bool, results: dict[str, Any] | None = None
    ) -> None:
        """Save the object once more if a post-generation hook changed one of its fields."""
        call = current_call()
        scope = None if call is None else call.find_scope(DjangoScope)
        before = None if scope is None else scope.snapshots.pop(id(instance), None)
        if not create or not results or cls._meta.skip_postgeneration_save or before is None:
            return
        if _snapshot(instance) != before:
            await instance.asave(using=cls._database_alias(call))


def _snapshot(instance: Any) -> dict[str, Any]:
    """The object's field values, compared after post-generation to detect changes."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        value = instance.__dict__.get(field.attname)
        if isinstance(value, FieldFile):
            value = value.name
        elif isinstance(value, (dict, list, set, bytearray)):
            value = copy.deepcopy(value)
        values[field.attname] = value
    return values
