"""``Meta.model`` of a SQLAlchemy factory must be a mapped class: checked when it is defined.

Without the check an unmapped class (a plain class, a declarative ``__abstract__`` base, a
SQLModel model without ``table=True``) is only found out at the first call, deep in the
session, as ``NoInspectionAvailable``.
"""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.orm import Mapper

from ..._model_option import refuse_model

__all__ = ["check_mapped_model"]

_WHY = (
    "a mapped SQLAlchemy class, so its objects cannot be added to a session; map it "
    "(subclass your DeclarativeBase and give it a __tablename__ and a primary key, or use "
    "registry.map_imperatively(); a SQLModel model needs table=True)"
)


def _mapped(model: type) -> bool:
    return isinstance(inspect(model, raiseerr=False), Mapper)


def check_mapped_model(factory_name: str, meta: object, model: object) -> None:
    """Raise ``FactoryConfigurationError`` unless ``model`` is a mapped class."""
    refuse_model(factory_name, meta, model, _mapped, _WHY)
