"""async_factory_boy: factory_boy's declarations, with awaitable create steps.

user = await UserFactory.create_async(sqlalchemy_session=session)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import errors
from ._bridge import await_, in_bridge
from ._call import FactoryCall, current_call
from ._scope import BUILTIN_CONNECTION_ARGUMENTS, CallScope
from .errors import (
    AsyncFactoryError,
    AwaitOutsideFactoryError,
    DeclarationExhaustedError,
    FactoryConfigurationError,
    MissingDependencyError,
    MissingPersistenceError,
    MissingSessionError,
    PartialBatchError,
    SessionTypeError,
    SyncCallError,
    UnknownKeywordError,
)

if TYPE_CHECKING:
    from ._field_values import FIELD_PROVIDERS, FieldFacts
    from ._many_to_many import ManyToMany
    from .factory import AsyncFactory

__version__ = "2.0.0.dev0"

__all__ = [
    "BUILTIN_CONNECTION_ARGUMENTS",
    "FIELD_PROVIDERS",
    "AsyncFactory",
    "AsyncFactoryError",
    "AwaitOutsideFactoryError",
    "CallScope",
    "DeclarationExhaustedError",
    "FactoryCall",
    "FactoryConfigurationError",
    "FieldFacts",
    "ManyToMany",
    "MissingDependencyError",
    "MissingPersistenceError",
    "MissingSessionError",
    "PartialBatchError",
    "SessionTypeError",
    "SyncCallError",
    "UnknownKeywordError",
    "__version__",
    "await_",
    "current_call",
    "errors",
    "in_bridge",
]


def __getattr__(name: str) -> Any:
    # factory_boy imports SQLAlchemy and Faker at import time (~0.8 s). The pytest plugin is
    # imported at every pytest start through this package, so AsyncFactory is loaded only
    # when first asked for.
    if name == "AsyncFactory":
        from .factory import AsyncFactory

        return AsyncFactory
    if name in ("FIELD_PROVIDERS", "FieldFacts"):  # auto_fields' type-to-value table
        from . import _field_values

        return getattr(_field_values, name)
    if name == "ManyToMany":
        from ._many_to_many import ManyToMany

        return ManyToMany
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
