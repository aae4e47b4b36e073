"""Every factory_boy declaration behaves inside ``create_async`` as in sync factory_boy."""

from __future__ import annotations

import dataclasses
from typing import Any

import factory
import factory.fuzzy
import factory.random
import pytest

from async_factory_boy import AsyncFactory

from .models import Company, CompanyFactory, Membership, Store, StoreFactory, User, UserFactory

# Each behaviour runs along the fast resolution path and with factory_boy's resolver.
pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("resolution")]


async def test_sequence_gives_each_object_the_next_value(store: Store) -> None:
    first = await UserFactory.create_async(store=store)
    second = await UserFactory.create_async(store=store)
    assert int(second.name[4:]) == int(first.name[4:]) + 1


async def test_lazy_function_is_called_per_object(store: Store) -> None:
    calls = iter(["a", "b"])

    class F(StoreFactory):
        class Meta:
            model = Company

        name = factory.LazyFunction(lambda: next(calls))

    assert [(await F.create_async(store=store)).name for _ in range(2)] == ["a", "b"]


async def test_lazy_attribute_reads_other_fields(store: Store) -> None:
    class F(UserFactory):
        email = factory.LazyAttribute(lambda o: f"{o.name}@example.com")

    user = await F.create_async(store=store, name="ada")
    assert user.email == "ada@example.com"


async def test_lazy_attribute_sequence_gets_object_and_number(store: Store) -> None:
    class F(UserFactory):
        email = factory.LazyAttributeSequence(lambda o, n: f"{o.name}.{n}@example.com")

    F.reset_sequence(7, force=True)
    user = await F.create_async(store=store, name="bob")
    assert user.email == "bob.7@example.com"


async def test_self_attribute_reads_the_persisted_sub_object(store: Store) -> None:
    class F(UserFactory):
        company_id = factory.SelfAttribute("company.id")
        email = factory.SelfAttribute("company.name")

    user = await F.create_async(store=store)
    assert user.company is not None
    assert user.company.id is not None
    assert user.company_id == user.company.id
    assert user.email == user.company.name


async def test_lazy_attribute_reads_the_sub_objects_generated_id(store: Store) -> None:
    class F(UserFactory):
        company_id = factory.LazyAttribute(lambda o: o.company.id)

    user = await F.create_async(store=store)
    assert user.company_id == store.of(Company)[-1].id


async def test_self_attribute_with_dots_reads_the_parent_factory(store: Store) -> None:
    class F(CompanyFactory):
        name = factory.SelfAttribute("..name")

    class G(UserFactory):
        company = factory.SubFactory(F)

    user = await G.create_async(store=store, name="parent-name")
    assert user.company is not None
    assert user.company.name == "parent-name"


async def test_iterator_cycles_through_values(store: Store) -> None:
    class F(CompanyFactory):
        country = factory.Iterator(["FR", "DE"])

    countries = [(await F.create_async(store=store)).country for _ in range(3)]
    assert countries == ["FR", "DE", "FR"]


async def test_faker_produces_a_value(store: Store) -> None:
    class F(UserFactory):
        email = factory.Faker("email")

    user = await F.create_async(store=store)
    assert "@" in user.email


async def test_sub_factory_object_is_created_before_the_parent(store: Store) -> None:
    user = await UserFactory.create_async(store=store)
    assert store.rows == [user.company, user]
    assert user.company is not None
    assert user.company.id is not None
    assert user.id is not None


async def test_dict_and_list_declarations_resolve_their_items(store: Store) -> None:
    @dataclasses.dataclass
    class Profile:
        settings: dict[str, Any]
        aliases: list[str]
        id: int | None = None

    class F(StoreFactory):
        class Meta:
            model = Profile

        settings = factory.Dict({"theme": "dark", "n": factory.Sequence(lambda n: n)})
        aliases = factory.List([factory.Sequence(lambda n: f"alias{n}"), "fixed"])

    profile = await F.create_async(store=store)
    assert profile.settings["theme"] == "dark"
    assert isinstance(profile.settings["n"], int)
    assert profile.aliases[1] == "fixed"
    assert profile.aliases[0].startswith("alias")


class MembershipFactory(StoreFactory):
    class Meta:
        model = Membership

    user = None
    role = "member"


async def test_related_factory_row_exists_when_create_returns(store: Store) -> None:
    class F(UserFactory):
        membership = factory.RelatedFactory(MembershipFactory, factory_related_name="user")

    user = await F.create_async(store=store)
    memberships = store.of(Membership)
    assert len(memberships) == 1
    assert memberships[0].user is user
    assert memberships[0].id is not None


async def test_related_factory_list_creates_size_rows(store: Store) -> None:
    class F(UserFactory):
        memberships = factory.RelatedFactoryList(
            MembershipFactory, factory_related_name="user", size=3
        )

    user = await F.create_async(store=store, memberships__role="admin")
    memberships = store.of(Membership)
    assert len(memberships) == 3
    assert {m.role for m in memberships} == {"admin"}
    assert all(m.user is user for m in memberships)


async def test_post_generation_receives_the_created_instance(store: Store) -> None:
    seen: list[Any] = []

    class F(UserFactory):
        @factory.post_generation
        def tags(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
            seen.append((obj, create, extracted))
            obj.tags.extend(extracted or [])

    user = await F.create_async(store=store, tags=["a", "b"])
    assert seen == [(user, True, ["a", "b"])]
    assert user.id is not None
    assert user.tags == ["a", "b"]


async def test_post_generation_method_call_calls_the_instance_method(store: Store) -> None:
    class Account:
        def __init__(self, name: str) -> None:
            self.name = name
            self.password: str | None = None
            self.id: int | None = None

        def set_password(self, raw: str) -> None:
            self.password = f"hashed:{raw}"

    class F(StoreFactory):
        class Meta:
            model = Account

        name = "acc"
        password = factory.PostGenerationMethodCall("set_password", "default")

    assert (await F.create_async(store=store)).password == "hashed:default"
    assert (await F.create_async(store=store, password="s3cret")).password == "hashed:s3cret"


async def test_trait_switches_a_group_of_fields(store: Store) -> None:
    class F(CompanyFactory):
        class Params:
            german = factory.Trait(country="DE", name="GmbH")

    company = await F.create_async(store=store, german=True)
    assert (company.country, company.name) == ("DE", "GmbH")
    assert (await F.create_async(store=store)).country == "FR"


async def test_params_feed_lazy_declarations(store: Store) -> None:
    class F(CompanyFactory):
        class Params:
            suffix = "SA"

        name = factory.LazyAttribute(lambda o: f"Acme {o.suffix}")

    assert (await F.create_async(store=store, suffix="Ltd")).name == "Acme Ltd"


async def test_maybe_picks_a_branch(store: Store) -> None:
    class F(UserFactory):
        class Params:
            has_company = True

        company = factory.Maybe(
            "has_company", yes_declaration=factory.SubFactory(CompanyFactory), no_declaration=None
        )

    assert (await F.create_async(store=store)).company is not None
    assert (await F.create_async(store=store, has_company=False)).company is None


async def test_transformer_transforms_the_value(store: Store) -> None:
    class F(UserFactory):
        email = factory.Transformer("ADA@EXAMPLE.COM", transform=str.lower)

    assert (await F.create_async(store=store)).email == "ada@example.com"
    assert (await F.create_async(store=store, email="BOB@X.ORG")).email == "bob@x.org"


async def test_double_underscore_overrides_reach_the_sub_factory(store: Store) -> None:
    user = await UserFactory.create_async(store=store, company__name="Initech")
    assert user.company is not None
    assert user.company.name == "Initech"
    assert store.of(Company)[-1].name == "Initech"


async def test_meta_exclude_rename_and_inline_args(store: Store) -> None:
    class Pair:
        def __init__(self, left: str, right: str, label: str) -> None:
            self.left, self.right, self.label = left, right, label
            self.id: int | None = None

    class F(StoreFactory):
        class Meta:
            model = Pair
            inline_args = ("left", "right")
            exclude = ("base",)
            rename = {"title": "label"}

        base = "x"
        left = factory.LazyAttribute(lambda o: o.base + "L")
        right = factory.LazyAttribute(lambda o: o.base + "R")
        title = "T"

    pair = await F.create_async(store=store)
    assert (pair.left, pair.right, pair.label) == ("xL", "xR", "T")


async def test_reset_sequence_restarts_numbering(store: Store) -> None:
    class F(CompanyFactory):
        pass

    F.reset_sequence(100, force=True)
    assert (await F.create_async(store=store)).name == "company100"
    F.reset_sequence(force=True)
    assert (await F.create_async(store=store)).name == "company0"


async def test_reseed_random_makes_fuzzy_and_faker_values_reproducible(store: Store) -> None:
    class F(UserFactory):
        email = factory.Faker("email")
        name = factory.fuzzy.FuzzyText(length=12)

    factory.random.reseed_random("seed")
    first = await F.create_async(store=store)
    factory.random.reseed_random("seed")
    second = await F.create_async(store=store)
    assert (first.email, first.name) == (second.email, second.name)


async def test_plain_factory_boy_sub_factory_is_built_inside_an_async_call(store: Store) -> None:
    class F(UserFactory):
        company = factory.SubFactory(factory.DictFactory, name="embedded")

    user = await F.create_async(store=store)
    assert user.company == {"name": "embedded"}


async def test_build_async_persists_nothing(store: Store) -> None:
    user = await UserFactory.build_async(store=store)
    assert user.id is None
    assert user.company is not None
    assert user.company.id is None
    assert store.rows == []


async def test_async_factory_without_backend_instantiates_without_persisting() -> None:
    class F(AsyncFactory[Company]):
        class Meta:
            model = Company

        name = "plain"

    company = await F.create_async()
    assert company == Company(name="plain")
