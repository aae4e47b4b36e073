"""The fast resolution path (``async_factory_boy/_plan.py``): same objects, planned once.

The behaviour of each declaration kind is tested in test_declarations.py, which runs both
ways; here: one factory with every kind at once gives the same objects both ways, which
factories get a plan, the plan cache, and that plans die with their factory.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import weakref
from dataclasses import dataclass
from typing import Any

import factory
import factory.random
import pytest

from async_factory_boy import AsyncFactory, _plan
from async_factory_boy._compat import plans_of

from .models import Company, CompanyFactory, User, UserFactory

pytestmark = pytest.mark.asyncio


@pytest.fixture(autouse=True)
def fast_path_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the fast path: on, even under ASYNC_FACTORY_BOY_FAST_PATH=0."""
    monkeypatch.setattr(_plan, "ENABLED", True)


@dataclass
class Everything:
    """A model with one field per declaration kind the fast path plans."""

    plain: str
    number: int
    called: str
    email: str
    same: str
    parent_name: str
    company: Company
    data: dict[str, Any]
    items: list[Any]
    faked: str
    picked: str
    maybe: str
    seq_attr: str
    container: str
    shout: str
    positional: str = ""
    renamed: str = ""
    hooked: Any = None
    related: Any = None
    after: bool = False


class EverythingFactory(AsyncFactory[Everything]):
    class Meta:
        model = Everything
        exclude = ("hidden",)
        rename = {"to_rename": "renamed"}
        inline_args = ()

    class Params:
        loud = factory.Trait(plain="LOUD")
        suffix = "!"

    # ``email`` reads ``number``, declared after it: resolved on demand.
    email = factory.LazyAttribute(lambda o: f"u{o.number}{o.suffix}@example.com")
    plain = "plain"
    number = factory.Sequence(int)
    called = factory.LazyFunction(lambda: "called")
    same = factory.SelfAttribute("plain")
    hidden = factory.Sequence(lambda n: f"hidden{n}")
    parent_name = factory.SelfAttribute("company.name")
    company = factory.SubFactory(CompanyFactory, country=factory.SelfAttribute("..plain"))
    data = factory.Dict({"n": factory.SelfAttribute("..number"), "k": 1})
    items = factory.List([factory.Sequence(lambda n: n * 10), "x"])
    faked = factory.Faker("word")
    picked = factory.Iterator(["a", "b", "c"])
    maybe = factory.Maybe("loud", yes_declaration="yes", no_declaration="no")
    seq_attr = factory.LazyAttributeSequence(lambda o, n: f"{o.plain}-{n}")
    container = factory.ContainerAttribute(lambda o, chain: f"{o.plain}/{len(chain)}", strict=False)
    shout = factory.Transformer("quiet", transform=str.upper)
    to_rename = factory.LazyAttribute(lambda o: o.hidden.upper())
    related = factory.RelatedFactory(CompanyFactory, name="related")

    @factory.post_generation
    def hooked(obj: Everything, create: bool, extracted: Any, **kwargs: Any) -> None:
        obj.hooked = (create, extracted, sorted(kwargs.items()))

    @classmethod
    def _after_postgeneration(
        cls, instance: Everything, create: bool, results: dict[str, Any] | None = None
    ) -> None:
        instance.after = sorted(results or ()) == ["hooked", "related"]


async def everything_both_ways(**overrides: Any) -> tuple[list[Everything], list[Everything]]:
    made = []
    for enabled in (True, False):
        _plan.ENABLED = enabled  # restored by the fast_path_on fixture
        EverythingFactory.reset_sequence(0)
        CompanyFactory.reset_sequence(0)
        EverythingFactory.picked.reset()  # type: ignore[attr-defined]
        factory.random.reseed_random("fast path")
        made.append(await EverythingFactory.build_batch_async(3, **overrides))
    return made[0], made[1]


async def test_every_kind_gives_the_same_objects_along_the_plan_and_without() -> None:
    fast, slow = await everything_both_ways()
    assert fast == slow
    assert [e.email for e in fast] == ["u0!@example.com", "u1!@example.com", "u2!@example.com"]
    assert fast[0].company == Company(name="company0", country="plain")
    assert (fast[1].data, fast[1].items, fast[2].picked) == ({"n": 1, "k": 1}, [10, "x"], "c")
    assert (fast[0].maybe, fast[0].shout, fast[0].renamed) == ("no", "QUIET", "HIDDEN0")
    assert fast[0].hooked == (False, None, [])
    assert fast[0].after


async def test_overrides_traits_and_deep_overrides_give_the_same_objects() -> None:
    overrides = {
        "loud": True,
        "suffix": "?",
        "company__name": "acme",
        "hooked": "given",
        "hooked__flag": 1,
        "related__country": "DE",
        "shout": "hi",
        "data__k": 2,
    }
    fast, slow = await everything_both_ways(**overrides)
    assert fast == slow
    assert (fast[0].plain, fast[0].maybe, fast[0].email) == ("LOUD", "yes", "u0?@example.com")
    assert fast[0].company.name == "acme"
    assert fast[0].data == {"n": 0, "k": 2}
    assert fast[0].shout == "HI"
    assert fast[0].hooked == (False, "given", [("flag", 1)])


async def test_a_factory_of_factory_boys_kinds_builds_along_its_plan() -> None:
    assert _plan.plan_for(EverythingFactory._meta, {}) is not None
    assert _plan.plan_for(EverythingFactory._meta, {"company__name": "x"}) is not None


async def test_a_plan_names_how_each_field_is_evaluated() -> None:
    class F(UserFactory):
        email = factory.LazyAttribute(lambda o: f"{o.name}@example.com")
        label = factory.SelfAttribute("email", default="-")
        status = "active"

        class Params:
            unused = factory.Faker("word")

    plan = _plan.plan_for(F._meta, {"name": "ada", "company__name": "acme"})
    assert plan is not None
    kinds = {field.name: field.kind for field in plan.fields}
    Kind = _plan.Kind
    assert kinds == {
        "name": Kind.OVERRIDE,
        "company": Kind.SUB_FACTORY,
        "email": Kind.LAZY_ATTRIBUTE,
        "label": Kind.SELF_ATTRIBUTE,
        "status": Kind.VALUE,
        "unused": Kind.GENERIC,
    }
    company = plan.by_name["company"]
    assert (company.payload[0](), company.slots) == (CompanyFactory, (("name", "company__name"),))
    assert plan.by_name["label"].payload == ("email", "-")
    assert repr(plan.by_name["email"]) == "<Field 'email': LAZY_ATTRIBUTE>"


class Shouting(factory.LazyFunction):
    """A user's declaration class: factory_boy's resolver evaluates it, not the plan."""

    def evaluate(self, instance: Any, step: Any, extra: Any) -> Any:
        return str(super().evaluate(instance, step, extra)).upper()


async def test_an_unknown_declaration_class_falls_back_to_factory_boys_resolver() -> None:
    class ShoutingFactory(AsyncFactory[Company]):
        class Meta:
            model = Company

        name = Shouting(lambda: "acme")
        country = factory.LazyAttribute(lambda o: o.name[:2])

    assert _plan.plan_for(ShoutingFactory._meta, {}) is None
    assert await ShoutingFactory.build_async() == Company(name="ACME", country="AC")


async def test_declarations_among_the_extras_are_planned_and_new_ones_each_call_too() -> None:
    class F(AsyncFactory[User]):
        class Meta:
            model = User

        name = "ada"
        company = factory.SubFactory(CompanyFactory, name=factory.SelfAttribute("..name"))

    # The SubFactory hands CompanyFactory a SelfAttribute: the same object every time.
    assert (await F.build_async()).company.name == "ada"
    assert _plan.plan_for(CompanyFactory._meta, {"name": F.company._defaults["name"]})
    # A new declaration object per call: planned up to the limit, then factory_boy's parse.
    names = [
        (await F.build_async(name=factory.LazyFunction(lambda i=i: f"n{i}"))).company.name
        for i in range(_plan._MAX_DECLARED_PLANS + 10)
    ]
    assert names == [f"n{i}" for i in range(_plan._MAX_DECLARED_PLANS + 10)]
    assert len(plans_of(F._meta.pre_declarations)) == _plan._MAX_DECLARED_PLANS


async def test_each_set_of_override_keys_has_its_own_plan_and_values_are_per_call() -> None:
    class F(UserFactory):
        email = factory.LazyAttribute(lambda o: f"{o.name}@example.com")

    by_name = await F.build_batch_async(2, name="ada")
    by_company = await F.build_async(company__name="acme", email="set")
    other_name = await F.build_async(name="bob")
    plain = await F.build_async()

    assert [u.email for u in by_name] == ["ada@example.com"] * 2
    assert (by_company.email, by_company.company.name) == ("set", "acme")
    assert (other_name.name, other_name.email) == ("bob", "bob@example.com")
    assert plain.email == f"{plain.name}@example.com"
    assert plain.name.startswith("user")
    assert sorted(plans_of(F._meta.pre_declarations)) == [(), ("company__name", "email"), ("name",)]


async def test_a_cyclic_definition_raises_factory_boys_error() -> None:
    class Cyclic(AsyncFactory[Company]):
        class Meta:
            model = Company

        name = factory.LazyAttribute(lambda o: o.country)
        country = factory.LazyAttribute(lambda o: o.name)

    assert _plan.plan_for(Cyclic._meta, {}) is not None
    with pytest.raises(factory.errors.CyclicDefinitionError, match="'name'"):
        await Cyclic.build_async()


async def test_plans_die_with_a_factory_class_made_at_run_time() -> None:
    def make(index: int) -> type[AsyncFactory[Company]]:
        class RunTimeFactory(AsyncFactory[Company]):
            class Meta:
                model = Company

            name = factory.Sequence(lambda n: f"company {index}-{n}")
            country = factory.LazyAttribute(lambda o: o.name[:2])

        return RunTimeFactory

    refs = []
    for index in range(200):
        made = make(index)
        await made.build_async()
        await made.build_batch_async(2, name="given")
        assert len(plans_of(made._meta.pre_declarations)) == 2
        refs.append(weakref.ref(made))
        del made
    gc.collect()
    assert [ref for ref in refs if ref() is not None] == []


async def test_the_environment_variable_turns_the_fast_path_off() -> None:
    code = "from async_factory_boy import _plan; print(_plan.ENABLED)"
    env = {**os.environ, "ASYNC_FACTORY_BOY_FAST_PATH": "0"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, env=env, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await process.communicate()
    assert out.decode().strip() == "False"


async def test_a_gather_of_calls_sharing_a_plan_keeps_each_objects_values() -> None:
    users = await asyncio.gather(*(UserFactory.build_async(name=f"n{i}") for i in range(20)))
    assert [u.name for u in users] == [f"n{i}" for i in range(20)]
