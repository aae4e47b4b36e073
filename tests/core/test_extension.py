"""The extension points backends build on, and the per-call state they rely on."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import factory
import pytest

from async_factory_boy import (
    AsyncFactory,
    AwaitOutsideFactoryError,
    FactoryCall,
    MissingSessionError,
    await_,
    current_call,
    in_bridge,
)

from .models import Company, Membership, Store, StoreFactory, User
from .models import UserFactory as PlainUserFactory

pytestmark = pytest.mark.asyncio


class UserFactory(PlainUserFactory):
    """A user with a company (SubFactory) and a membership (RelatedFactory)."""

    membership = factory.RelatedFactory(
        "tests.core.test_extension.MembershipFactory", factory_related_name="user"
    )


class MembershipFactory(StoreFactory):
    class Meta:
        model = Membership


async def test_connection_argument_reaches_sub_and_related_factories() -> None:
    store = Store()
    user = await UserFactory.create_async(store=store)
    assert store.rows[0] is user.company
    assert store.rows[1] is user
    assert store.of(Membership)[0].user is user


async def test_concurrent_calls_keep_their_own_connection() -> None:
    stores = [Store() for _ in range(20)]
    users = await asyncio.gather(*(UserFactory.create_async(store=s) for s in stores))
    for store, user in zip(stores, users, strict=True):
        assert store.of(User) == [user]
        assert store.of(Company) == [user.company]
        assert len(store.of(Membership)) == 1


async def test_connection_arguments_are_not_kept_on_the_class() -> None:
    await UserFactory.create_async(store=Store())
    assert "store" not in vars(UserFactory)
    assert current_call() is None


_OTHER_BACKENDS_ARGUMENT = """
import asyncio, sys
import factory
from async_factory_boy import AsyncFactory

class Plain(AsyncFactory[dict]):
    class Meta:
        model = dict
    name = "n"

built = asyncio.run(Plain.build_async(mongo_database=object(), sqlalchemy_session=object()))
assert built == {"name": "n"}, built
assert "async_factory_boy.factory.mongo" not in sys.modules
assert "async_factory_boy.factory.sqlalchemy" not in sys.modules
print("ok")
"""


async def test_other_backends_connection_arguments_never_become_fields() -> None:
    # The rule is static (BUILTIN_CONNECTION_ARGUMENTS), so it holds in a process that never
    # imported the Mongo or SQLAlchemy backend, as it does in this one.
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", _OTHER_BACKENDS_ARGUMENT],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


async def test_a_field_named_like_a_connection_argument_stays_a_field() -> None:
    class Thing:
        def __init__(self, store: str) -> None:
            self.store = store

    class F(AsyncFactory[Thing]):
        class Meta:
            model = Thing

        store = "warehouse"

    assert (await F.create_async(store="depot")).store == "depot"


async def test_current_call_describes_the_call() -> None:
    seen: list[FactoryCall] = []

    class F(StoreFactory):
        class Meta:
            model = Company

        name = factory.LazyFunction(lambda: seen.append(current_call()) or "x")  # type: ignore[func-returns-value]

    store = Store()
    await F.create_batch_async(2, store=store)
    call = seen[0]
    assert seen == [call, call]
    assert (call.factory, call.strategy, call.size, call.is_batch) == (F, "create", 2, True)
    assert call.get("store") is store


async def test_prepare_call_errors_name_the_factory_the_user_called() -> None:
    class CheckedFactory(StoreFactory):
        class Meta:
            abstract = True

        @classmethod
        def _prepare_call(cls, call: FactoryCall) -> None:
            if call.get("store") is None:
                raise MissingSessionError(f"{cls.__name__} needs store=")

    class Child(CheckedFactory):
        class Meta:
            model = Company

        name = "c"

    class Parent(CheckedFactory):
        class Meta:
            model = User

        name = "p"
        company = factory.SubFactory(Child)

    with pytest.raises(MissingSessionError, match=r"^Parent needs store="):
        await Parent.create_async()


class BulkStore(Store):
    async def insert_many(self, instances: list[Any]) -> list[Any]:
        await asyncio.sleep(0)
        self.bulk_writes.append(list(instances))
        for instance in instances:
            instance.id = next(self._ids)
        self.rows.extend(instances)
        return instances


class BulkFactory(StoreFactory):
    class Meta:
        abstract = True

    @classmethod
    async def _create_many_async(cls, model_class: type[Any], instances: list[Any]) -> list[Any]:
        call = current_call()
        assert call is not None
        store: BulkStore = call.get("store")
        return await store.insert_many(instances)


class BulkCompanyFactory(BulkFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"company{n}")


class BulkUserFactory(BulkFactory):
    class Meta:
        model = User

    name = factory.Sequence(lambda n: f"user{n}")
    company = factory.SubFactory(BulkCompanyFactory)


async def test_create_many_async_writes_each_factory_once_referenced_first() -> None:
    store = BulkStore()
    users = await BulkUserFactory.create_batch_async(4, store=store)
    assert [next(type(row) for row in write) for write in store.bulk_writes] == [Company, User]
    assert [len(write) for write in store.bulk_writes] == [4, 4]
    assert all(u.id is not None and u.company is not None for u in users)


async def test_single_create_does_not_defer_even_with_create_many() -> None:
    store = BulkStore()
    user = await BulkUserFactory.create_async(store=store)
    assert store.bulk_writes == []
    assert user.id is not None


async def test_create_many_async_may_return_new_objects() -> None:
    class CopyingFactory(BulkFactory):
        class Meta:
            model = Company

        name = "c"

        @classmethod
        async def _create_many_async(
            cls, model_class: type[Any], instances: list[Any]
        ) -> list[Any]:
            return [Company(name=i.name + "-saved", id=n) for n, i in enumerate(instances, 1)]

    companies = await CopyingFactory.create_batch_async(2, store=BulkStore())
    assert companies == [Company("c-saved", id=1), Company("c-saved", id=2)]


async def test_after_postgeneration_async_gets_instance_and_results() -> None:
    seen: list[tuple[Any, bool, Any]] = []

    class F(StoreFactory):
        class Meta:
            model = User

        name = "ada"

        @factory.post_generation
        def tags(obj: User, create: bool, extracted: Any, **kwargs: Any) -> str:
            return "hook-result"

        @classmethod
        async def _after_postgeneration_async(
            cls, instance: Any, create: bool, results: dict[str, Any] | None = None
        ) -> None:
            await asyncio.sleep(0)
            seen.append((instance, create, results))

    user = await F.create_async(store=Store())
    assert seen == [(user, True, {"tags": "hook-result"})]


async def test_on_success_runs_after_every_object_is_built() -> None:
    events: list[str] = []

    class F(StoreFactory):
        class Meta:
            model = Company

        name = "c"

        @classmethod
        async def _create_async(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
            call = current_call()
            assert call is not None
            if not call.state:
                call.state["registered"] = True

                async def flush() -> None:
                    events.append("flush")

                call.on_success(flush)
            events.append("create")
            return model_class(*args, **kwargs)

    await F.create_batch_async(3, store=Store())
    assert events == ["create", "create", "create", "flush"]


async def test_entered_contexts_exit_with_the_failure() -> None:
    exits: list[type[BaseException] | None] = []

    @contextlib.asynccontextmanager
    async def savepoint() -> AsyncIterator[None]:
        try:
            yield
        except BaseException as exc:
            exits.append(type(exc))
            raise
        else:
            exits.append(None)

    class F(StoreFactory):
        class Meta:
            model = Company

        name = factory.Sequence(lambda n: f"c{n}")

        @classmethod
        async def _create_async(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
            call = current_call()
            assert call is not None
            if "sp" not in call.state:
                call.state["sp"] = await call.enter_async_context(savepoint())
            if kwargs["name"] == "c2":
                raise LookupError("duplicate")
            return model_class(*args, **kwargs)

    F.reset_sequence(0)
    with pytest.raises(LookupError):
        await F.create_batch_async(5, store=Store())
    await F.create_async(store=Store())
    assert exits == [LookupError, None]


async def test_await_bridges_sync_code_inside_a_factory_call() -> None:
    async def slow_upper(value: str) -> str:
        await asyncio.sleep(0)
        return value.upper()

    class F(StoreFactory):
        class Meta:
            model = Company

        name = "acme"

        @factory.post_generation
        def shout(obj: Company, create: bool, extracted: Any, **kwargs: Any) -> None:
            assert in_bridge()
            obj.name = await_(slow_upper(obj.name))

    assert (await F.create_async(store=Store())).name == "ACME"


async def test_await_outside_a_factory_call_says_what_to_do() -> None:
    async def nothing() -> None:
        return None

    assert not in_bridge()
    with pytest.raises(AwaitOutsideFactoryError, match="only be used inside a factory call"):
        await_(nothing())
