"""The Django backend's share of one factory call (its :class:`CallScope`).

Django writes each object as it is created (``asave(force_insert=True)``, what the
manager's ``acreate`` does) inside the caller's transaction; a batch's top-level objects
wait for one ``abulk_create`` per factory where that gives the same rows. The scope keeps
each written object's field values, to tell afterwards whether a post-generation hook
changed it and it must be saved again. A batch runs inside ``transaction.atomic`` (a
SAVEPOINT when the caller is in a transaction already), entered before its first write and
left after its bulk write, so a failing batch leaves none of its rows and the caller's
transaction usable.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Final

from django.db import DEFAULT_DB_ALIAS, IntegrityError  # type: ignore[import-untyped]  # Django ships no type hints (django-stubs is not a dependency)
from django.db.models.fields.files import FieldFile  # type: ignore[import-untyped]  # Django ships no type hints (django-stubs is not a dependency)

from ..._bridge import await_
from ..._call import FactoryCall
from ..._compat import BuildStepLike, declarations, factory_errors
from ..._many_to_many import LinkRequest, only_links
from ..._scope import CallScope, take_lookup
from ..._types import Args, FactoryClass, Instance, Kwargs, ReadKwargs
from ...errors import FactoryConfigurationError, SessionTypeError
from ._bulk import bulk_insert_is_equivalent
from ._errors import DjangoDatabaseNotFoundError, check_django_ready

__all__ = [
    "DATABASE_ARGUMENT",
    "DjangoScope",
    "database_alias",
    "snapshot",
    "write_alias",
    "writing_manager",
]

#: The keyword argument that carries a call's database alias.
DATABASE_ARGUMENT: Final = "django_database"


@asynccontextmanager
async def _atomic(alias: str) -> AsyncIterator[None]:
    """``transaction.atomic(using=alias)`` around async ORM calls.

    Django's async ORM runs its queries in the thread-sensitive worker thread; entering and
    leaving the atomic block there puts those queries inside it (Django has no async atomic).
    """
    from asgiref.sync import sync_to_async
    from django.db import transaction

    block = transaction.atomic(using=alias)
    await sync_to_async(block.__enter__, thread_sensitive=True)()
    try:
        yield
    except BaseException as exc:
        await sync_to_async(block.__exit__, thread_sensitive=True)(
            type(exc), exc, exc.__traceback__
        )
        raise
    await sync_to_async(block.__exit__, thread_sensitive=True)(None, None, None)


class DjangoScope(CallScope):
    """The Django backend's share of one factory call.

    :meth:`open` / :meth:`check` check that Django is ready, the model and the database
    alias; :meth:`admit` enters a batch's atomic block before its first write; :meth:`add`
    saves each object (``asave(force_insert=True)``, as the manager's ``acreate``) or holds
    a batch's top-level objects for one ``abulk_create`` per factory at :meth:`finish`;
    :meth:`get_or_create` is ``aget_or_create``; :meth:`after_postgeneration` saves the
    object again if a hook changed one of its fields.
    """

    __slots__ = ("atomic_aliases", "held", "links", "snapshots")

    holds = True

    def __init__(self, call: FactoryCall) -> None:
        super().__init__(call)
        #: Database aliases whose atomic block the batch entered.
        self.atomic_aliases: set[str] = set()
        #: A batch's top-level objects waiting for ``abulk_create``, per factory.
        self.held: dict[Any, list[Any]] = {}
        #: Field values right after an object was written, by ``id`` of the object.
        self.snapshots: dict[int, Kwargs] = {}
        #: Many-to-many relations to fill at :meth:`finish` (``ManyToMany``).
        self.links: list[tuple[Instance, Any, LinkRequest]] = []

    @classmethod
    def open(cls, factory: FactoryClass, call: FactoryCall) -> DjangoScope:
        cls.check(factory, call)
        return cls(call)

    @classmethod
    def check(cls, factory: FactoryClass, call: FactoryCall) -> None:
        """Django is set up, the model resolves and the database alias exists (each error
        names the factory)."""
        check_django_ready(factory.__name__)
        factory._meta.get_model_class()  # a bad 'app_label.ModelName' fails here, naming it
        database_alias(factory, call)

    @classmethod
    def lookup_fields(cls, factory: FactoryClass) -> tuple[str, ...]:
        fields = tuple(factory._meta.django_get_or_create)
        if "defaults" in fields:
            raise factory_errors.FactoryError(
                f"{factory.__name__}.Meta.django_get_or_create = {fields!r}: 'defaults' is "
                "reserved by get_or_create and cannot be a lookup field."
            )
        return fields

    def admit(self, factory: FactoryClass) -> None:
        """Enter the batch's atomic block on the factory's alias before its first write
        there; it is left when the call ends (after the bulk write), rolled back if the
        call failed."""
        alias = database_alias(factory, self.call)
        if self.call.is_batch and alias not in self.atomic_aliases:
            self.atomic_aliases.add(alias)
            await_(self.call.enter_async_context(_atomic(alias)))

    def may_hold(
        self, factory: FactoryClass, instance: Instance, step: BuildStepLike | None
    ) -> bool:
        """Whether this object may wait for the batch's ``abulk_create``.

        Only a top-level object of a ``create_batch_async`` call qualifies: nothing else
        in the call can read its primary key before the batch ends (a SubFactory object's
        key may be read by its parent's declarations). It must need no per-object work:
        no post-generation declaration (hooks, RelatedFactory), and nothing a bulk insert
        would skip (see ``bulk_insert_is_equivalent``).
        """
        if step is None or step.parent_step is not None:
            return False
        if not only_links(factory._meta.post_declarations) or any(
            isinstance(value, declarations.PostGenerationDeclaration)
            for value in step.builder.extras.values()
        ):
            return False
        return bulk_insert_is_equivalent(type(instance), database_alias(factory, self.call))

    def add(self, factory: FactoryClass, instance: Instance, *, hold: bool = False) -> Instance:
        if hold:
            self.held.setdefault(factory, []).append(instance)
            return instance
        manager = writing_manager(factory, type(instance), self.call)
        # What the manager's ``acreate`` does with the object it builds.
        await_(instance.asave(force_insert=True, using=write_alias(manager)))
        self.snapshots[id(instance)] = snapshot(instance)
        return instance

    def get_or_create(
        self,
        factory: FactoryClass,
        model_class: type,
        args: Args,
        kwargs: Kwargs,
        fields: tuple[str, ...],
        passed: ReadKwargs,
    ) -> Instance:
        """factory_boy's get-or-create rules, with ``aget_or_create``.

        The ``django_get_or_create`` fields are the lookup, every other field goes to
        ``defaults``. When the insert hits an IntegrityError (another unique field already
        taken), the row is looked up again by the lookup values the caller passed
        explicitly, and the error is re-raised if that finds nothing.
        """
        manager = writing_manager(factory, model_class, self.call)
        missing = next((name for name in fields if name not in kwargs), None)
        if missing is not None:  # factory_boy's own words
            raise factory_errors.FactoryError(
                "django_get_or_create - Unable to find initialization value for "
                f"'{missing}' in factory {factory.__name__}"
            )
        lookup = take_lookup(factory, "django_get_or_create", fields, kwargs)
        instance = await_(_get_or_create(manager, args, kwargs, lookup, fields, passed))
        self.snapshots[id(instance)] = snapshot(instance)
        return instance

    def after_postgeneration(
        self, factory: FactoryClass, instance: Instance, results: Kwargs
    ) -> None:
        """Save the object once more if a post-generation hook changed one of its fields."""
        before = self.snapshots.pop(id(instance), None)
        if not results or factory._meta.skip_postgeneration_save or before is None:
            return
        if snapshot(instance) != before:
            await_(instance.asave(using=database_alias(factory, self.call)))

    def link_many(
        self,
        factory: FactoryClass,
        instance: Instance,
        request: LinkRequest,
        step: BuildStepLike,
    ) -> object:
        """Note a ``ManyToMany`` relation of ``instance``, filled at :meth:`finish`.

        Only Django's own many-to-many fields (with their auto-created through model) are
        filled this way: a through model of the project's may need values of its own.
        """
        model_field = _many_to_many_field(factory, instance, request.name)
        self.links.append((instance, model_field, request))
        return None  # the related objects exist only once the call ends

    async def finish(self) -> None:
        """Insert each factory's held objects with one ``abulk_create``, then fill the
        ``ManyToMany`` relations (one batch of new related objects per factory and values,
        one ``abulk_create`` of link rows per relation)."""
        for factory, instances in self.held.items():
            model_class = factory._meta.get_model_class()
            await writing_manager(factory, model_class, self.call).abulk_create(instances)
        self.held.clear()
        if self.links:
            links, self.links = self.links, []
            await self._write_links(links)

    async def _write_links(self, links: list[tuple[Instance, Any, LinkRequest]]) -> None:
        targets = await self._make_targets([request for _, _, request in links])
        rows: dict[tuple[Any, str], list[Any]] = {}
        for (instance, model_field, _), related in zip(links, targets, strict=True):
            through = model_field.remote_field.through
            source = through._meta.get_field(model_field.m2m_field_name()).attname
            target = through._meta.get_field(model_field.m2m_reverse_field_name()).attname
            rows.setdefault((through, instance._state.db or DEFAULT_DB_ALIAS), []).extend(
                through(**{source: instance.pk, target: other.pk}) for other in related
            )
        for (through, alias), batch in rows.items():
            if batch:
                await through._default_manager.db_manager(alias).abulk_create(batch)

    async def _make_targets(self, requests: list[LinkRequest]) -> list[list[Instance]]:
        """The related objects of each request: the given ones, or new ones made with one
        ``create_batch_async`` per related factory and values (on the call's alias)."""
        groups: list[tuple[FactoryClass, Kwargs, list[int]]] = []
        for index, request in enumerate(requests):
            if request.given is not None or request.size == 0:
                continue
            for factory, extra, members in groups:
                if factory is request.factory and extra == request.extra:
                    members.append(index)
                    break
            else:
                groups.append((request.factory, request.extra, [index]))
        made: list[list[Instance]] = [list(request.given or ()) for request in requests]
        alias = self.call.get(DATABASE_ARGUMENT)
        connection = {} if alias is None else {DATABASE_ARGUMENT: alias}
        for factory, extra, members in groups:
            total = sum(requests[index].size for index in members)
            objects = iter(await factory.create_batch_async(total, **extra, **connection))
            for index in members:
                made[index] = [next(objects) for _ in range(requests[index].size)]
        return made


async def _get_or_create(
    manager: Any,
    args: Args,
    defaults: Kwargs,
    lookup: Kwargs,
    fields: tuple[str, ...],
    passed: ReadKwargs,
) -> Any:
    try:
        instance, _created = await manager.aget_or_create(*args, defaults=defaults, **lookup)
    except IntegrityError as error:
        explicit = {name: value for name, value in passed.items() if name in fields}
        if not explicit:
            raise
        try:
            instance = await manager.aget(**explicit)
        except manager.model.DoesNotExist:
            raise error from None  # as Django's get_or_create does
    return instance


def database_alias(factory: FactoryClass, call: FactoryCall | None) -> str:
    """The alias ``factory`` writes to in ``call``: the call's, else ``Meta.database``."""
    requested = None if call is None else call.get(DATABASE_ARGUMENT)
    alias = factory._meta.database if requested is None else requested
    if not isinstance(alias, str):
        raise SessionTypeError(
            f"{factory.__name__}: {DATABASE_ARGUMENT} must be a database alias (a key of "
            f"settings.DATABASES such as 'default'), not {type(alias).__name__}."
        )
    from django.conf import settings  # type: ignore[import-untyped]  # Django ships no type hints (django-stubs is not a dependency)

    if alias not in settings.DATABASES:
        where = f"{DATABASE_ARGUMENT}=" if requested is not None else "Meta.database = "
        known = ", ".join(repr(name) for name in settings.DATABASES)
        raise DjangoDatabaseNotFoundError(
            f"{factory.__name__}: {where}{alias!r} is not in settings.DATABASES "
            f"(known aliases: {known})."
        )
    return alias


def writing_manager(factory: FactoryClass, model_class: Any, call: FactoryCall | None) -> Any:
    """The model's default manager, routed to the call's database alias, for writing.

    As in factory_boy, the ``'default'`` alias from ``Meta`` leaves Django's database
    routers in charge; any other alias, or one passed to the call, is forced.
    """
    if model_class is None:
        raise factory_errors.AssociatedClassError(
            f"No model set on {factory.__module__}.{factory.__name__}.Meta"
        )
    manager = getattr(model_class, "objects", None)
    if manager is None:  # e.g. inherited from an abstract model with a custom manager
        manager = model_class._default_manager
    alias = database_alias(factory, call)
    if alias != DEFAULT_DB_ALIAS or (call is not None and call.get(DATABASE_ARGUMENT)):
        manager = manager.db_manager(alias)
    return manager


def write_alias(manager: Any) -> str:
    """The alias a write through ``manager`` goes to (what its ``acreate`` would use: the
    forced alias, else the routers' ``db_for_write``)."""
    queryset = manager.get_queryset()
    queryset._for_write = True
    alias: str = queryset.db
    return alias


def snapshot(instance: Instance) -> Kwargs:
    """The object's field values, compared after post-generation to detect changes."""
    values: Kwargs = {}
    for field in instance._meta.concrete_fields:
        value = instance.__dict__.get(field.attname)
        if isinstance(value, FieldFile):
            value = value.name
        elif isinstance(value, (dict, list, set, bytearray)):
            value = copy.deepcopy(value)
        values[field.attname] = value
    return values


def _many_to_many_field(factory: FactoryClass, instance: Instance, name: str) -> Any:
    """The model's many-to-many field ``name``, with Django's auto-created through model."""
    model = type(instance)
    try:
        model_field = model._meta.get_field(name)
    except Exception as exc:  # django.core.exceptions.FieldDoesNotExist
        raise FactoryConfigurationError(
            f"{factory.__name__}.{name} = ManyToMany(...): {model.__name__} has no field "
            f"{name!r}; name the declaration after the model's ManyToManyField."
        ) from exc
    if not getattr(model_field, "many_to_many", False) or not hasattr(
        model_field, "m2m_field_name"
    ):
        raise FactoryConfigurationError(
            f"{factory.__name__}.{name} = ManyToMany(...): {model.__name__}.{name} is not a "
            "ManyToManyField declared on this model (a reverse relation is filled from the "
            "other model's factory)."
        )
    if not model_field.remote_field.through._meta.auto_created:
        raise FactoryConfigurationError(
            f"{factory.__name__}.{name} = ManyToMany(...): {model.__name__}.{name} goes "
            f"through {model_field.remote_field.through.__name__}, a model of your own whose "
            "rows may need values: make them with a RelatedFactory of its factory instead."
        )
    return model_field
