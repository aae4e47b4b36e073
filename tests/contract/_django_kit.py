"""The Django kit: the test app's ``Company`` (parent, unique name) and ``User`` (child).

Only the Django invocations of pytest build it (``--ds=tests.django.settings``); it runs on
the test's transaction (``async_db``), so every row is rolled back.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import factory

from async_factory_boy.factory.django import AsyncDjangoModelFactory
from tests.contract._kits import Kit
from tests.django.testapp.models import Company, User

_INSERT = re.compile(r'\s*INSERT\s+INTO\s+"testapp_(company|user)"', re.IGNORECASE)
_MODELS = {"company": "parent", "user": "child"}


class DjangoParentFactory(AsyncDjangoModelFactory[Company]):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"parent {n}")
    slug = factory.Sequence(lambda n: f"parent-{n}")


class DjangoChildFactory(AsyncDjangoModelFactory[User]):
    class Meta:
        model = User
        exclude = ("parent",)

    username = factory.Sequence(lambda n: f"child{n}")
    parent = factory.SubFactory(DjangoParentFactory)  # the contract's name for it
    company = factory.SelfAttribute("parent")


class DjangoParentByNameFactory(DjangoParentFactory):
    class Meta:
        django_get_or_create = ("name",)


_ONE_CONNECTION = (
    "Django's async ORM runs every query of the event loop's thread in one thread-sensitive "
    "worker, on one connection per alias (here the test's, lent by async_db so that it rolls "
    "back): there is no second connection of an alias to race or to gather on"
)


@asynccontextmanager
async def django_kit(queries: Any) -> AsyncIterator[Kit]:
    """The Django backend on the run's database (SQLite or PostgreSQL, ``AFB_DJANGO_DB``).

    ``queries`` is the ``queries`` fixture: the SQL the test sends to ``default``.
    """
    conn = {"django_database": "default"}

    @asynccontextmanager
    async def connect() -> AsyncIterator[dict[str, Any]]:
        yield conn

    async def count(model: str, conn: dict[str, Any] | None = None) -> int:
        manager: Any = {"parent": Company, "child": User}[model].objects
        return int(await manager.acount())

    def inserts(_: list[Any]) -> list[str]:
        matches = (_INSERT.match(query["sql"]) for query in queries.captured_queries)
        return [_MODELS[match.group(1).lower()] for match in matches if match]

    yield Kit(
        name="django",
        parent=DjangoParentFactory,
        child=DjangoChildFactory,
        parent_by_name=DjangoParentByNameFactory,
        conn=conn,
        connect=connect,
        count=count,
        wrong_connection=lambda: {"django_database": 123},
        read_log=inserts,
        unsupported={
            "missing_connection": (
                "a Django factory needs no connection argument: it writes to Meta.database, "
                "'default' unless set (an unknown alias is DjangoDatabaseNotFoundError)"
            ),
            "separate_connections": _ONE_CONNECTION,
            "batch_one_write": (
                "a batch's SubFactory objects are saved one by one (acreate): Django has no "
                "flush on demand for a key a declaration may read, so only the top-level "
                "objects go in one abulk_create (tests/django/test_batch.py)"
            ),
        },
    )
