"""Creating and building objects: connections, ForeignKey / OneToOne via SubFactory, hooks."""

from __future__ import annotations

import factory
import pytest
from tortoise.transactions import in_transaction

from async_factory_boy.factory.tortoise import AsyncTortoiseModelFactory, current_connection

from .conftest import TortoiseDatabase
from .factories import CompanyFactory, ProfileFactory, TagFactory, TaggedUserFactory, UserFactory
from .models import Company, Profile, User

pytestmark = pytest.mark.asyncio


async def test_create_uses_the_default_connection(tortoise_db: TortoiseDatabase) -> None:
    user = await UserFactory.create_async()
    assert user.id is not None
    assert user._saved_in_db
    stored = await User.get(id=user.id).prefetch_related("company")
    assert stored.email == user.email
    assert stored.company.name == user.company.name


async def test_create_with_an_explicit_connection(tortoise_db: TortoiseDatabase) -> None:
    company = await CompanyFactory.create_async(tortoise_connection=tortoise_db.connection)
    assert await Company.filter(id=company.id).exists()


async def test_create_inside_the_callers_transaction(tortoise_db: TortoiseDatabase) -> None:
    """The client of in_transaction(): the rows go away with the caller's rollback."""

    class Rollback(Exception):
        pass

    async def create_then_roll_back() -> None:
        async with in_transaction("default") as connection:
            user = await UserFactory.create_async(tortoise_connection=connection)
            assert await User.filter(id=user.id).using_db(connection).exists()
            raise Rollback

    with pytest.raises(Rollback):
        await create_then_roll_back()
    assert await tortoise_db.count("afb_user") == 0
    assert await tortoise_db.count("afb_company") == 0


async def test_subfactory_object_is_a_saved_object_during_resolution(
    tortoise_db: TortoiseDatabase,
) -> None:
    class NamedUserFactory(UserFactory):
        name = factory.LazyAttribute(lambda o: f"works at {o.company.name} #{o.company.id}")

    user = await NamedUserFactory.create_async()
    assert user.name == f"works at {user.company.name} #{user.company.id}"


async def test_one_to_one_via_subfactory(tortoise_db: TortoiseDatabase) -> None:
    profile = await ProfileFactory.create_async(bio="hi")
    stored = await Profile.get(id=profile.id).prefetch_related("user")
    assert stored.user.id == profile.user.id


async def test_related_factory_rows_exist_when_create_returns(
    tortoise_db: TortoiseDatabase,
) -> None:
    class CompanyWithUsersFactory(CompanyFactory):
        users = factory.RelatedFactoryList(UserFactory, "company", size=2)

    company = await CompanyWithUsersFactory.create_async()
    assert await User.filter(company_id=company.id).count() == 2


async def test_many_to_many_in_post_generation(tortoise_db: TortoiseDatabase) -> None:
    user = await TaggedUserFactory.create_async()
    assert len(await user.tags.all()) == 2
    mine = await TagFactory.create_batch_async(3)
    other = await TaggedUserFactory.create_async(tags=mine)
    assert sorted(tag.id for tag in await other.tags.all()) == sorted(tag.id for tag in mine)


async def test_many_to_many_inside_a_batch(tortoise_db: TortoiseDatabase) -> None:
    users = await TaggedUserFactory.create_batch_async(
        3, tortoise_connection=tortoise_db.connection
    )
    for user in users:
        assert len(await user.tags.all()) == 2


async def test_sync_post_generation_hook_awaits_through_await_(
    tortoise_db: TortoiseDatabase,
) -> None:
    from async_factory_boy import await_

    class RenamingCompanyFactory(CompanyFactory):
        @factory.post_generation
        def renamed(obj: Company, create: bool, extracted: object, **kwargs: object) -> None:
            obj.name = f"{obj.name} (renamed)"
            await_(obj.save(using_db=current_connection()))

    company = await RenamingCompanyFactory.create_async()
    assert (await Company.get(id=company.id)).name.endswith("(renamed)")


async def test_build_saves_nothing(tortoise_db: TortoiseDatabase) -> None:
    user = await UserFactory.build_async()
    assert user.id is None
    assert not user._saved_in_db
    assert user.company.name.startswith("company")
    assert await tortoise_db.count("afb_company") == 0


async def test_build_needs_no_initialised_tortoise() -> None:
    class LooseFactory(AsyncTortoiseModelFactory[Company]):
        class Meta:
            model = Company

        name = "loose"

    company = await LooseFactory.build_async()
    assert company.name == "loose"


async def test_gathered_creates_on_one_transaction_client(tortoise_db: TortoiseDatabase) -> None:
    import asyncio

    async with in_transaction("default") as connection:
        users = await asyncio.gather(
            *(UserFactory.create_async(tortoise_connection=connection) for _ in range(5))
        )
    assert len({user.id for user in users}) == 5
    assert await tortoise_db.count("afb_user") == 5


async def test_plain_client_inside_its_in_transaction_block_joins_the_block(
    tortoise_db: TortoiseDatabase,
) -> None:
    class Rollback(Exception):
        pass

    async def create_then_roll_back() -> None:
        async with in_transaction("default"):
            await UserFactory.create_async(tortoise_connection=tortoise_db.connection)
            raise Rollback

    with pytest.raises(Rollback):
        await create_then_roll_back()
    assert await tortoise_db.count("afb_user") == 0


async def test_sync_build_needs_no_event_loop_work() -> None:
    user = UserFactory.build()
    assert user.company.name.startswith("company")
    assert user.id is None


async def test_nested_calls_of_a_hook_are_undone_with_the_call(
    tortoise_db: TortoiseDatabase,
) -> None:
    class FailingTaggedUserFactory(TaggedUserFactory):
        @factory.post_generation
        def fail(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
            raise RuntimeError("after the tags")

    with pytest.raises(RuntimeError, match="after the tags"):
        await FailingTaggedUserFactory.create_async()
    assert await tortoise_db.count("afb_tag") == 0
    assert await tortoise_db.count("afb_user") == 0


async def test_cancelled_call_is_rolled_back(tortoise_db: TortoiseDatabase) -> None:
    import asyncio

    started = asyncio.Event()

    class SlowCompanyFactory(CompanyFactory):
        @factory.post_generation
        async def wait(obj: Company, create: bool, extracted: object, **kwargs: object) -> None:
            started.set()
            await asyncio.sleep(60)

    task = asyncio.create_task(SlowCompanyFactory.create_async())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await tortoise_db.count("afb_company") == 0
    assert (await CompanyFactory.create_async()).id is not None


async def test_only_calls_that_can_write_several_objects_open_a_transaction(
    tortoise_db: TortoiseDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One INSERT is atomic by itself: a single plain object needs no transaction."""
    client_class = type(tortoise_db.connection)
    original = client_class._in_transaction
    opened: list[object] = []

    def counting(self: object) -> object:
        opened.append(self)
        return original(self)  # type: ignore[arg-type]

    monkeypatch.setattr(client_class, "_in_transaction", counting)
    await CompanyFactory.create_async()
    assert opened == []
    await UserFactory.create_async()  # its company first: one transaction for both
    assert len(opened) == 1
    await CompanyFactory.create_batch_async(2)
    assert len(opened) == 2
