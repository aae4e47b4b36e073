"""Batches: one multi-row INSERT per model where it gives the same objects, atomic."""

from __future__ import annotations

from typing import Any

import factory
import pytest
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from .conftest import TortoiseDatabase
from .factories import AuditedFactory, CompanyFactory, TokenFactory, UserFactory
from .models import Company, Token, User

pytestmark = pytest.mark.asyncio


class _Statements:
    """Counts INSERT statements sent through Tortoise clients (any client class)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, client: Any) -> None:
        self.inserts: list[str] = []
        self.depth = 0  # execute_query_dict may call execute_query: count the outer call
        for cls in type(client).__mro__:
            for name in ("execute_insert", "execute_query", "execute_query_dict", "execute_many"):
                if name in vars(cls):
                    self._wrap(monkeypatch, cls, name)

    def _wrap(self, monkeypatch: pytest.MonkeyPatch, cls: type, name: str) -> None:
        original = vars(cls)[name]
        counter = self

        async def wrapper(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
            if counter.depth == 0 and query.lstrip().upper().startswith("INSERT"):
                counter.inserts.append(query)
            counter.depth += 1
            try:
                return await original(self, query, *args, **kwargs)
            finally:
                counter.depth -= 1

        monkeypatch.setattr(cls, name, wrapper)


async def test_batch_returns_saved_objects_with_their_keys(tortoise_db: TortoiseDatabase) -> None:
    company = await CompanyFactory.create_async()
    users = await UserFactory.create_batch_async(20, company=company)
    assert all(user._saved_in_db for user in users)
    stored = {user.id: user.email for user in await User.all()}
    assert stored == {user.id: user.email for user in users}


async def test_batch_writes_one_insert_per_model(
    tortoise_db: TortoiseDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    company = await CompanyFactory.create_async()
    statements = _Statements(monkeypatch, tortoise_db.connection)
    await UserFactory.create_batch_async(50, company=company)
    user_inserts = [sql for sql in statements.inserts if "afb_user" in sql]
    assert len(user_inserts) == 1


async def test_batch_with_subfactories_saves_them_first(tortoise_db: TortoiseDatabase) -> None:
    users = await UserFactory.create_batch_async(5)
    assert len({user.company.id for user in users}) == 5
    for user in users:
        stored = await User.get(id=user.id)
        assert stored.company_id == user.company.id


async def test_batch_of_application_generated_keys_uses_bulk_create(
    tortoise_db: TortoiseDatabase,
) -> None:
    user = await UserFactory.create_async()
    tokens = await TokenFactory.create_batch_async(10, user=user)
    assert {token.id for token in tokens} == {token.id for token in await Token.all()}


async def test_model_with_its_own_save_is_saved_one_by_one(tortoise_db: TortoiseDatabase) -> None:
    """A bulk insert would skip ``Audited.save``: the batch falls back to one save each."""
    rows = await AuditedFactory.create_batch_async(3)
    assert [row.saves for row in rows] == [1, 1, 1]
    assert all(row.id is not None for row in rows)


async def test_failing_batch_leaves_nothing(tortoise_db: TortoiseDatabase) -> None:
    company = await CompanyFactory.create_async()
    await UserFactory.create_async(email="taken@example.com", company=company)

    class CollidingFactory(UserFactory):
        email = factory.Iterator(["a@example.com", "b@example.com", "taken@example.com"])

    with pytest.raises(IntegrityError):
        await CollidingFactory.create_batch_async(3)
    assert await tortoise_db.count("afb_user") == 1
    assert await tortoise_db.count("afb_company") == 1  # the batch's companies are gone too
    # The connection is usable afterwards.
    assert len(await UserFactory.create_batch_async(2)) == 2


async def test_failing_batch_inside_the_callers_transaction(tortoise_db: TortoiseDatabase) -> None:
    async with in_transaction("default") as connection:
        kept = await CompanyFactory.create_async(tortoise_connection=connection)

        class FailingFactory(CompanyFactory):
            @factory.post_generation
            def boom(obj: Company, create: bool, extracted: object, **kwargs: object) -> None:
                if obj.name.endswith("!"):
                    raise RuntimeError("boom")

        with pytest.raises(RuntimeError, match="boom"):
            await FailingFactory.create_batch_async(
                3, name=factory.Iterator(["x", "y", "z!"]), tortoise_connection=connection
            )
        names = [c.name for c in await Company.all().using_db(connection)]
        assert names == [kept.name]
        await CompanyFactory.create_async(tortoise_connection=connection)
    assert await tortoise_db.count("afb_company") == 2


async def test_failing_single_create_leaves_no_partial_rows(tortoise_db: TortoiseDatabase) -> None:
    await UserFactory.create_async(email="dup@example.com")
    with pytest.raises(IntegrityError):
        await UserFactory.create_async(email="dup@example.com")
    assert await tortoise_db.count("afb_company") == 1


async def test_empty_batch(tortoise_db: TortoiseDatabase) -> None:
    assert await UserFactory.create_batch_async(0) == []


async def test_model_with_save_receivers_is_saved_one_by_one(
    tortoise_db: TortoiseDatabase,
) -> None:
    from tortoise.models import Model
    from tortoise.signals import Signals

    seen: list[int] = []

    async def receiver(sender: Any, instance: Company, created: bool, *args: Any) -> None:
        seen.append(instance.id)

    listeners = Model._listeners[Signals.post_save].setdefault(Company, [])
    listeners.append(receiver)
    try:
        companies = await CompanyFactory.create_batch_async(3)
    finally:
        listeners.remove(receiver)
    assert seen == [company.id for company in companies]


async def test_database_without_returning_saves_one_by_one(
    tortoise_db: TortoiseDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MySQL returns no keys from a multi-row INSERT: one save() per object, same result."""
    from async_factory_boy.factory.tortoise import _scope

    async def no_keys(client: Any) -> bool:
        return False

    monkeypatch.setattr(_scope, "returns_keys", no_keys)
    company = await CompanyFactory.create_async()
    statements = _Statements(monkeypatch, tortoise_db.connection)
    users = await UserFactory.create_batch_async(4, company=company)
    assert len([sql for sql in statements.inserts if "afb_user" in sql]) == 4
    assert sorted(user.id for user in users) == sorted(user.id for user in await User.all())
