"""Tortoise ORM backend: :class:`AsyncTortoiseModelFactory`.

.. code-block:: python

    class UserFactory(AsyncTortoiseModelFactory[User]):
        class Meta:
            model = User

        name = factory.Sequence(lambda n: f"user {n}")
        company = factory.SubFactory(CompanyFactory)

    user = await UserFactory.create_async()  # Tortoise's default connection
    async with in_transaction() as connection:
        users = await UserFactory.create_batch_async(100, tortoise_connection=connection)

Each call writes inside one transaction of its own (a SAVEPOINT inside the caller's), so a
failed call leaves nothing behind; a batch's top-level objects are written per model with
one multi-row ``INSERT ... RETURNING`` where that gives the same objects as one
``Model.create()`` each. ``AsyncTortoiseFactory`` is async-factory-boy 1.0.1's deprecated API.
"""

# First, so that a missing driver names the extra to install (MissingDependencyError).
from . import _requires  # noqa: F401
from ._connection import CONNECTION_ARGUMENT, TortoiseNotInitialisedError
from ._factory import AsyncTortoiseModelFactory, AsyncTortoiseOptions, current_connection
from ._legacy import AsyncTortoiseFactory

__all__ = [
    "CONNECTION_ARGUMENT",
    "AsyncTortoiseFactory",
    "AsyncTortoiseModelFactory",
    "AsyncTortoiseOptions",
    "TortoiseNotInitialisedError",
    "current_connection",
]
