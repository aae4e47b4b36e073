"""The backend contract: each behaviour written once, run by every kit (see conftest.py).

In the manner of SQLAlchemy's ``testing/suite``: the behaviours a backend promises are
stated here, independently of any backend. A test declares up front the named requirements
it needs (``@requires``, ``_requirements.py``); a backend that lacks one says why in its kit
(``Kit.unsupported``), and the run reports it as a skip with that reason.
"""

from __future__ import annotations

import asyncio
from typing import Any

import factory
import pytest

from async_factory_boy.errors import MissingSessionError, SessionTypeError, SyncCallError
from tests.contract._kits import DJANGO, Kit, holder_of
from tests.contract._requirements import requires

pytestmark = [pytest.mark.asyncio]
if DJANGO:  # the test's transaction, opened before the kit (see tests/django/conftest.py)
    pytestmark.append(pytest.mark.usefixtures("async_db"))


def _id(obj: Any) -> Any:
    return obj["_id"] if isinstance(obj, dict) else obj.id


def _name(obj: Any) -> Any:
    return obj["name"] if isinstance(obj, dict) else obj.name


def _fail_third() -> Any:
    """A declaration value that raises for the third object that asks for it."""
    calls = iter(range(1, 100))

    def value() -> str:
        number = next(calls)
        if number == 3:
            raise LookupError("the third object's declaration failed")
        return f"value {number}"

    return factory.LazyFunction(value)


class TestCreate:
    async def test_create_persists(self, kit: Kit) -> None:
        parent = await kit.parent.create_async(**kit.conn)

        assert _id(parent) is not None
        assert await kit.count("parent") == 1

    async def test_nested_objects_share_the_calls_connection(self, kit: Kit) -> None:
        child = await kit.child.create_async(**kit.conn)

        assert _id(child) is not None
        # Counted on the call's own connection, which sees its uncommitted rows.
        assert await kit.count("parent", kit.conn) == 1
        assert await kit.count("child", kit.conn) == 1

    async def test_build_needs_no_connection_and_stores_nothing(self, kit: Kit) -> None:
        child = await kit.child.build_async()

        assert child is not None
        assert await kit.count("parent") == 0
        assert await kit.count("child") == 0
        assert kit.writes() == []

    async def test_sync_build_and_build_batch_need_nothing_awaited(self, kit: Kit) -> None:
        child = kit.child.build()
        children = kit.child.build_batch(3)

        assert child is not None
        assert len(children) == 3
        assert len({id(each) for each in children}) == 3
        assert kit.writes() == []
        assert await kit.count("child") == 0


class TestContract:
    async def test_the_connection_is_checked_once_per_call(
        self, kit: Kit, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        scope = kit.child._backend.scope
        original = scope.open.__func__
        opened: list[Any] = []

        def counting_open(cls: Any, factory: Any, call: Any) -> Any:
            opened.append(factory)
            return original(cls, factory, call)

        monkeypatch.setattr(scope, "open", classmethod(counting_open))

        await kit.child.create_async(**kit.conn)
        await kit.child.create_batch_async(3, **kit.conn)

        assert opened == [kit.child, kit.child]


class TestBatch:
    @requires("batch_one_write")
    async def test_a_batch_is_one_write_per_model(self, kit: Kit) -> None:

        children = await kit.child.create_batch_async(5, **kit.conn)

        assert len(children) == 5
        assert all(_id(child) is not None for child in children)
        assert sorted(kit.writes()) == ["child", "parent"]
        assert await kit.count("child") == 5

    async def test_an_empty_batch_writes_nothing(self, kit: Kit) -> None:
        assert await kit.child.create_batch_async(0, **kit.conn) == []

        assert kit.writes() == []
        assert await kit.count("child") == 0

    @requires("failing_batch_declaration")
    async def test_a_batch_failing_in_a_declaration_leaves_nothing(self, kit: Kit) -> None:

        with pytest.raises(LookupError, match="third object"):
            await kit.child.create_batch_async(5, parent__name=_fail_third(), **kit.conn)

        assert await kit.count("parent") == 0
        assert await kit.count("child") == 0
        await kit.child.create_async(**kit.conn)  # the connection is still usable
        assert await kit.count("child") == 1

    @requires("failing_batch_unique")
    async def test_a_batch_failing_on_a_unique_key_leaves_nothing(self, kit: Kit) -> None:
        await kit.parent.create_async(name="taken", **kit.conn)

        names = factory.Iterator(["fresh 1", "fresh 2", "taken"])

        with pytest.raises(Exception) as failure:  # noqa: PT011 - each database has its own
            await kit.child.create_batch_async(3, parent__name=names, **kit.conn)

        assert not isinstance(failure.value, (LookupError, TypeError))
        assert await kit.count("parent") == 1
        assert await kit.count("child") == 0
        await kit.child.create_async(**kit.conn)  # the connection is still usable
        assert await kit.count("child") == 1


class TestGetOrCreate:
    async def test_get_or_create_returns_the_existing_row(self, kit: Kit) -> None:
        first = await kit.parent_by_name.create_async(name="shared", **kit.conn)
        second = await kit.parent_by_name.create_async(name="shared", **kit.conn)

        assert _id(second) == _id(first)
        assert _name(second) == "shared"
        assert await kit.count("parent") == 1

    @requires("separate_connections")
    async def test_racing_get_or_create_ends_with_one_row(self, kit: Kit) -> None:

        async def one() -> Any:
            async with kit.connect() as conn:
                return await kit.parent_by_name.create_async(name="raced", **conn)

        found = await asyncio.gather(*(one() for _ in range(4)))

        assert len({_id(each) for each in found}) == 1
        async with kit.connect() as conn:
            assert await kit.count("parent", conn) == 1


class TestConnectionErrors:
    @requires("missing_connection")
    async def test_a_missing_connection_names_the_factory_called(self, kit: Kit) -> None:

        with pytest.raises(MissingSessionError) as error:
            await kit.child.create_async()

        message = str(error.value)
        assert message.startswith(kit.child.__name__)
        assert "create_async" in message

    @requires("missing_connection", "nested_missing_wording")
    async def test_a_missing_connection_of_a_nested_factory_says_where_from(self, kit: Kit) -> None:
        holder = holder_of(kit.parent)

        with pytest.raises(MissingSessionError) as error:
            await holder.create_async()

        assert f"{kit.parent.__name__} (reached from {holder.__name__})" in str(error.value)

    async def test_a_connection_of_the_wrong_kind_is_a_session_type_error(self, kit: Kit) -> None:
        with pytest.raises(SessionTypeError):
            await kit.parent.create_async(**kit.wrong_connection())

        assert kit.writes() == []

    async def test_sync_create_points_to_create_async(self, kit: Kit) -> None:
        with pytest.raises(SyncCallError, match=rf"await {kit.parent.__name__}\.create_async"):
            kit.parent.create(**kit.conn)


class TestConcurrency:
    @requires("separate_connections")
    async def test_gathered_creates_on_separate_connections(self, kit: Kit) -> None:

        async def one() -> Any:
            async with kit.connect() as conn:
                return await kit.child.create_batch_async(3, **conn)

        batches = await asyncio.gather(*(one() for _ in range(4)))

        assert len({_id(child) for batch in batches for child in batch}) == 12
        async with kit.connect() as conn:
            assert await kit.count("child", conn) == 12
            assert await kit.count("parent", conn) == 12

    async def test_gathered_creates_on_one_connection_all_succeed(self, kit: Kit) -> None:
        singles = asyncio.gather(*(kit.child.create_async(**kit.conn) for _ in range(10)))
        batches = asyncio.gather(*(kit.child.create_batch_async(3, **kit.conn) for _ in range(3)))

        created = [*await singles, *(child for batch in await batches for child in batch)]

        assert len({_id(child) for child in created}) == 19
        assert await kit.count("child", kit.conn) == 19
        assert await kit.count("parent", kit.conn) == 19

    async def test_a_hook_creating_through_the_calls_connection_does_not_wait_for_itself(
        self, kit: Kit
    ) -> None:
        connection = kit.conn

        class ParentWithSiblingFactory(kit.parent):  # type: ignore[name-defined,misc]
            @factory.post_generation
            async def sibling(obj: Any, create: bool, extracted: Any, **kwargs: Any) -> None:
                if create:  # the same connection, held by the outer call of this task
                    await kit.parent.create_async(**connection)

        parents = await asyncio.wait_for(
            asyncio.gather(*(ParentWithSiblingFactory.create_async(**kit.conn) for _ in range(3))),
            timeout=60,
        )

        assert len(parents) == 3
        assert await kit.count("parent", kit.conn) == 6
