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
from typing import TYPE_CHECKING, ClassVar, TypeVar

from ..._backends import backend_named
from ..._compat import FileField, ImageField, Password
from ..._factory import AsyncFactory
from ._errors import (
    DjangoDatabaseNotFoundError,
    DjangoModelNotFoundError,
    DjangoNotConfiguredError,
)
from ._options import AsyncDjangoOptions
from ._scope import DATABASE_ARGUMENT
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

    What it does per call is its backend scope's
    (:class:`~async_factory_boy.factory.django._scope.DjangoScope`): the core drives it.
    """

    _options_class = AsyncDjangoOptions
    _meta: ClassVar[AsyncDjangoOptions]  # type: ignore[misc]  # narrows factory_boy's _meta to this backend's options
    _backend = backend_named("django")
    _connection_arguments: ClassVar[tuple[str, ...]] = (DATABASE_ARGUMENT,)

    if not TYPE_CHECKING:  # type checkers see AsyncFactory.Meta: any class

        class Meta:
            abstract = True
