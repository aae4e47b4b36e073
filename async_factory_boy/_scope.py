"""The backend contract: what one backend does for one factory call.

Every backend (SQLAlchemy, MongoDB, Django, Tortoise, a persistence handler) follows the same
pattern for a call: check the connection it was given, take each object the call creates,
write what it held back in one bulk write once every object is built, and take its writes
back if the call fails. :class:`CallScope` names those steps, and the core
(:class:`~async_factory_boy.AsyncFactory`) calls each of them: a backend's factories override
none of the core's build or create steps. A call opens at most one scope of each kind
through :meth:`FactoryCall.scope <async_factory_boy.FactoryCall.scope>`; the scope class
itself is the key, so backends never share string keys in a scratch dict.

This module is the contract only: it imports nothing from the rest of the package at run
time but the backend registry (:mod:`async_factory_boy._backends`), so backends, the core
and the seed command can all depend on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Final

from ._backends import BUILTIN_BACKENDS
from ._types import Args, FactoryClass, Instance, Kwargs, ReadKwargs

if TYPE_CHECKING:
    from typing_extensions import Self

    from ._call import FactoryCall
    from ._compat import BuildStepLike
    from ._many_to_many import LinkRequest

__all__ = [
    "BUILTIN_CONNECTION_ARGUMENTS",
    "CallScope",
    "method_name",
    "reached_from",
    "take_lookup",
]

#: The connection arguments of the built-in backends and of persistence handlers. Every
#: async factory takes them out of a call's overrides, whichever backend modules happen to
#: be imported, so a call behaves the same in every process: a connection argument reaches
#: every nested factory of the call, and a factory ignores the arguments of other backends.
#: A factory adds names of its own with ``_connection_arguments``.
#: It is read from the backend registry (:mod:`async_factory_boy._backends`).
BUILTIN_CONNECTION_ARGUMENTS: Final = frozenset(
    name for backend in BUILTIN_BACKENDS for name in backend.connection_arguments
)


def method_name(call: FactoryCall) -> str:
    """The awaitable step the user called: ``create_async``, ``build_batch_async``, ..."""
    batch = "_batch" if call.is_batch else ""
    return f"{call.strategy}{batch}_async"


def reached_from(factory: type, call: FactoryCall | None) -> str:
    """``"CompanyFactory (reached from UserFactory)"``, or just the factory's name.

    Errors raised while a nested factory runs name both the factory that failed and the one
    the user called, always in these words.
    """
    if call is None or call.factory is factory:
        return factory.__name__
    return f"{factory.__name__} (reached from {call.factory.__name__})"


class CallScope:
    """One backend's share of one factory call: the contract the core drives.

    A backend supplies one subclass (named by its entry in the backend registry,
    :mod:`async_factory_boy._backends`); the core calls every method below, in this order,
    and the backend's factories override none of the core's steps:

    1. :meth:`open` (a classmethod): check the call's connection, once per call, and make
       the scope. The core opens the scope of the factory the user called before anything
       is built (so errors name that factory), and the scope of any other backend when its
       first factory creates an object; it does no I/O. A call that creates nothing
       (``build_async``) calls :meth:`check` instead.
    2. :meth:`exclusive_resources`: the connection objects two tasks must not use at once;
       the core holds them for the call (``asyncio.gather`` on one session runs in turn).
    3. Per object, in the call's bridge greenlet (where :func:`~async_factory_boy.await_`
       reaches the event loop): :meth:`admit` (may the call write this factory's objects,
       and what must precede the object: a batch's SAVEPOINT), :meth:`make` builds it (also
       for ``build_async``, with no scope), :meth:`may_hold` is the one decision whether it
       may wait for the bulk write, then :meth:`add` writes it or holds it back. A factory
       with get-or-create fields (:meth:`lookup_fields`) goes through
       :meth:`get_or_create` instead of :meth:`make` and :meth:`add`.
    4. :meth:`after_postgeneration`: after the object's post-generation declarations ran
       (Django saves what a hook changed).
    5. :meth:`finish`: once every object of a successful call is built, write what was held
       back (one flush, one ``insert_many`` per collection, one bulk insert per model).
    6. :meth:`undo`: the call failed; take back what the call wrote (roll its SAVEPOINT
       back, take unwritten objects out of the session) so the caller's connection stays
       usable and holds nothing of the failed call.

    Scopes finish in the order they were opened and are undone in reverse order.
    """

    __slots__ = ("call",)

    #: Whether :meth:`may_hold` can ever say yes (the core asks it only then).
    holds: ClassVar[bool] = False

    def __init__(self, call: FactoryCall) -> None:
        self.call = call

    @classmethod
    def open(cls, factory: type, call: FactoryCall) -> Self:
        """Check ``call``'s connection for ``factory`` and return a new scope.

        The default takes no connection; backends override it to validate theirs.
        """
        return cls(call)

    @classmethod
    def check(cls, factory: type, call: FactoryCall) -> None:
        """Check the connection of a call that creates nothing, if it was given one.

        ``build_async(sqlalchemy_session=...)`` needs no session, but one of the wrong
        kind is still a mistake worth reporting. The default checks nothing.
        """

    @classmethod
    def stores(cls, factory: type) -> bool:
        """Whether ``factory``'s objects are stored at all (embedded documents are not:
        they are built into their parent)."""
        return True

    @classmethod
    def lookup_fields(cls, factory: type) -> tuple[str, ...]:
        """The fields ``factory`` looks an existing object up by (its get-or-create
        option), or ``()`` to always insert."""
        return ()

    @classmethod
    def make(cls, factory: FactoryClass, model_class: type, args: Args, kwargs: Kwargs) -> Instance:
        """Build one object of ``model_class`` without writing it.

        The default is factory_boy's ``factory._build``; backends override it when an
        object needs more before anything can refer to it (a MongoDB ``_id``).
        """
        return factory._build(model_class, *args, **kwargs)

    def exclusive_resources(self) -> tuple[object, ...]:
        """The connection objects of the call two tasks must not use at once."""
        return ()

    def admit(self, factory: FactoryClass) -> None:
        """Before an object of ``factory`` is built for this call: refuse a factory the call
        cannot write (naming it), or do what must come before the object (open a batch's
        SAVEPOINT). The default admits every factory."""

    def may_hold(
        self, factory: FactoryClass, instance: Instance, step: BuildStepLike | None
    ) -> bool:
        """Whether ``instance`` (just made) may wait for :meth:`finish`'s bulk write.

        Asked for objects of a ``create_batch_async`` call only, and only when
        :attr:`holds` is true. ``step`` is factory_boy's build step of the object, or
        ``None`` (its ``parent_step`` is ``None`` for a top-level object of the batch; its
        ``builder.extras`` are the overrides given to it).
        """
        return False

    def add(self, factory: FactoryClass, instance: Instance, *, hold: bool = False) -> Instance:
        """Take one object built by ``factory``; return the object the call should use.

        With ``hold`` (see :meth:`may_hold`) keep it for :meth:`finish`; else write it now
        (or hand it to the backend's own deferred write, a flush at the end of the call).
        """
        raise NotImplementedError(f"{type(self).__name__} does not take objects")

    def get_or_create(
        self,
        factory: FactoryClass,
        model_class: type,
        args: Args,
        kwargs: Kwargs,
        fields: tuple[str, ...],
        passed: ReadKwargs,
    ) -> Instance:
        """The stored object equal on ``fields`` to the one ``kwargs`` describe, or that
        object once stored. ``passed`` are the overrides the caller gave this object (the
        lookup to retry with when the INSERT loses a race on another unique field)."""
        raise NotImplementedError(f"{type(self).__name__} has no get-or-create")

    def after_postgeneration(
        self, factory: FactoryClass, instance: Instance, results: Kwargs
    ) -> None:
        """After the post-generation declarations of a created ``instance`` ran."""

    def link_many(
        self,
        factory: FactoryClass,
        instance: Instance,
        request: LinkRequest,
        step: BuildStepLike,
    ) -> object:
        """Fill ``instance``'s many-to-many relation as ``request`` (a
        :class:`~async_factory_boy._many_to_many.LinkRequest`) says: ``ManyToMany``.

        Returns the post-generation result. A backend that can write the relation in
        batches overrides it; the default refuses, naming the factory.
        """
        from .errors import FactoryConfigurationError

        raise FactoryConfigurationError(
            f"{factory.__name__}.{request.name} = ManyToMany(...): {type(self).__name__} "
            "cannot fill a many-to-many relation (Django and SQLAlchemy factories can); "
            "fill it in a post_generation hook."
        )

    async def finish(self) -> None:
        """Write what the scope held back; the call succeeded."""

    async def undo(self, failure: BaseException) -> None:
        """Take back what the call wrote; the call failed with ``failure``."""


def take_lookup(factory: type, option: str, fields: tuple[str, ...], kwargs: Kwargs) -> Kwargs:
    """Pop the get-or-create ``fields``' values out of the model's keyword arguments.

    The one lookup helper of the backends whose get-or-create reads the model's arguments
    (SQLAlchemy, Django, Tortoise); ``option`` is the ``Meta`` option that names the fields.
    """
    lookup: Kwargs = {}
    for name in fields:
        if name not in kwargs:
            # factory_boy's error type (imported here: this module must stay light, the
            # package imports it at every pytest start).
            from ._compat import factory_errors

            raise factory_errors.FactoryError(
                f"{factory.__name__}: Meta.{option} names {name!r}, but the factory gives no "
                f"value for it; declare {name!r} on the factory or pass {name}=... to the call."
            )
        lookup[name] = kwargs.pop(name)
    return lookup
