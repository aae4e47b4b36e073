"""Generated builds (``async_factory_boy/_codegen.py``): the same objects and errors as the
plans' loop and factory_boy's resolver.

Each scenario runs three ways (generated code, the plans' loop with generated code off,
factory_boy's resolver) from the same sequence counters, and compares everything it saw: the
objects, or the error's class and message. Each also checks that generated code did build
(or, for what it does not cover, that it did not), so no comparison is vacuous.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import factory
import pytest
from factory.declarations import SKIP

from async_factory_boy import AsyncFactory, _codegen, _plan
from async_factory_boy._compat import plans_of

from .models import Company, Store, User

pytestmark = pytest.mark.asyncio

MODES = ("generated code", "fast path", "factory_boy resolver")


@pytest.fixture(autouse=True)
def restore_switches(monkeypatch: pytest.MonkeyPatch) -> None:
    """The switches as they were after each test (``three_ways`` flips them)."""
    monkeypatch.setattr(_plan, "ENABLED", True)
    monkeypatch.setattr(_codegen, "ENABLED", True)
    monkeypatch.setattr(_codegen, "HOT_AFTER", 1)  # generated at a plan's first object


def set_mode(mode: str) -> None:
    _plan.ENABLED = mode != "factory_boy resolver"
    _codegen.ENABLED = mode == "generated code"


async def three_ways(
    scenario: Callable[[], Awaitable[Any]], *factories: type[AsyncFactory[Any]]
) -> dict[str, Any]:
    """``scenario``'s result (or error class and message) per mode, counters reset first."""
    seen: dict[str, Any] = {}
    for mode in MODES:
        set_mode(mode)
        for made in factories:
            made.reset_sequence(0, force=True)
        try:
            seen[mode] = await scenario()
        except Exception as exc:  # the error is what is compared
            seen[mode] = (type(exc), str(exc))
    return seen


def assert_same(seen: dict[str, Any]) -> Any:
    assert seen["generated code"] == seen["fast path"] == seen["factory_boy resolver"], seen
    return seen["generated code"]


def generated(factory_class: type[AsyncFactory[Any]], *keys: str) -> bool:
    """Whether ``factory_class``'s plan for these override keys got generated code."""
    plan = plans_of(factory_class._meta.pre_declarations).get(tuple(keys))
    return plan is not None and plan.generated is not None


@dataclass
class Account:
    name: str
    email: str
    number: int
    company: Company


class CompanyFactory(AsyncFactory[Company]):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"company{n}")
    country = "FR"


class AccountFactory(AsyncFactory[Account]):
    class Meta:
        model = Account

    # ``email`` reads ``number``, declared after it: resolved on demand, once.
    email = factory.LazyAttribute(lambda o: f"{o.name}.{o.number}@example.com")
    name = factory.Sequence(lambda n: f"user{n}")
    number = factory.LazyFunction(itertools.count(100).__next__)
    company = factory.SubFactory(CompanyFactory)


async def test_a_plain_factory_builds_the_same_objects_by_generated_code() -> None:
    async def scenario() -> Any:
        first = await AccountFactory.build_batch_async(3)
        second = await AccountFactory.build_batch_async(2)
        one = await AccountFactory.build_async()
        return [*first, *second, one]

    AccountFactory.number.function = itertools.count(100).__next__  # type: ignore[attr-defined]
    seen = await three_ways(scenario, AccountFactory, CompanyFactory)
    # The LazyFunction's counter runs on across the modes: compare everything else.
    numbers = {mode: [a.number for a in made] for mode, made in seen.items()}
    assert [n - numbers["generated code"][0] for n in numbers["fast path"]] == list(range(6, 12))
    for made in seen.values():
        for account in made:
            account.number = 0
    accounts = assert_same(
        {
            mode: [(a.name, a.email.split(".")[0], a.company) for a in made]
            for mode, made in seen.items()
        }
    )
    assert accounts[0] == ("user0", "user0", Company(name="company0", country="FR"))
    assert [name for name, _, _ in accounts] == [f"user{i}" for i in range(6)]
    assert generated(AccountFactory)
    assert generated(CompanyFactory)


class Parent(AsyncFactory[Company]):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"p{n}")


@dataclass
class Branch(Company):
    pass


class Child(Parent):
    """A subclass for a subclass model: it shares its parent's sequence counter."""

    class Meta:
        model = Branch

    name = factory.Sequence(lambda n: f"c{n}")


async def test_sequences_across_batches_inheritance_resets_and_forced_numbers() -> None:
    async def scenario() -> Any:
        names = [c.name for c in await Parent.build_batch_async(2)]
        names += [c.name for c in await Child.build_batch_async(2)]
        names += [c.name for c in await Parent.build_batch_async(1)]
        names.append((await Child.build_async(__sequence=42)).name)
        names += [c.name for c in await Parent.build_batch_async(2, __sequence=7)]
        Parent.reset_sequence(100)
        names += [c.name for c in await Child.build_batch_async(2)]
        return names

    names = assert_same(await three_ways(scenario, Parent))
    assert names == ["p0", "p1", "c2", "c3", "p4", "c42", "p7", "p7", "c100", "c101"]
    assert generated(Parent)
    assert generated(Child)


async def test_a_descendants_reset_is_refused_the_same_way() -> None:
    async def scenario() -> Any:
        await Child.build_async()
        Child.reset_sequence(5)

    error = assert_same(await three_ways(scenario, Parent))
    assert error[0] is ValueError


async def test_a_cycle_raises_factory_boys_error() -> None:
    class Cyclic(AsyncFactory[Company]):
        class Meta:
            model = Company

        name = factory.LazyAttribute(lambda o: o.country)
        country = factory.LazyAttribute(lambda o: o.name)

    error = assert_same(await three_ways(Cyclic.build_async))
    assert error[0] is factory.errors.CyclicDefinitionError
    assert "'name'" in error[1]


async def test_an_unknown_name_read_by_a_lazy_attribute_raises_the_resolvers_error() -> None:
    class Unknown(AsyncFactory[Company]):
        class Meta:
            model = Company

        name = "acme"
        country = factory.LazyAttribute(lambda o: o.nowhere)

    seen = await three_ways(Unknown.build_async)
    # factory_boy's resolver words its message itself; the plans' resolver as before.
    assert seen["generated code"] == seen["fast path"]
    assert seen["generated code"][0] is AttributeError
    assert seen["factory_boy resolver"][0] is AttributeError
    assert generated(Unknown)


async def test_a_subfactory_with_overrides_and_a_parent_attribute() -> None:
    class Named(AsyncFactory[User]):
        class Meta:
            model = User

        name = factory.Sequence(lambda n: f"user{n}")
        email = factory.LazyAttribute(lambda o: f"{o.company.name}@example.com")
        company = factory.SubFactory(CompanyFactory, country=factory.SelfAttribute("..name"))

    async def scenario() -> Any:
        made = await Named.build_batch_async(2, company__name="acme")
        made += await Named.build_batch_async(2)
        made.append(await Named.build_async(company__country="DE", name="ada"))
        return made

    users = assert_same(await three_ways(scenario, Named, CompanyFactory))
    assert (users[0].company, users[0].email) == (Company("acme", "user0"), "acme@example.com")
    assert users[2].company == Company("company2", "user2")
    assert users[4].company == Company("company4", "DE")
    assert generated(Named)
    assert generated(Named, "company__name")


async def test_factory_parent_and_self_attribute_of_the_parent() -> None:
    class Inner(AsyncFactory[Company]):
        class Meta:
            model = Company

        name = factory.LazyAttribute(lambda o: f"of {o.factory_parent.name}")
        country = factory.SelfAttribute("..name")

    class Outer(AsyncFactory[User]):
        class Meta:
            model = User

        company = factory.SubFactory(Inner)
        name = factory.Sequence(lambda n: f"outer{n}")

    users = assert_same(await three_ways(lambda: Outer.build_batch_async(2), Outer))
    assert users[1].company == Company("of outer1", "outer1")


async def test_awaitable_values_are_awaited_once() -> None:
    awaited: list[str] = []

    async def slow_name() -> str:
        await asyncio.sleep(0)
        awaited.append("name")
        return "awaited"

    class Async(AsyncFactory[Company]):
        class Meta:
            model = Company

        name = factory.LazyFunction(slow_name)
        country = factory.LazyAttribute(lambda o: o.name[:2])

    async def scenario() -> Any:
        awaited.clear()
        made = await Async.build_batch_async(2)
        made.append(await Async.build_async(country=slow_name()))
        return made, list(awaited)

    made, count = assert_same(await three_ways(scenario))
    assert made[0] == Company("awaited", "aw")
    assert made[2] == Company("awaited", "awaited")
    assert count == ["name"] * 4
    assert generated(Async)
    assert generated(Async, "country")


async def test_a_sync_build_of_an_awaitable_value_fails_the_same_way() -> None:
    async def a_name() -> str:
        return "x"

    class Async(AsyncFactory[Company]):
        class Meta:
            model = Company

        name = factory.LazyFunction(a_name)

    async def scenario() -> Any:
        return Async.build()

    error = assert_same(await three_ways(scenario))
    assert "awaitable" in error[1]


async def test_an_exhausted_iterator_names_the_factory_and_field() -> None:
    def make() -> type[AsyncFactory[Company]]:
        values = iter(["a", "b"])

        class Short(AsyncFactory[Company]):
            class Meta:
                model = Company

            name = factory.LazyFunction(lambda: next(values))

        return Short

    seen = {}
    for mode in MODES:
        set_mode(mode)
        made = make()
        try:
            await made.build_batch_async(3)
        except Exception as exc:  # the error is what is compared
            seen[mode] = (type(exc).__name__, str(exc))
        if mode == "generated code":
            assert generated(made)
    error = assert_same(seen)
    assert error[0] == "DeclarationExhaustedError"
    assert error[1].startswith("Short.name: the declaration ran out of values")


async def test_params_traits_exclude_and_skip() -> None:
    class Flagged(AsyncFactory[Company]):
        class Meta:
            model = Company
            exclude = ("hidden",)

        class Params:
            loud = factory.Trait(country="LOUD")
            suffix = "!"

        hidden = factory.Sequence(lambda n: f"h{n}")
        name = factory.LazyAttribute(lambda o: f"{o.hidden}{o.suffix}")
        country = "FR"

    class Skipping(AsyncFactory[Company]):
        class Meta:
            model = Company

        name = "kept"
        country = factory.LazyFunction(lambda: SKIP)

    async def scenario() -> Any:
        made = await Flagged.build_batch_async(2)
        made += await Flagged.build_batch_async(1, loud=True, suffix="?")
        made += await Skipping.build_batch_async(2)
        return made

    made = assert_same(await three_ways(scenario, Flagged))
    assert made == [
        Company("h0!", "FR"),
        Company("h1!", "FR"),
        Company("h2?", "LOUD"),
        Company("kept"),
        Company("kept"),
    ]
    # The Trait is a Maybe (factory_boy's evaluate): that plan keeps the plans' loop.
    assert not generated(Flagged)
    assert generated(Skipping)


class StoredCompany(AsyncFactory[Company]):
    class Meta:
        model = Company

    _connection_arguments = ("store",)
    name = factory.Sequence(lambda n: f"stored{n}")

    @classmethod
    async def _create_async(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        from async_factory_boy import current_call

        call = current_call()
        assert call is not None
        store: Store = call.get("store")
        return await store.insert(model_class(*args, **kwargs))


class StoredUser(StoredCompany):
    class Meta:
        model = User

    name = factory.Sequence(lambda n: f"user{n}")
    company = factory.SubFactory(StoredCompany)


async def test_the_create_strategy_and_an_overridden_hook() -> None:
    async def scenario() -> Any:
        store = Store()
        made = await StoredUser.create_batch_async(2, store=store)
        made.append(await StoredUser.create_async(store=store, company__name="given"))
        return made, [type(row).__name__ for row in store.rows]

    made, rows = assert_same(await three_ways(scenario, StoredUser, StoredCompany))
    assert made[0] == User(name="user0", company=Company("stored0", id=1), id=2)
    assert rows == ["Company", "User"] * 3
    assert generated(StoredUser)
    assert generated(StoredCompany)


async def test_the_environment_variable_turns_generated_code_off() -> None:
    code = "from async_factory_boy import _codegen; print(_codegen.ENABLED)"
    env = {**os.environ, "ASYNC_FACTORY_BOY_CODEGEN": "0"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, env=env, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await process.communicate()
    assert out.decode().strip() == "False"


async def test_generated_code_off_builds_along_the_plans_loop() -> None:
    class Off(AsyncFactory[Company]):
        class Meta:
            model = Company

        name = "n"

    _codegen.ENABLED = False
    await Off.build_batch_async(2)
    plan = plans_of(Off._meta.pre_declarations)[()]
    assert (plan.generated_for, plan.generated) == (None, None)
    _codegen.ENABLED = True
    await Off.build_async()
    assert plan.generated is not None
    assert plan.generated_for is type(Off._meta)


async def test_field_names_that_are_not_identifiers_or_are_keywords() -> None:
    class Loose(AsyncFactory[dict[str, Any]]):
        class Meta:
            model = dict

        # Names the generated source must quote, never spell as identifiers.
        step = factory.Sequence(lambda n: n)
        kwargs = "k"

    async def scenario() -> Any:
        return await Loose.build_batch_async(2, **{"not an identifier": 1, "class": 2})

    made = assert_same(await three_ways(scenario, Loose))
    assert made == [
        {"step": 0, "kwargs": "k", "not an identifier": 1, "class": 2},
        {"step": 1, "kwargs": "k", "not an identifier": 1, "class": 2},
    ]
    assert generated(Loose, "not an identifier", "class")


async def test_a_plan_gets_generated_code_at_its_hot_after_th_object(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_codegen, "HOT_AFTER", 5)

    class Warm(AsyncFactory[Company]):
        class Meta:
            model = Company

        name = factory.Sequence(lambda n: f"w{n}")

    made = await Warm.build_batch_async(4)
    assert not generated(Warm)
    made += await Warm.build_batch_async(3)
    assert generated(Warm)
    assert [c.name for c in made] == [f"w{i}" for i in range(7)]


async def test_plans_of_one_shape_share_their_compiled_code() -> None:
    class Fresh(AsyncFactory[Company]):
        class Meta:
            model = Company

        name = "n"

    # A new declaration object per call: a plan per call, one compiled source.
    first = await Fresh.build_async(country=factory.LazyFunction(lambda: "a"))
    second = await Fresh.build_async(country=factory.LazyFunction(lambda: "b"))
    assert (first.country, second.country) == ("a", "b")
    plans = [p for p in plans_of(Fresh._meta.pre_declarations).values() if p is not None]
    codes = {p.generated.__code__ for p in plans if p.generated is not None}
    assert len(plans) == 2
    assert all(p.generated is not None for p in plans)
    assert len(codes) == 1


def entered_without_builder(factory_class: type[AsyncFactory[Any]]) -> bool:
    """Whether ``factory_class``'s plain plan has the entry that makes no builder."""
    plan = plans_of(factory_class._meta.pre_declarations).get(())
    return plan is not None and plan.generated_child is not None


async def test_a_subfactorys_object_entered_without_a_builder_awaits_and_reports() -> None:
    # The child reads no step: its objects are built without a builder until a value needs
    # one (an awaitable value, an exhausted declaration); the same objects and messages.
    values = iter(range(4))

    async def code() -> str:
        await asyncio.sleep(0)
        return "code"

    class Coded(AsyncFactory[Company]):
        class Meta:
            model = Company

        name = factory.Sequence(lambda n: f"c{n}")
        country = factory.LazyFunction(code)
        id = factory.LazyFunction(lambda: next(values))

    class Holder(AsyncFactory[User]):
        class Meta:
            model = User

        name = factory.LazyAttribute(lambda o: o.company.name.upper())
        company = factory.SubFactory(Coded)

    async def scenario() -> Any:
        nonlocal values
        values = iter(range(4))
        made = await Holder.build_batch_async(3)
        made.append(await Holder.build_async())
        try:
            await Holder.build_async()
        except Exception as exc:  # the fifth code is exhausted: what it names is compared
            made.append((type(exc).__name__, str(exc)))
        try:
            Holder.build()
        except Exception as exc:  # a sync build cannot await the child's value
            made.append((type(exc).__name__, str(exc).split(":")[0]))
        return made

    made = assert_same(await three_ways(scenario, Holder, Coded))
    assert made[0] == User(name="C0", company=Company("c0", "code", id=0))
    assert made[3] == User(name="C3", company=Company("c3", "code", id=3))
    assert made[4][0] == "DeclarationExhaustedError"
    assert made[4][1].startswith("Coded.id: the declaration ran out of values")
    assert "Coded" in made[5][1]
    assert entered_without_builder(Coded)
    assert not entered_without_builder(Holder)  # it has a resolver: its builder is read


async def test_objects_created_through_the_entry_without_a_builder() -> None:
    class Plain(StoredCompany):
        name = factory.Sequence(lambda n: f"plain{n}")

    class Owner(StoredUser):
        company = factory.SubFactory(Plain)

    async def scenario() -> Any:
        store = Store()
        made = await Owner.create_batch_async(3, store=store)
        made += await Plain.create_batch_async(2, store=store)
        return made, [(type(row).__name__, row.id) for row in store.rows]

    made, rows = assert_same(await three_ways(scenario, Owner, Plain))
    assert made[0] == User(name="user0", company=Company("plain0", id=1), id=2)
    assert made[3] == Company("plain3", id=7)
    pairs = [("Company", 1), ("User", 2), ("Company", 3), ("User", 4), ("Company", 5)]
    assert rows == [*pairs, ("User", 6), ("Company", 7), ("Company", 8)]
    assert entered_without_builder(Plain)


async def test_a_traceback_through_generated_code_shows_its_lines() -> None:
    import traceback

    def broken(n: int) -> str:
        raise ValueError(f"no name for {n}")

    class Broken(AsyncFactory[Company]):
        class Meta:
            model = Company

        name = factory.Sequence(broken)

    with pytest.raises(ValueError, match="no name for") as raised:
        await Broken.build_async()
    assert generated(Broken)
    lines = "".join(traceback.format_exception(raised.value))
    assert "<generated build: " in lines
    assert "f0(sequence if type(sequence) is int else int(sequence))" in lines


async def test_a_warmed_up_batch_still_follows_the_switches_and_factory_debug() -> None:
    # Generated builds note their child's entry (and a batch its plan's build) once found:
    # turning generated code or the fast path off, or factory.debug() on, between batches
    # still takes effect for the parent and the child.
    import io

    made = await AccountFactory.build_batch_async(4)
    assert generated(AccountFactory)
    assert entered_without_builder(CompanyFactory)
    stream = io.StringIO()
    with factory.debug(stream=stream):
        made += await AccountFactory.build_batch_async(2)
    logged = stream.getvalue()
    # factory_boy's own lines for both objects and both companies.
    assert logged.count("SubFactory: Instantiating") == 2, logged
    assert logged.count("next value of <function CompanyFactory.") == 2, logged
    for mode in ("fast path", "factory_boy resolver", "generated code"):
        set_mode(mode)
        made += await AccountFactory.build_batch_async(2)
    names = [account.name for account in made]
    companies = [account.company.name for account in made]
    first = int(names[0].removeprefix("user"))
    assert names == [f"user{first + i}" for i in range(12)]
    assert companies[1:] == [f"company{int(companies[0][7:]) + i}" for i in range(1, 12)]
