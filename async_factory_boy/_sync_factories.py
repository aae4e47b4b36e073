"""A sync factory_boy persistence factory reached from an async create: named, with the fix.

factory_boy's ``SQLAlchemyModelFactory``, ``DjangoModelFactory``, ``MongoEngineFactory`` and
``MogoFactory`` save with synchronous I/O, and factory_boy's plain ``Factory`` over a mapped
SQLAlchemy class, a Tortoise model or a Django model does not save at all. Reached through a
``SubFactory`` or ``RelatedFactory`` of an async factory's ``create_async``, they fail far from
the mistake (``RuntimeError: No session provided.``, Django's ``SynchronousOnlyOperation``),
lose a row, or block the event loop on a sync driver. The builder asks
:func:`refuse_sync_persistence` before building such an object, and it raises an error that
names the outer factory, the sync factory and the async base class to derive it from. The
verdict is cached on the factory's options, so the check costs one attribute read per
sub-object.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from ._compat import BuildStepLike, FactoryOptionsLike
from .errors import FactoryConfigurationError

__all__ = ["refuse_sync_persistence"]

# (module, sync class, the async class to use instead, where it lives)
_SYNC_PERSISTENCE = (
    (
        "factory.alchemy",
        "SQLAlchemyModelFactory",
        "AsyncSQLAlchemyModelFactory",
        "async_factory_boy.factory.sqlalchemy",
    ),
    (
        "factory.django",
        "DjangoModelFactory",
        "AsyncDjangoModelFactory",
        "async_factory_boy.factory.django",
    ),
    (
        "factory.mongoengine",
        "MongoEngineFactory",
        "AsyncMongoFactory",
        "async_factory_boy.factory.mongo",
    ),
    ("factory.mogo", "MogoFactory", "AsyncMongoFactory", "async_factory_boy.factory.mongo"),
)

_VERDICT = "_async_factory_boy_sync_persistence"


def _is_mapped(model: object) -> bool:
    """Whether ``model`` is a mapped SQLAlchemy class (without importing SQLAlchemy)."""
    sqlalchemy = sys.modules.get("sqlalchemy")
    if sqlalchemy is None or not isinstance(model, type):
        return False
    from sqlalchemy.orm import Mapper

    return isinstance(sqlalchemy.inspect(model, raiseerr=False), Mapper)


def _is_subclass(cls: object, module_name: str, class_name: str) -> bool:
    """Whether ``cls`` is a subclass of ``module_name.class_name`` (never importing it: a
    subclass of it means it is imported)."""
    module = sys.modules.get(module_name)
    base = getattr(module, class_name, None) if module is not None else None
    return isinstance(base, type) and isinstance(cls, type) and issubclass(cls, base)


def _subclass_of(module_name: str, class_name: str) -> Callable[[object], bool]:
    """A test for subclasses of ``module_name.class_name``, if that module is imported."""
    return lambda model: _is_subclass(model, module_name, class_name)


# (is the model a row of this backend, what it is, the async class to use, where it lives)
_SAVED_MODELS: tuple[tuple[Callable[[object], bool], str, str, str], ...] = (
    (
        _is_mapped,
        "a mapped class",
        "AsyncSQLAlchemyModelFactory",
        "async_factory_boy.factory.sqlalchemy",
    ),
    (
        _subclass_of("tortoise.models", "Model"),
        "a Tortoise model",
        "AsyncTortoiseModelFactory",
        "async_factory_boy.factory.tortoise",
    ),
    (
        _subclass_of("django.db.models", "Model"),
        "a Django model",
        "AsyncDjangoModelFactory",
        "async_factory_boy.factory.django",
    ),
)


def _sync_base(factory: type) -> tuple[str, str, str, str] | None:
    """``(sync class, async class, its module, what its model is)`` if ``factory`` saves
    synchronously, or does not save a row the async call has to."""
    if hasattr(factory, "create_async"):  # one of ours (some derive from factory_boy's)
        return None
    for module_name, sync_name, async_name, async_module in _SYNC_PERSISTENCE:
        if _is_subclass(factory, module_name, sync_name):
            return sync_name, async_name, async_module, ""
    # factory_boy's plain Factory over a row's class: its create() only calls the class.
    # SQLAlchemy saves such a row through a relationship's cascade at best (a SubFactory's)
    # and loses it with an SAWarning at worst (a RelatedFactory's: SQLAlchemy 2 does not
    # cascade backrefs); Tortoise and Django refuse an unsaved related object, far from the
    # factory. Building through it is fine; only the create strategy comes here.
    model = getattr(getattr(factory, "_meta", None), "model", None)
    for is_saved, kind, async_name, async_module in _SAVED_MODELS:
        if is_saved(model):
            return "Factory", async_name, async_module, kind
    return None


def refuse_sync_persistence(factory_meta: FactoryOptionsLike, parent_step: BuildStepLike) -> None:
    """Raise if ``factory_meta``'s factory is a sync persistence factory (see the module doc).

    Called for an object built for another (``parent_step`` is the outer object's step) by
    the create strategy of an async call.
    """
    verdict: tuple[str, str, str, str] | None
    try:
        verdict = getattr(factory_meta, _VERDICT)
    except AttributeError:
        verdict = _sync_base(factory_meta.factory)
        setattr(factory_meta, _VERDICT, verdict)
    if verdict is None:
        return
    sync_name, async_name, async_module, kind = verdict
    inner = factory_meta.factory.__name__
    outer = parent_step.builder.factory_meta.factory.__name__
    model = getattr(factory_meta.model, "__name__", factory_meta.model)
    why = f" (its create() does not save {model}, {kind})" if kind else ""
    raise FactoryConfigurationError(
        f"{outer} reaches {inner} (a SubFactory or RelatedFactory), a sync factory_boy "
        f"{sync_name}{why}, which cannot save inside {outer}.create_async(); make {inner} "
        f"subclass {async_module}.{async_name} instead of factory_boy's {sync_name} (its "
        "connection then comes from the async call)."
    )
