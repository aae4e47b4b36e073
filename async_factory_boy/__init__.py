"""async_factory_boy: factory_boy's declarations, with awaitable create steps.

user = await UserFactory.create_async(sqlalchemy_session=session)
"""

from . import errors
from ._bridge import await_, in_bridge
from ._call import FactoryCall, current_call
from .errors import (
    AwaitOutsideFactoryError,
    FactoryConfigurationError,
    MissingSessionError,
    SessionTypeError,
    SyncCallError,
)
from .factory import AsyncFactory

__version__ = "2.0.0.dev0"

__all__ = [
    "AsyncFactory",
    "AwaitOutsideFactoryError",
    "FactoryCall",
    "FactoryConfigurationError",
    "MissingSessionError",
    "SessionTypeError",
    "SyncCallError",
    "__version__",
    "await_",
    "current_call",
    "errors",
    "in_bridge",
]
