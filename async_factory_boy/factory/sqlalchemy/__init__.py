"""SQLAlchemy asyncio backend: :class:`AsyncSQLAlchemyModelFactory`.

.. code-block:: python

    class UserFactory(AsyncSQLAlchemyModelFactory[User]):
        class Meta:
            model = User

        name = factory.Sequence(lambda n: f"user {n}")
        company = factory.SubFactory(CompanyFactory)

    user = await UserFactory.create_async(sqlalchemy_session=session)
    assert user.id is not None  # flushed, in the caller's transaction

The session travels with each call (never on the factory class), nested SubFactory /
RelatedFactory / post-generation objects go to the same session, and a call's objects are
written by one flush at its end (a generated key a declaration reads is flushed for on
demand), so a batch of any size costs a handful of round trips.
"""

from __future__ import annotations

# First, so that a missing driver names the extra to install (MissingDependencyError).
from . import _requires  # noqa: F401

# isort: split
from ..._many_to_many import ManyToMany
from ._factory import (
    SESSION_PERSISTENCE_COMMIT,
    SESSION_PERSISTENCE_FLUSH,
    VALID_SESSION_PERSISTENCE_TYPES,
    AsyncSQLAlchemyModelFactory,
    AsyncSQLAlchemyOptions,
    SessionPersistence,
)
from ._legacy import AsyncSQLAlchemyFactory

__all__ = [
    "SESSION_PERSISTENCE_COMMIT",
    "SESSION_PERSISTENCE_FLUSH",
    "VALID_SESSION_PERSISTENCE_TYPES",
    "AsyncSQLAlchemyFactory",
    "AsyncSQLAlchemyModelFactory",
    "AsyncSQLAlchemyOptions",
    "ManyToMany",
    "SessionPersistence",
]
