"""``ManyToMany``: many-to-many relations filled without code, in batches."""

from __future__ import annotations

from typing import Any

import factory
import pytest

from async_factory_boy import ManyToMany
from async_factory_boy.errors import FactoryConfigurationError
from async_factory_boy.factory.django import AsyncDjangoModelFactory
from tests.django._queries import statements
from tests.django.testapp.models import Article, Label

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("async_db")]


class LabelFactory(AsyncDjangoModelFactory[Label]):
    class Meta:
        model = Label

    name = factory.Sequence(lambda n: f"label {n}")


class ArticleFactory(AsyncDjangoModelFactory[Article]):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"article {n}")
    labels = ManyToMany(LabelFactory, size=2)


async def _labels(article: Article) -> list[str]:
    return [label.name async for label in article.labels.order_by("pk")]


async def test_each_object_gets_size_new_related_objects() -> None:
    article = await ArticleFactory.create_async()

    assert len(await _labels(article)) == 2
    assert await Label.objects.acount() == 2


async def test_given_objects_are_linked_instead() -> None:
    python, sql = await LabelFactory.create_batch_async(2, name=factory.Iterator(["py", "sql"]))

    article = await ArticleFactory.create_async(labels=[python, sql])
    empty = await ArticleFactory.create_async(labels=[])

    assert await _labels(article) == ["py", "sql"]
    assert await _labels(empty) == []
    assert await Label.objects.acount() == 2


async def test_size_and_values_per_call() -> None:
    article = await ArticleFactory.create_async(labels__size=3, labels__name="news")
    other = await ArticleFactory.create_async(labels__name=factory.Iterator(["a", "b"]))

    assert await _labels(article) == ["news"] * 3
    assert await _labels(other) == ["a", "b"]


async def test_a_batch_is_written_in_three_statements(queries: Any) -> None:
    articles = await ArticleFactory.create_batch_async(10)

    # One INSERT each: the 10 articles, their 20 new labels, the 20 link rows.
    assert statements(queries, "INSERT", "testapp_article") == 2  # article + link table
    assert statements(queries, "INSERT", "testapp_label") == 1
    assert statements(queries, "INSERT", "testapp_article_labels") == 1
    assert await Article.labels.through.objects.acount() == 20
    assert [len(await _labels(article)) for article in articles] == [2] * 10
    assert len({label for article in articles for label in await _labels(article)}) == 20


async def test_a_batch_given_objects_links_each_to_them(queries: Any) -> None:
    python, sql = await LabelFactory.create_batch_async(2, name=factory.Iterator(["py", "sql"]))
    label_inserts = statements(queries, "INSERT", "testapp_label")

    articles = await ArticleFactory.create_batch_async(4, labels=[python, sql])

    assert [await _labels(article) for article in articles] == [["py", "sql"]] * 4
    assert await Label.objects.acount() == 2  # no new label
    assert statements(queries, "INSERT", "testapp_label") == label_inserts
    assert statements(queries, "INSERT", "testapp_article_labels") == 1  # the 8 link rows


async def test_build_links_nothing() -> None:
    article = await ArticleFactory.build_async()
    synced = ArticleFactory.build()  # a sync build: nothing to await
    batch = ArticleFactory.build_batch(3)

    assert [each.pk for each in (article, synced, *batch)] == [None] * 5
    assert await Label.objects.acount() == 0


async def test_a_through_model_of_the_projects_own_is_refused() -> None:
    class ReadFactory(AsyncDjangoModelFactory[Article]):
        class Meta:
            model = Article

        title = "read"
        readers = ManyToMany("tests.django.factories.UserFactory", size=1)

    with pytest.raises(FactoryConfigurationError, match=r"ReadFactory\.readers .* Reading"):
        await ReadFactory.create_async()
