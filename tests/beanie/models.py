"""Beanie documents and factories of the Beanie backend tests."""

from __future__ import annotations

from typing import Any

import factory
from beanie import (
    BackLink,
    Document,
    Indexed,
    Insert,
    Link,
    after_event,
    before_event,
)
from pydantic import BaseModel, Field

from async_factory_boy.factory.beanie import AsyncBeanieFactory


class Address(BaseModel):
    city: str
    country: str = "FR"


class Publisher(Document):
    name: str
    books: list[BackLink[Book]] = Field(json_schema_extra={"original_field": "publisher"})

    class Settings:
        name = "publishers"


class Author(Document):
    name: str
    email: Indexed(str, unique=True)  # type: ignore[valid-type]
    address: Address

    class Settings:
        name = "authors"


class Tag(Document):
    label: str

    class Settings:
        name = "tags"


class Book(Document):
    title: str
    pages: int = Field(gt=0)
    author: Link[Author]
    publisher: Link[Publisher] | None = None
    tags: list[Link[Tag]] = Field(default_factory=list)

    class Settings:
        name = "books"


Publisher.model_rebuild()  # resolve the forward reference of its back link to Book


#: What the Insert event actions of :class:`Review` saw, in order.
EVENTS: list[str] = []


class Review(Document):
    text: str
    slug: str = ""

    @before_event(Insert)
    def make_slug(self) -> None:
        EVENTS.append(f"before {self.text}")
        self.slug = self.text.lower().replace(" ", "-")

    @after_event(Insert)
    async def announce(self) -> None:
        EVENTS.append(f"after {self.text}")

    class Settings:
        name = "reviews"
        use_state_management = True


class Note(Document):
    text: str

    class Settings:
        name = "notes"
        use_revision = True


DOCUMENTS: list[Any] = [Publisher, Author, Tag, Book, Review, Note]


class AddressFactory(factory.Factory[Address]):
    class Meta:
        model = Address

    city = "Nantes"


class PublisherFactory(AsyncBeanieFactory[Publisher]):
    class Meta:
        model = Publisher

    name = factory.Sequence(lambda n: f"publisher {n}")


class AuthorFactory(AsyncBeanieFactory[Author]):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"author {n}")
    email = factory.LazyAttribute(lambda o: f"{o.name.replace(' ', '')}@example.org")
    address = factory.SubFactory(AddressFactory)


class TagFactory(AsyncBeanieFactory[Tag]):
    class Meta:
        model = Tag

    label = factory.Sequence(lambda n: f"tag{n}")


class BookFactory(AsyncBeanieFactory[Book]):
    class Meta:
        model = Book

    title = factory.Sequence(lambda n: f"book {n}")
    pages = 100
    author = factory.SubFactory(AuthorFactory)


class PublisherWithBooksFactory(PublisherFactory):
    books = factory.RelatedFactoryList(BookFactory, factory_related_name="publisher", size=2)


class ReviewFactory(AsyncBeanieFactory[Review]):
    class Meta:
        model = Review

    text = factory.Sequence(lambda n: f"Review {n}")


class AuthorByEmailFactory(AuthorFactory):
    class Meta:
        beanie_get_or_create = ("email",)

    email = "colette@example.org"


class NoteFactory(AsyncBeanieFactory[Note]):
    class Meta:
        model = Note

    text = "note"
