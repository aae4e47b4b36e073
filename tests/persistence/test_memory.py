"""MemoryPersistence: ids, unique constraints, get_or_create, lookups, and concurrency."""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any

import pytest

from async_factory_boy.persistence import (
    AsyncPersistence,
    MemoryPersistence,
    PersistenceError,
    UniqueViolationError,
)

from .models import Company, Tagged, Token, User, UserFactory

pytestmark = pytest.mark.asyncio


def user(email: str, name: str = "Ann") -> User:
    return User(name=name, email=email)


async def test_it_is_an_async_persistence_handler(store: MemoryPersistence[Any]) -> None:
    assert isinstance(store, AsyncPersistence)


async def test_save_sets_auto_increment_ids_per_model(store: MemoryPersistence[Any]) -> None:
    first, second = await store.save(user("a@x.org")), await store.save(user("b@x.org"))
    company = await store.save(Company(name="Acme"))

    assert (first.id, second.id, company.id) == (1, 2, 1)


async def test_save_returns_the_object_it_stored(store: MemoryPersistence[Any]) -> None:
    ann = user("a@x.org")

    assert await store.save(ann) is ann
    assert store.get(User, ann.id) is ann


async def test_uuid_ids_in_a_configured_attribute() -> None:
    store: MemoryPersistence[Any] = MemoryPersistence().register(
        Token, ids="uuid", id_attribute="token_id"
    )

    token = await store.save(Token(value="secret"))

    assert isinstance(token.token_id, uuid.UUID)
    assert store.get(Token, token.token_id) is token


async def test_uuid_ids_as_the_default_for_every_model() -> None:
    store: MemoryPersistence[Any] = MemoryPersistence(ids="uuid")

    company = await store.save(Company(name="Acme"))

    assert isinstance(company.id, uuid.UUID)


async def test_a_preset_id_is_kept_and_the_counter_moves_past_it(
    store: MemoryPersistence[Any],
) -> None:
    preset = await store.save(Company(name="Acme", id=10))
    fresh = await store.save(Company(name="Globex"))

    assert (preset.id, fresh.id) == (10, 11)


async def test_a_batch_never_hands_out_an_id_it_brings_along(
    store: MemoryPersistence[Any],
) -> None:
    fresh, preset = await store.save_many([Company(name="A"), Company(name="B", id=1)])

    assert (fresh.id, preset.id) == (2, 1)


async def test_a_duplicate_id_is_a_unique_violation(store: MemoryPersistence[Any]) -> None:
    await store.save(Company(name="Acme", id=1))

    with pytest.raises(UniqueViolationError, match="Company with id=1"):
        await store.save(Company(name="Globex", id=1))


async def test_models_without_ids() -> None:
    store: MemoryPersistence[Any] = MemoryPersistence(id_attribute=None)

    first, second = await store.save_many([{"name": "a"}, {"name": "b"}])

    assert store.all(dict) == [{"name": "a"}, {"name": "b"}]
    assert first is store.all(dict)[0]
    assert second is store.all(dict)[1]


async def test_dict_documents_get_their_id_as_a_key(store: MemoryPersistence[Any]) -> None:
    document = await store.save({"name": "Acme"})

    assert document == {"name": "Acme", "id": 1}


async def test_unique_violation_names_the_model_and_the_values() -> None:
    store: MemoryPersistence[Any] = MemoryPersistence(unique={User: ["email"]})
    await store.save(user("ann@x.org"))

    with pytest.raises(UniqueViolationError) as caught:
        await store.save(user("ann@x.org", name="Other Ann"))

    assert (caught.value.model, caught.value.fields, caught.value.values) == (
        User,
        ("email",),
        ("ann@x.org",),
    )
    assert "email='ann@x.org'" in str(caught.value)
    assert store.filter(User, name="Other Ann") == []


async def test_a_rejected_object_gets_no_id() -> None:
    store: MemoryPersistence[Any] = MemoryPersistence(unique={User: ["email"]})
    await store.save(user("ann@x.org"))
    duplicate = user("ann@x.org")

    with pytest.raises(UniqueViolationError):
        await store.save(duplicate)

    assert duplicate.id is None


async def test_save_many_stores_nothing_of_a_batch_with_a_violation() -> None:
    store: MemoryPersistence[Any] = MemoryPersistence(unique={User: ["email"]})
    await store.save(user("taken@x.org"))
    batch = [user("new1@x.org"), user("new2@x.org"), user("taken@x.org")]

    with pytest.raises(UniqueViolationError):
        await store.save_many(batch)

    assert [u.email for u in store.all(User)] == ["taken@x.org"]
    assert [u.id for u in batch] == [None, None, None]


async def test_save_many_rejects_duplicates_inside_the_batch() -> None:
    store: MemoryPersistence[Any] = MemoryPersistence(unique={User: ["email"]})

    with pytest.raises(UniqueViolationError):
        await store.save_many([user("same@x.org"), user("same@x.org")])

    assert store.all(User) == []


async def test_composite_unique_constraints() -> None:
    store: MemoryPersistence[Any] = MemoryPersistence().register(User, unique=[("name", "email")])
    await store.save(user("a@x.org", name="Ann"))
    await store.save(user("a@x.org", name="Bob"))  # same email, other name: allowed

    with pytest.raises(UniqueViolationError, match=re.escape("name='Ann', email='a@x.org'")):
        await store.save(user("a@x.org", name="Ann"))


async def test_none_values_do_not_collide_as_in_sql() -> None:
    store: MemoryPersistence[Any] = MemoryPersistence(unique={Company: ["name"]})

    await store.save_many([Company(name=None), Company(name=None)])  # type: ignore[arg-type]

    assert store.count(Company) == 2


async def test_registering_after_the_first_save_is_refused(store: MemoryPersistence[Any]) -> None:
    await store.save(Company(name="Acme"))

    with pytest.raises(PersistenceError, match="register it before its first save"):
        store.register(Company, unique=["name"])


async def test_an_id_that_cannot_be_set_is_explained(store: MemoryPersistence[Any]) -> None:
    class Frozen:
        __slots__ = ("name",)

        def __init__(self, name: str) -> None:
            self.name = name

    with pytest.raises(PersistenceError, match="could not set 'id' on a Frozen"):
        await store.save(Frozen("x"))
    assert store.all(Frozen) == []


async def test_get_or_create_returns_the_stored_object(store: MemoryPersistence[Any]) -> None:
    stored = await store.save(user("ann@x.org"))

    found = await store.get_or_create(user("ann@x.org", name="Someone"), ["email"])

    assert found is stored
    assert store.count(User) == 1


async def test_get_or_create_stores_a_new_object(store: MemoryPersistence[Any]) -> None:
    new = user("new@x.org")

    assert await store.get_or_create(new, ["email"]) is new
    assert new.id == 1


async def test_lookups_all_get_filter(store: MemoryPersistence[Any]) -> None:
    ann, bob, cid = user("a@x.org", "Ann"), user("b@x.org", "Bob"), user("c@x.org", "Ann")
    await store.save_many([ann, bob, cid])

    assert store.all(User) == [ann, bob, cid]
    assert store.get(User, 2) is bob
    assert store.get(User, 99) is None
    assert store.get(Company, 1) is None
    assert store.filter(User, name="Ann") == [ann, cid]
    assert store.filter(User, name="Ann", email="c@x.org") == [cid]


async def test_unhashable_field_values_are_fine_without_constraints(
    store: MemoryPersistence[Any],
) -> None:
    tagged = await store.save(Tagged(tags=["a", "b"]))

    assert store.filter(Tagged, tags=["a", "b"]) == [tagged]


async def test_clear_forgets_objects_and_restarts_ids() -> None:
    store: MemoryPersistence[Any] = MemoryPersistence(unique={User: ["email"]})
    await store.save(user("a@x.org"))

    store.clear()

    assert store.all(User) == []
    again = await store.save(user("a@x.org"))  # the constraint's index was cleared too
    assert again.id == 1
    with pytest.raises(UniqueViolationError):  # ... but the constraint itself stays
        await store.save(user("a@x.org"))


async def test_bad_id_kind_is_refused() -> None:
    with pytest.raises(ValueError, match='"increment" or "uuid"'):
        MemoryPersistence(ids="serial")  # type: ignore[arg-type]


# -- concurrency: 100 gathered creates through a factory ------------------------------------


async def test_100_gathered_creates_get_distinct_ids(store: MemoryPersistence[Any]) -> None:
    users = await asyncio.gather(*(UserFactory.create_async(persistence=store) for _ in range(100)))

    assert sorted(u.id for u in users) == list(range(1, 101))
    assert store.count(User) == 100
    assert store.count(Company) == 100


async def test_gathered_creates_with_unique_violations_store_only_the_winners() -> None:
    store: MemoryPersistence[Any] = MemoryPersistence(unique={User: ["email"]})
    results = await asyncio.gather(
        *(
            UserFactory.create_async(persistence=store, email=f"user{n % 10}@x.org")
            for n in range(100)
        ),
        return_exceptions=True,
    )

    saved = [r for r in results if isinstance(r, User)]
    failed = [r for r in results if isinstance(r, BaseException)]
    assert len(saved) == 10
    assert len(failed) == 90
    assert all(isinstance(error, UniqueViolationError) for error in failed)
    assert sorted(u.email for u in store.all(User)) == sorted(f"user{n}@x.org" for n in range(10))


async def test_get_or_create_races_store_exactly_one(store: MemoryPersistence[Any]) -> None:
    results = await asyncio.gather(
        *(store.get_or_create(user("race@x.org", name=f"U{n}"), ["email"]) for n in range(100))
    )

    assert store.count(User) == 1
    assert all(result is results[0] for result in results)


async def test_get_or_create_races_from_threads(store: MemoryPersistence[Any]) -> None:
    def in_thread(n: int) -> User:
        return asyncio.run(store.get_or_create(user("thread@x.org", name=f"U{n}"), ["email"]))

    results = await asyncio.gather(*(asyncio.to_thread(in_thread, n) for n in range(20)))

    assert store.count(User) == 1
    assert all(result is results[0] for result in results)


async def test_all_and_filter_are_plain_lists_that_may_also_be_awaited(
    store: MemoryPersistence[Any],
) -> None:
    ann = await store.save(user("a@x.org", name="Ann"))
    bob = await store.save(user("b@x.org", name="Bob"))

    assert store.all(User) == [ann, bob]
    assert await store.all(User) == [ann, bob]
    assert store.filter(User, name="Bob") == [bob]
    assert await store.filter(User, name="Bob") == [bob]
    assert await store.all(Company) == []
