"""The fast path gives the rows and objects the constructor path gives.

``ASYNC_FACTORY_BOY_TORTOISE_FAST`` (``_construct.ENABLED``): objects made without
``Model.__init__`` (``_construct``) and values read inline for the batch's INSERT
(``_bulk``). Each scenario runs with the switch on and off, on every database.
"""

from __future__ import annotations

import asyncio
import datetime
import os
import sys
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import factory
import pytest
from tortoise.exceptions import IntegrityError, ValidationError
from tortoise.fields.base import DatabaseDefault
from tortoise.models import Model
from tortoise.signals import Signals

from async_factory_boy.factory.tortoise import AsyncTortoiseModelFactory, _construct

from .conftest import TortoiseDatabase
from .factories import CompanyFactory, UserFactory
from .models import Article, Coded, Company, Counter, OwnInit, Status, Tag, User
from .test_batch import _Statements

pytestmark = pytest.mark.asyncio


class ArticleFactory(AsyncTortoiseModelFactory[Article]):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"article {n}")
    slug = factory.LazyAttribute(lambda o: o.title.replace(" ", "-"))
    company = factory.SubFactory(CompanyFactory)


class DetailedArticleFactory(ArticleFactory):
    """Values that go through conversions: text for numbers, a plain string for the enum."""

    words = factory.Sequence(lambda n: str(n * 10))
    price = factory.Sequence(lambda n: f"{n}.25")
    status = "live"
    note = factory.Iterator(["a note", None])


class CounterFactory(AsyncTortoiseModelFactory[Counter]):
    class Meta:
        model = Counter

    label = factory.Sequence(lambda n: f"counter {n}")


class CodedFactory(AsyncTortoiseModelFactory[Coded]):
    class Meta:
        model = Coded


class OwnInitFactory(AsyncTortoiseModelFactory[OwnInit]):
    class Meta:
        model = OwnInit

    name = factory.Sequence(lambda n: f"own {n}")


@pytest.fixture
def fast_path() -> Iterator[Callable[[bool], None]]:
    """Turn the fast path on or off for one test; restored afterwards."""
    before = _construct.ENABLED

    def switch(on: bool) -> None:
        _construct.ENABLED = on

    yield switch
    _construct.ENABLED = before


def _plain(value: Any, names: dict[int, str]) -> Any:
    if id(value) in names:
        return names[id(value)]
    if isinstance(value, Model):
        return (type(value).__name__, value.pk)
    if isinstance(value, DatabaseDefault):
        return ("DatabaseDefault", value.field.model_field_name)  # no __eq__ of its own
    return value


def _attributes(obj: Model, names: dict[int, str], offsets: dict[str, int]) -> list[Any]:
    """``vars(obj)`` in order: keys relative to the batch's first (``offsets``), related
    objects named, the auto_now timestamps only as set or not (they differ between runs)."""
    found: list[Any] = []
    for name, value in vars(obj).items():
        if name in offsets and value is not None:
            value = value - offsets[name]
        elif name in ("created", "updated"):
            value = isinstance(value, datetime.datetime)
        found.append((name, _plain(value, names)))
    return found


async def _rows(
    db: TortoiseDatabase, table: str, keys: list[int], offsets: dict[str, int]
) -> list[dict[str, Any]]:
    """Every column of the batch's rows, in key order, keys made relative (``offsets``)."""
    marks = ", ".join(str(int(key)) for key in keys)
    _, rows = await db.connection.execute_query(
        f"SELECT * FROM {table} WHERE id IN ({marks}) ORDER BY id"
    )
    found = []
    for row in rows:
        values = dict(row)
        for name, offset in offsets.items():
            values[name] -= offset
        for name in ("created", "updated"):
            values[name] = values[name] is not None
        found.append(values)
    return found


async def _articles_both_ways(
    db: TortoiseDatabase, fast_path: Callable[[bool], None], make: Callable[[], Any]
) -> dict[bool, tuple[list[Any], list[dict[str, Any]]]]:
    """The batch ``make()`` returns, once each way: objects and rows, made comparable."""
    results = {}
    for on in (True, False):
        fast_path(on)
        ArticleFactory.reset_sequence(0, force=True)
        CompanyFactory.reset_sequence(100 if on else 200, force=True)
        articles = await make()
        offsets = {"id": articles[0].id, "company_id": articles[0].company_id}
        names: dict[int, str] = {}
        for index, article in enumerate(articles):
            names.setdefault(id(article.company), f"company {index}")
        objects = [_attributes(article, names, offsets) for article in articles]
        # The flags of the related objects: saved, not partial.
        companies = [_attributes(article.company, {}, {})[:4] for article in articles]
        rows = await _rows(db, "afb_article", [article.id for article in articles], offsets)
        results[on] = ([objects, companies], rows)
        await Article.all().delete()
    return results


async def test_batch_with_defaults_gives_the_same_rows_and_objects(
    tortoise_db: TortoiseDatabase, fast_path: Callable[[bool], None]
) -> None:
    company = await CompanyFactory.create_async()
    reviewer = await UserFactory.create_async(company=company)

    async def make() -> list[Article]:
        return await ArticleFactory.create_batch_async(
            6, company=company, reviewer=factory.Iterator([reviewer, None])
        )

    results = await _articles_both_ways(tortoise_db, fast_path, make)
    assert results[True] == results[False]
    rows = results[True][1]
    assert len(rows) == 6
    assert [row["reviewer_id"] is None for row in rows] == [False, True] * 3


async def test_batch_with_converted_values_gives_the_same_rows_and_objects(
    tortoise_db: TortoiseDatabase, fast_path: Callable[[bool], None]
) -> None:
    company = await CompanyFactory.create_async()

    async def make() -> list[Article]:
        return await DetailedArticleFactory.create_batch_async(
            4, company=company, data={"tags": ["x"]}
        )

    results = await _articles_both_ways(tortoise_db, fast_path, make)
    assert results[True] == results[False]
    fast_path(True)
    articles = await DetailedArticleFactory.create_batch_async(2, company=company)
    assert [type(article.words) for article in articles] == [int, int]
    assert isinstance(articles[0].price, Decimal)
    assert articles[0].status is Status.LIVE


async def test_batch_of_subfactory_relations_gives_the_same_rows_and_objects(
    tortoise_db: TortoiseDatabase, fast_path: Callable[[bool], None]
) -> None:
    async def make() -> list[Article]:
        return await ArticleFactory.create_batch_async(3)

    results = await _articles_both_ways(tortoise_db, fast_path, make)
    assert results[True] == results[False]


async def test_batch_objects_are_saved_with_their_keys_and_own_defaults(
    tortoise_db: TortoiseDatabase, fast_path: Callable[[bool], None]
) -> None:
    fast_path(True)
    company = await CompanyFactory.create_async()
    articles = await ArticleFactory.create_batch_async(3, company=company)
    assert all(article._saved_in_db for article in articles)
    stored = {article.id: article.slug for article in await Article.all()}
    assert stored == {article.id: article.slug for article in articles}
    # A mutable default is copied per object, a callable default called per object.
    default = Article._meta.fields_map["data"].default
    data = [article.data for article in articles]
    assert data == [{"tags": []}] * 3
    assert len({id(value) for value in [*data, default]}) == 4
    assert len({id(article.extra) for article in articles}) == 3
    assert all(article.company_id == company.id for article in articles)


@pytest.mark.parametrize("on", [True, False], ids=["fast", "constructor"])
async def test_failing_batch_leaves_nothing_either_way(
    tortoise_db: TortoiseDatabase, fast_path: Callable[[bool], None], on: bool
) -> None:
    fast_path(on)
    company = await CompanyFactory.create_async()
    await ArticleFactory.create_async(slug="taken", company=company)
    with pytest.raises(IntegrityError):
        await ArticleFactory.create_batch_async(
            3, slug=factory.Iterator(["free-1", "free-2", "taken"])
        )
    assert await tortoise_db.count("afb_article") == 1
    assert await tortoise_db.count("afb_company") == 1  # the batch's companies are gone too
    assert len(await ArticleFactory.create_batch_async(2, company=company)) == 2


@pytest.mark.parametrize("on", [True, False], ids=["fast", "constructor"])
async def test_refused_values_raise_the_constructors_errors(
    tortoise_db: TortoiseDatabase, fast_path: Callable[[bool], None], on: bool
) -> None:
    fast_path(on)
    tag = Tag(label="not a company")
    await tag.save()
    with pytest.raises(ValidationError, match="Expected model type 'Company'"):
        await ArticleFactory.create_batch_async(2, company=tag)
    with pytest.raises(ValueError, match="title is non nullable field, but null was passed"):
        await ArticleFactory.create_batch_async(2, title=None, slug="x")
    with pytest.raises(ValidationError, match="title: Length of"):  # a validator, at the INSERT
        await ArticleFactory.create_batch_async(2, title="x" * 51, slug=factory.Sequence(str))
    with pytest.raises(ValidationError, match="motto: 'quiet' is not upper case"):
        await ArticleFactory.create_batch_async(2, motto="quiet")
    with pytest.raises(IntegrityError):  # make() sets an unsaved object after __init__
        await ArticleFactory.create_batch_async(2, company=Company(name="unsaved"))
    assert await tortoise_db.count("afb_article") == 0


async def test_models_it_does_not_make_give_the_same_objects(
    tortoise_db: TortoiseDatabase, fast_path: Callable[[bool], None]
) -> None:
    """A db_default, an async default and a constructor of its own: the constructor, the
    per-object save where a bulk insert would differ, the same objects either way."""
    made: dict[bool, list[Any]] = {}
    for on in (True, False):
        fast_path(on)
        counters = await CounterFactory.create_batch_async(2)
        coded = await CodedFactory.create_batch_async(2)
        own = await OwnInitFactory.create_batch_async(2)
        made[on] = [
            [(counter.label, counter.value) for counter in counters],
            [coded_one.code for coded_one in coded],
            [own_one.name for own_one in own],
        ]
        for model in (Counter, Coded, OwnInit):
            await model.all().delete()
        for made_factory in (CounterFactory, CodedFactory, OwnInitFactory):
            made_factory.reset_sequence(0, force=True)
    assert made[True] == made[False]
    assert made[True][1] == ["async", "async"]
    assert made[True][2] == ["own 0!", "own 1!"]


async def test_save_receivers_see_the_same_objects_either_way(
    tortoise_db: TortoiseDatabase, fast_path: Callable[[bool], None]
) -> None:
    company = await CompanyFactory.create_async()
    seen: list[Any] = []

    async def receiver(sender: Any, instance: Article, *args: Any) -> None:
        seen.append(_attributes(instance, {id(company): "company"}, {}))

    listeners = Model._listeners[Signals.pre_save].setdefault(Article, [])
    listeners.append(receiver)
    by_switch = {}
    try:
        for on in (True, False):
            fast_path(on)
            ArticleFactory.reset_sequence(0, force=True)
            seen.clear()
            await ArticleFactory.create_batch_async(2, company=company)
            by_switch[on] = list(seen)
            await Article.all().delete()
    finally:
        listeners.remove(receiver)
    assert len(by_switch[True]) == 2
    assert by_switch[True] == by_switch[False]


@pytest.mark.parametrize("on", [True, False], ids=["fast", "constructor"])
async def test_postgres_statements_stay_short_enough_to_stay_prepared(
    tortoise_db: TortoiseDatabase,
    fast_path: Callable[[bool], None],
    monkeypatch: pytest.MonkeyPatch,
    on: bool,
) -> None:
    """asyncpg prepares a statement over 15 KiB again at every execution: on PostgreSQL the
    fast path writes 1,000 users in shorter chunks, every key still on its object."""
    fast_path(on)
    company = await CompanyFactory.create_async()
    statements = _Statements(monkeypatch, tortoise_db.connection)
    users = await UserFactory.create_batch_async(1000, company=company)
    inserts = [sql for sql in statements.inserts if "afb_user" in sql]
    short = on and tortoise_db.name == "postgres"
    assert len(inserts) == (2 if short else 1)
    if short:
        assert all(len(sql) <= 15 * 1024 for sql in inserts)
    stored = {user.id: user.email for user in await User.all()}
    assert stored == {user.id: user.email for user in users}
    assert len(stored) == 1000


async def test_the_environment_variable_turns_the_fast_path_off() -> None:
    code = "from async_factory_boy.factory.tortoise import _construct; print(_construct.ENABLED)"
    env = {**os.environ, "ASYNC_FACTORY_BOY_TORTOISE_FAST": "0"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, env=env, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await process.communicate()
    assert out.decode().strip() == "False"


# -- construct() itself ------------------------------------------------------------------


def _same_as_constructor(model: type[Model], kwargs: dict[str, Any]) -> None:
    made = _construct.construct(model, dict(kwargs))
    assert made is not None
    expected = model(**kwargs)
    names: dict[int, str] = {id(value): key for key, value in kwargs.items()}
    assert type(made) is model
    assert _attributes(made, names, {}) == _attributes(expected, names, {})


async def test_construct_makes_the_constructors_object(tortoise_db: TortoiseDatabase) -> None:
    company = await CompanyFactory.create_async()
    reviewer = await UserFactory.create_async(company=company)
    for kwargs in [
        {"company": company},
        {"title": "t", "slug": "s", "company": company, "reviewer": reviewer},
        {"reviewer": None, "company": company, "words": "12", "price": "3.5", "status": "live"},
        {"id": 41, "title": "t", "company_id": company.id, "note": None},
        {"company": company, "published": 1, "data": {"a": [1]}},
    ]:
        _same_as_constructor(Article, kwargs)
    _same_as_constructor(Counter, {"label": "c"})
    _same_as_constructor(Counter, {"label": "c", "value": 3})
    _same_as_constructor(Coded, {"code": "given"})


async def test_construct_declines_what_the_constructor_does_its_own_way(
    tortoise_db: TortoiseDatabase,
) -> None:
    company = await CompanyFactory.create_async()
    tag = Tag(label="x")
    await tag.save()
    declined = [
        (Article, {"company": Company(name="unsaved")}),  # __init__ refuses it
        (Article, {"company": tag}),  # another model
        (Article, {"company": company, "title": None}),  # not nullable
        (Article, {"company": company, "unknown": 1}),  # __init__ ignores it
        (Company, {"name": "x", "articles": []}),  # a backward relation
        (Coded, {}),  # an async default, left for save()
        (OwnInit, {"name": "x"}),  # a constructor of its own
    ]
    for model, kwargs in declined:
        assert _construct.construct(model, kwargs) is None, (model, kwargs)


async def test_construct_called_no_default_before_declining(
    tortoise_db: TortoiseDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def counted() -> dict[str, int]:
        calls.append(1)
        return {}

    monkeypatch.setattr(Article._meta.fields_map["extra"], "default", counted)
    monkeypatch.setattr(_construct, "_recipes", type(_construct._recipes)())
    assert _construct.construct(Article, {"company": Company(name="unsaved")}) is None
    assert calls == []
    company = await CompanyFactory.create_async()
    assert _construct.construct(Article, {"company": company}) is not None
    assert calls == [1]
