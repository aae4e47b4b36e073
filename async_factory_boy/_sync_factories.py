"""A sync factory_boy persistence factory reached from an async create: named, with the fix.

factory_boy's ``SQLAlchemyModelFactory``, ``DjangoModelFactory``, ``MongoEngineFactory`` and
``MogoFactory`` save with synchronous I/O, and factory_boy's plain ``Factory`` over a mapped
SQLAlchemy class does not save at all. Reached through a ``SubFactory`` or
``RelatedFactory`` of an async factory's ``create_async``, they fail far from the mistake
(``RuntimeError: No session provided.``, Django's ``SynchronousOnlyOperation``) or block
the event loop on a sync driver. The builder asks :func:`refuse_sync_persistence` before
building such an object, and it raises an error that names the outer factory, the sync
factory and the async base class to derive it from. The verdict is cached on the factory's
options, so the check costs one attribute read per sub-object.
"""

from __future__ import annotations

import sys

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


def _sync_base(factory: type) -> tuple[str, str, str] | None:
    """``(sync class, async class, its module)`` if ``factory`` saves synchronously, or
    does not save a row the async call has to."""
    if hasattr(factory, "create_async"):  # one of ours (some derive from factory_boy's)
        return None
    for module_name, sync_name, async_name, async_module in _SYNC_PERSISTENCE:
        module = sys.modules.get(module_name)  # a subclass of it means it is imported
        base = getattr(module, sync_name, None) if module is not None else None
        if isinstance(base, type) and issubclass(factory, base):
            return sync_name, async_name, async_module
    # factory_boy's plain Factory over a mapped class: its create() only calls the class,
    # so the row is saved by a relationship's cascade at best (a SubFactory's) and is lost
    # with an SAWarning at worst (a RelatedFactory's: SQLAlchemy 2 does not cascade
    # backrefs). Building through it is fine; only the create strategy comes here.
    options = getattr(factory, "_meta", None)
    model = getattr(options, "model", None)
    if _is_mapped(model):
        return "Factory", "AsyncSQLAlchemyModelFactory", "async_factory_boy.factory.sqlalchemy"
    return None


def refuse_sync_persistence(factory_meta: FactoryOptionsLike, parent_step: BuildStepLike) -> None:
    """Raise if ``factory_meta``'s factory is a sync persistence factory (see the module doc).

    Called for an object built for another (``parent_step`` is the outer object's step) by
    the create strategy of an async call.
    """
    verdict: tuple[str, str, str] | None
    try:
        verdict = getattr(factory_meta, _VERDICT)
    except AttributeError:
        verdict = _sync_base(factory_meta.factory)
        setattr(factory_meta, _VERDICT, verdict)
    if verdict is None:
        return
    sync_name, async_name, async_module = verdict
    inner = factory_meta.factory.__name__
    outer = parent_step.builder.factory_meta.factory.__name__
    model = getattr(factory_meta.model, "__name__", factory_meta.model)
    why = f" (its create() does not save {model}, a mapped class)" if sync_name == "Factory" else ""
    raise FactoryConfigurationError(
        f"{outer} reaches {inner} (a SubFactory or RelatedFactory), a sync factory_boy "
        f"{sync_name}{why}, which cannot save inside {outer}.create_async(); make {inner} "
        f"subclass {async_module}.{async_name} instead of factory_boy's {sync_name} (its "
        "connection then comes from the async call)."
    )
