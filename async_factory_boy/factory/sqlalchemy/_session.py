"""The session of one factory call: checking it, and what the call writes through it.

:class:`SessionScope` is this backend's :class:`~async_factory_boy._scope.CallScope`. A
call's objects are added to the session as they are built and written once at the end of
the call (:meth:`SessionScope.finish`), so a batch costs a handful of round trips rather
than one per object: a batch by the bulk writer (``_bulk_session``: Core inserts, then the
objects made persistent as a flush would) wherever that is exact, anything else by a flush.
A batch runs inside a SAVEPOINT so it is all-or-nothing; a failed single call takes its
unflushed objects back out of the session (:meth:`SessionScope.undo`).
"""

from __future__ import annotations

import inspect as pyinspect
import os
import weakref
from contextlib import AbstractAsyncContextManager
from typing import Any, Final

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction, async_scoped_session
from sqlalchemy.orm import Session, scoped_session

from ..._bridge import await_
from ..._call import FactoryCall
from ..._compat import BuildStepLike, PostGeneration, builds_plainly
from ..._many_to_many import LinkRequest
from ..._scope import CallScope, method_name, reached_from, take_lookup
from ..._types import Args, FactoryClass, Instance, Kwargs, ReadKwargs
from ...errors import FactoryConfigurationError, MissingSessionError, SessionTypeError
from ._bulk_session import write_pending
from ._flush import model_info
from ._get_or_create import get_or_create
from ._loader_make import make as loader_make
from ._savepoint import savepoint
from ._session_add import add as add_to_session

__all__ = [
    "COMMIT_EACH_CALL",
    "SESSION_ARGUMENT",
    "SessionScope",
    "require_session",
    "resolve_session",
]

#: The keyword argument that carries the session of a call.
SESSION_ARGUMENT: Final = "sqlalchemy_session"

#: Single calls' objects written by the bulk writer too (as a flush, ``write_pending``'s
#: ``as_flush``); ``ASYNC_FACTORY_BOY_SINGLE_BULK_WRITE=0`` leaves them to the flush.
SINGLE_BULK_WRITE = os.environ.get("ASYNC_FACTORY_BOY_SINGLE_BULK_WRITE", "1") != "0"

#: ``session.info`` key: when true, every factory call that flushes also commits (without
#: expiring). ``isolated_session`` sets it, so test data leaves the savepoint the
#: application may roll back.
COMMIT_EACH_CALL: Final = "async_factory_boy.commit_each_call"


def _nested(factory: type, call: FactoryCall) -> str:
    """``"CompanyFactory (reached from UserFactory): "`` for a nested factory, else ``""``."""
    return "" if call.factory is factory else f"{reached_from(factory, call)}: "


def resolve_session(factory: type, call: FactoryCall) -> AsyncSession | None:
    """The call's ``AsyncSession`` (an ``async_scoped_session`` is resolved), checked.

    Returns ``None`` when no session was passed; the caller decides whether it needs one.
    """
    value = call.get(SESSION_ARGUMENT)
    if value is None:
        return None
    if isinstance(value, async_scoped_session):
        value = value()
    if not isinstance(value, AsyncSession):
        if isinstance(value, (Session, scoped_session)):
            problem = f"a sync {type(value).__name__}"
        else:
            problem = f"{type(value).__name__} {value!r}"
        raise SessionTypeError(
            f"{_nested(factory, call)}{call.factory.__name__}.{method_name(call)}() needs an "
            "AsyncSession (or an "
            f"async_scoped_session) as {SESSION_ARGUMENT}=, got {problem}. Create the session "
            "with sqlalchemy.ext.asyncio.async_sessionmaker / AsyncSession."
        )
    return value


def require_session(factory: type, call: FactoryCall) -> AsyncSession:
    """The call's session, or :class:`MissingSessionError` naming the factory called."""
    session = resolve_session(factory, call)
    if session is None:
        called = call.factory.__name__
        hint = getattr(call.factory, "_missing_session_hint", "")  # the 1.0.1 layer's
        raise MissingSessionError(
            f"{_nested(factory, call)}{called}.{method_name(call)}() needs a session "
            f"to persist to: pass it per call, e.g. `await {called}.{method_name(call)}(..., "
            f"{SESSION_ARGUMENT}=session)` with an AsyncSession.{hint}"
        )
    return session


class SessionScope(CallScope):
    """What one call writes through its session, and the end-of-call flush or commit.

    The SQLAlchemy backend's contract with the core: :meth:`open` checks the session (once
    per call), :meth:`admit` opens a batch's SAVEPOINT, :meth:`add` adds each object to the
    session (flushed at :meth:`finish`, or on demand when a declaration reads a generated
    key, see ``_flush``), :meth:`get_or_create` looks a row up and inserts it race-safely,
    :meth:`undo` takes a failed call's objects back.
    """

    __slots__ = (
        "_savepoint_block",
        "_tracking",
        "bulk",
        "commit",
        "created",
        "flushes",
        "refreshable",
        "savepoint",
        "session",
        "sync_session",
    )

    def __init__(self, call: FactoryCall, session: AsyncSession) -> None:
        super().__init__(call)
        self.session = session
        self.sync_session: Session = session.sync_session
        self.flushes = False  # some object of the call wants to be flushed
        self.commit = False  # some object of the call wants a commit
        # Write a batch with Core inserts (``_bulk_session``) unless a factory of the call
        # set ``Meta.sqlalchemy_bulk_write = False``.
        self.bulk = True
        self.savepoint: AsyncSessionTransaction | None = None
        self._savepoint_block: AbstractAsyncContextManager[AsyncSessionTransaction] | None = None
        # Objects added by a single (non-batch) call, taken back out if it fails; a batch's
        # SAVEPOINT rollback expunges its objects itself.
        self.created: list[Instance] = []
        # Objects whose model has server-generated columns, with those columns' keys.
        self.refreshable: list[tuple[Instance, frozenset[str]]] = []
        # Per (factory, model class): what ``_track`` needs of them, looked up once a call
        # (the class-level caches behind it are weak dictionaries, slow to ask per object).
        self._tracking: dict[tuple[type, type], tuple[frozenset[str], bool]] = {}

    @classmethod
    def open(cls, factory: type, call: FactoryCall) -> SessionScope:
        """The scope of ``call``'s session; :class:`MissingSessionError` without one."""
        return cls(call, require_session(factory, call))

    @classmethod
    def check(cls, factory: type, call: FactoryCall) -> None:
        """A session given to ``build_async`` is optional, but must be the right kind."""
        resolve_session(factory, call)

    @classmethod
    def make(cls, factory: FactoryClass, model_class: type, args: Args, kwargs: Kwargs) -> Instance:
        """The object ``factory._build`` would make, made as SQLAlchemy's loader makes
        objects where that is the same object (``_loader_make``): a third of a batch's time
        is the instrumented constructor."""
        if args or not builds_plainly(factory):
            return super().make(factory, model_class, args, kwargs)
        return loader_make(model_class, kwargs)

    @classmethod
    def lookup_fields(cls, factory: FactoryClass) -> tuple[str, ...]:
        return tuple(factory._meta.sqlalchemy_get_or_create)

    def exclusive_resources(self) -> tuple[object, ...]:
        """The call's ``AsyncSession``: one call at a time may flush through it."""
        return (self.session,)

    def add(self, factory: FactoryClass, instance: Instance, *, hold: bool = False) -> Instance:
        """Add the object to the call's session (``session.add`` is synchronous); the
        call's end flushes it (a batch by the bulk writer)."""
        add_to_session(self.sync_session, instance)
        return self._track(factory, instance)

    def get_or_create(
        self,
        factory: FactoryClass,
        model_class: type,
        args: Args,
        kwargs: Kwargs,
        fields: tuple[str, ...],
        passed: ReadKwargs,
    ) -> Instance:
        """``Meta.sqlalchemy_get_or_create``: the row with these values, else the object
        inserted in its own SAVEPOINT (race-safe, see ``_get_or_create``)."""
        lookup = take_lookup(factory, "sqlalchemy_get_or_create", fields, kwargs)
        fallback = {name: passed[name] for name in fields if name in passed}
        obj = get_or_create(
            self.session,
            model_class,
            lambda: self.make(factory, model_class, args, {**lookup, **kwargs}),
            (lookup, fallback),
        )
        return self._track(factory, obj)

    def admit(self, factory: FactoryClass) -> None:
        """Note what ``factory``'s ``Meta`` asks of the call's end (a flush, a commit, no
        bulk write); a batch's SAVEPOINT is opened before its first flushed object is even
        built, so nothing of the batch can be flushed outside it."""
        persistence = factory._meta.sqlalchemy_session_persistence
        if persistence is None:
            return
        if self.call.is_batch and self.savepoint is None:
            await_(self.open_savepoint())
        self.flushes = True
        if not factory._meta.sqlalchemy_bulk_write:
            self.bulk = False
        if persistence == "commit" or self.session.info.get(COMMIT_EACH_CALL):
            self.commit = True

    def _track(self, factory: FactoryClass, obj: Instance) -> Any:
        if not self.call.is_batch:
            self.created.append(obj)
        pair = (factory, type(obj))
        known = self._tracking.get(pair)
        if known is None:
            known = self._tracking[pair] = (
                model_info(pair[1]).server_keys,
                factory._meta.sqlalchemy_session_persistence is not None
                and _has_async_hooks(factory),
            )
        server_keys, flushes_now = known
        if server_keys:
            self.refreshable.append((obj, server_keys))
        if flushes_now:
            # An ``async def`` hook runs on the event loop, where reading a generated key
            # cannot flush on demand: flush now, as factory_boy's SQLAlchemy factory does.
            await_(self.flush_now())
        return obj

    def link_many(
        self,
        factory: FactoryClass,
        instance: Instance,
        request: LinkRequest,
        step: BuildStepLike,
    ) -> object:
        """``ManyToMany``: the given objects, or ``size`` new ones made in this call (added to
        its session, so its flush writes them with the rest, a batch's in bulk), appended
        to the relationship collection; the same flush writes the association rows."""
        relationship = inspect(type(instance)).relationships.get(request.name)
        if relationship is None or relationship.secondary is None:
            raise FactoryConfigurationError(
                f"{factory.__name__}.{request.name} = ManyToMany(...): "
                f"{type(instance).__name__}.{request.name} is not a relationship() with a "
                "secondary table; name the declaration after a many-to-many relationship."
            )
        related = request.given
        if related is None:
            related = [
                step.recurse(request.factory, dict(request.extra)) for _ in range(request.size)
            ]
        state = inspect(instance)
        if request.name in state.unloaded and state.has_identity:  # flushed already: load
            await_(self.session.run_sync(lambda _: getattr(instance, request.name)))
        getattr(instance, request.name).extend(related)
        return related

    async def open_savepoint(self) -> None:
        """Open the batch's SAVEPOINT (before its first object is added)."""
        block = savepoint(self.session)
        self.savepoint = await block.__aenter__()
        self._savepoint_block = block

    async def _close_savepoint(self, failure: BaseException | None) -> None:
        block, self._savepoint_block = self._savepoint_block, None
        if block is None:
            return
        if failure is None:
            await block.__aexit__(None, None, None)
        else:
            await block.__aexit__(type(failure), failure, failure.__traceback__)

    async def undo(self, failure: BaseException) -> None:
        """Roll the batch's SAVEPOINT back, or take a single call's objects back out."""
        if self._savepoint_block is not None:
            await self._close_savepoint(failure)
            return
        for obj in self.created:
            state = inspect(obj)
            if state.pending and state.session is self.sync_session:
                self.sync_session.expunge(obj)

    async def flush_now(self) -> None:
        """Flush on demand, e.g. because a declaration reads a generated key."""
        await self._write()

    async def _write(self) -> None:
        """What a flush would write: a batch's objects in bulk where that is exact (see
        ``_bulk_session``), everything else by the session's flush."""
        if self.bulk:
            if self.call.is_batch:
                if await write_pending(self.session):
                    return
            elif SINGLE_BULK_WRITE and await write_pending(self.session, as_flush=True):
                return
        await self.session.flush()

    async def finish(self) -> None:
        """After the call built every object: flush once, release the SAVEPOINT, commit."""
        if not (self.flushes or self.commit):
            await self._close_savepoint(None)
            return
        await self._write()
        await self._load_server_defaults()
        if self.savepoint is not None and self.savepoint.is_active:
            await self.savepoint.commit()
        await self._close_savepoint(None)
        if self.commit and not self._hand_commit_to_outer_call():
            await self._commit_without_expiring()

    def _hand_commit_to_outer_call(self) -> bool:
        """Leave the commit to the outer call on the same session, if this call is nested.

        A call made from a post-generation hook (``await_(...)`` or ``async def``) runs
        while the outer call may hold a batch's SAVEPOINT open on the same session:
        committing there would close the transaction under that SAVEPOINT's context
        (SQLAlchemy's "Can't operate on closed transaction inside context manager"). The
        outermost call on the session commits once its own writes are done, which covers
        the nested call's rows too.
        """
        outer = self.call.parent
        while outer is not None:
            scope = outer.find_scope(SessionScope)
            if scope is not None and scope.session is self.session:
                scope.commit = True
                return True
            outer = outer.parent
        return False

    async def _load_server_defaults(self) -> None:
        """Read back server-generated values the INSERT did not return.

        Where the dialect has RETURNING they came back with the INSERT; elsewhere they are
        left unloaded, and reading one later from async code would need a lazy load
        (``MissingGreenlet``), so they are loaded now, while we may still await.
        """
        for obj, keys in self.refreshable:
            state = inspect(obj)
            if not state.persistent:
                continue
            missing = state.unloaded & keys
            if missing:
                await self.session.refresh(obj, attribute_names=sorted(missing))

    async def _commit_without_expiring(self) -> None:
        """Commit, but expire nothing: in async code an expired attribute cannot load."""
        sync_session = self.sync_session
        previous = sync_session.expire_on_commit
        sync_session.expire_on_commit = False
        try:
            await self.session.commit()
        finally:
            sync_session.expire_on_commit = previous


# Weak keys: factory classes made at run time (per test, parametrized) must not live on.
_async_hooks: weakref.WeakKeyDictionary[type, bool] = weakref.WeakKeyDictionary()


def _has_async_hooks(factory_class: FactoryClass) -> bool:
    """Whether the factory has an ``async def`` post_generation hook (cached per class)."""
    known = _async_hooks.get(factory_class)
    if known is None:
        declarations = factory_class._meta.post_declarations.declarations.values()
        known = _async_hooks[factory_class] = any(
            isinstance(declaration, PostGeneration)
            and pyinspect.iscoroutinefunction(declaration.function)
            for declaration in declarations
        )
    return known
