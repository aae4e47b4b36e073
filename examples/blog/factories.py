"""Factories for the example blog: the same ones serve tests and ``async-factory-boy seed``.

In a test, pass a session: ``await PostFactory.create_async(sqlalchemy_session=session)``.
To fill a development database, let the seed command write them in bulk::

    python -m async_factory_boy seed examples.blog.factories:PostFactory --count 1000 \\
        --create-tables --url sqlite+aiosqlite:///./seed.db
"""

from __future__ import annotations

import datetime

import factory

from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyModelFactory

from .models import Author, Comment, Post, Tag


class AuthorFactory(AsyncSQLAlchemyModelFactory[Author]):
    class Meta:
        model = Author

    name = factory.Faker("name")
    # A sequence keeps the unique column unique however many authors a run makes.
    email = factory.Sequence(lambda n: f"author{n}@example.com")


class TagFactory(AsyncSQLAlchemyModelFactory[Tag]):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"tag-{n}")


class CommentFactory(AsyncSQLAlchemyModelFactory[Comment]):
    class Meta:
        model = Comment

    post = factory.SubFactory("examples.blog.factories.PostFactory", comments=[])
    author = factory.SubFactory(AuthorFactory)
    body = factory.Faker("sentence", nb_words=12)


class PostFactory(AsyncSQLAlchemyModelFactory[Post]):
    """A post by a new author, with two new tags and three comments by new readers."""

    class Meta:
        model = Post

    author = factory.SubFactory(AuthorFactory)
    title = factory.Faker("sentence", nb_words=6)
    body = factory.Faker("paragraph", nb_sentences=4)
    # Fixed bounds (not "this decade"), so that `--seed N` gives the same dates every day.
    published_at = factory.Faker(
        "date_time_between",
        start_date=datetime.datetime(2020, 1, 1),
        end_date=datetime.datetime(2025, 12, 31),
    )
    tags = factory.List([factory.SubFactory(TagFactory) for _ in range(2)])
    comments = factory.RelatedFactoryList(CommentFactory, factory_related_name="post", size=3)
