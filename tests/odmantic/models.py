"""ODMantic models and factories of the ODMantic backend tests."""

from __future__ import annotations

import factory
from odmantic import EmbeddedModel, Field, Model, Reference

from async_factory_boy.factory.odmantic import AsyncODManticFactory


class Address(EmbeddedModel):
    city: str
    country: str = "FR"


class Publisher(Model):
    name: str

    model_config = {"collection": "publishers"}


class Author(Model):
    name: str
    email: str = Field(unique=True)
    address: Address

    model_config = {"collection": "authors"}


class Book(Model):
    title: str
    pages: int = Field(gt=0)
    author: Author = Reference()
    publisher: Publisher = Reference(key_name="publisher_id")

    model_config = {"collection": "books"}


class Country(Model):
    code: str = Field(primary_field=True)
    name: str


MODELS = [Publisher, Author, Book, Country]


class AddressFactory(AsyncODManticFactory[Address]):
    class Meta:
        model = Address
        embedded = True

    city = "Nantes"


class PublisherFactory(AsyncODManticFactory[Publisher]):
    class Meta:
        model = Publisher

    name = factory.Sequence(lambda n: f"publisher {n}")


class AuthorFactory(AsyncODManticFactory[Author]):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"author {n}")
    email = factory.LazyAttribute(lambda o: f"{o.name.replace(' ', '')}@example.org")
    address = factory.SubFactory(AddressFactory)


class BookFactory(AsyncODManticFactory[Book]):
    class Meta:
        model = Book

    title = factory.Sequence(lambda n: f"book {n}")
    pages = 100
    author = factory.SubFactory(AuthorFactory)
    publisher = factory.SubFactory(PublisherFactory)


class BookByTitleFactory(BookFactory):
    class Meta:
        odmantic_get_or_create = ("title",)

    title = "Chéri"


class AuthorByEmailFactory(AuthorFactory):
    class Meta:
        odmantic_get_or_create = ("email",)

    email = "colette@example.org"


class CountryFactory(AsyncODManticFactory[Country]):
    class Meta:
        model = Country
        odmantic_get_or_create = ("code",)

    code = "FR"
    name = "France"
