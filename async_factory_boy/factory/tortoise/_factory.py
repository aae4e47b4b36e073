"""``AsyncTortoiseModelFactory``: Tortoise ORM models written through a per-call client."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from ..._backends import backend_named
from ..._call import current_call
from ..._compat import OptionDefault
from ..._factory import AsyncFactory, ContractOptions, field_names_checker
from ._connection import CONNECTION_ARGUMENT
from ._scope import current_writer
from ._values import treat_models_as_values

__all__ = ["AsyncTortoiseModelFactory", "AsyncTortoiseOptions", "current_connection"]

T = TypeVar("T")


def current_connection() -> Any:
    """The in-transaction client the running factory call writes through.

    For ``post_generation`` hooks (many-to-many ``add``, extra rows) that must write inside
    the call's transaction: ``await obj.tags.add(*tags, using_db=current_connection())``.
    ``None`` outside a call, or before the call's first write.
    """
    return current_writer(current_call())


class AsyncTortoiseOptions(ContractOptions):
    """``class Meta`` options of :class:`AsyncTortoiseModelFactory`.

    - ``model``: the Tortoise model class.
    - ``tortoise_get_or_create``: field names to look an existing row up by; the row is
      created from the factory's values if there is none (race-safe).
    """

    tortoise_get_or_create: tuple[str, ...]

    def _build_default_options(self) -> list[OptionDefault]:
        return [
            *super()._build_default_options(),  # type: ignore[no-untyped-call]  # factory_boy's method is unannotated
            OptionDefault(
                "tortoise_get_or_create",
                (),
                inherit=True,
                checker=field_names_checker("tortoise_get_or_create"),
            ),
        ]


class AsyncTortoiseModelFactory(AsyncFactory[T]):
    """A factory for Tortoise ORM models, written through a per-call client.

    ``await UserFactory.create_async(tortoise_connection=connection)`` writes the user and
    every SubFactory / RelatedFactory object of the call through ``connection`` (a client,
    or the client of ``async with in_transaction() as connection``), inside one transaction
    (or SAVEPOINT) of the call. ``tortoise_connection=`` may be left out once
    ``Tortoise.init()`` ran: the model's default connection is then used, as by
    ``Model.create()``. See :class:`AsyncTortoiseOptions` for ``class Meta``.

    What it does per call is its backend scope's
    (:class:`~async_factory_boy.factory.tortoise._scope.TortoiseScope`): the core drives
    it. Override ``_create_async`` to customise persistence (``await
    super()._create_async(...)`` keeps the default; :func:`current_connection` is the
    call's in-transaction client).
    """

    _options_class = AsyncTortoiseOptions
    _meta: AsyncTortoiseOptions
    _backend = backend_named("tortoise")
    _connection_arguments: ClassVar[tuple[str, ...]] = (CONNECTION_ARGUMENT,)

    if not TYPE_CHECKING:  # type checkers see AsyncFactory.Meta: any class

        class Meta:
            abstract = True

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        treat_models_as_values()
