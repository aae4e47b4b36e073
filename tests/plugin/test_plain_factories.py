"""pytest-factoryboy's behaviour for plain AsyncFactory models, with sync test functions.

One project, run in pytest-asyncio's strict and auto modes; each test function in it is
one behaviour (its name says which), and the run must pass them all.
"""

from __future__ import annotations

import pytest

from tests.plugin._project import run

MODELS = """
import dataclasses

import factory
from factory.declarations import NotProvided

from async_factory_boy import AsyncFactory
from async_factory_boy.pytest import LazyFixture, named_model


@dataclasses.dataclass
class Author:
    name: str
    books: list = dataclasses.field(default_factory=list)
    user: str | None = None


@dataclasses.dataclass
class Book:
    title: str
    author: Author
    editions: list = dataclasses.field(default_factory=list)

    def __post_init__(self):
        self.author.books.append(self)


@dataclasses.dataclass
class Edition:
    book: Book
    year: int

    def __post_init__(self):
        self.book.editions.append(self)


@dataclasses.dataclass
class Foo:
    value: int = 0
    secret: str = ""
    number: int = 4

    def set_secret(self, secret):
        self.secret = secret

    def set_number(self, number=987):
        self.number = number


class AuthorFactory(AsyncFactory[Author]):
    class Meta:
        model = Author

    name = "Charles Dickens"
    book = factory.RelatedFactory("models.BookFactory", "author")

    @factory.post_generation
    def user(obj, create, extracted, **kwargs):
        obj.user = extracted if extracted is None else f"{extracted}:{kwargs['role']}"

    user__role = "reader"


class BookFactory(AsyncFactory[Book]):
    class Meta:
        model = Book

    title = "Alice in Wonderland"
    author = factory.SubFactory(AuthorFactory, book=None)
    edition = factory.RelatedFactory("models.EditionFactory", "book")


class EditionFactory(AsyncFactory[Edition]):
    class Meta:
        model = Edition

    book = factory.SubFactory(BookFactory)
    year = 1999


class FooFactory(AsyncFactory[Foo]):
    class Meta:
        model = Foo

    secret = factory.PostGenerationMethodCall("set_secret", "super secret")
    number = factory.PostGenerationMethodCall("set_number")

    @factory.post_generation
    def bump(obj, create, extracted, **kwargs):
        obj.value += 1


class TagFactory(AsyncFactory[dict]):
    class Meta:
        model = named_model(dict, "Tag")

    label = LazyFixture[str]("tag_label")
"""

CONFTEST = """
import pytest

from async_factory_boy.pytest import register
from models import AuthorFactory, BookFactory, EditionFactory, FooFactory, TagFactory

register(AuthorFactory)
register(BookFactory)
register(EditionFactory)
register(FooFactory)
register(TagFactory)


@pytest.fixture
def tag_label():
    return "from a fixture"


def pytest_factoryboy_done(request):
    request.node.factoryboy_done = True
"""

TESTS = """
import pytest
from factory.declarations import NotProvided

from async_factory_boy.persistence import MemoryPersistence
from async_factory_boy.pytest import LazyFixture, register
from models import Author, AuthorFactory, Book, BookFactory


def test_plain_factory_builds_without_any_session_fixture(book, book_factory):
    assert isinstance(book, Book) and book.title == "Alice in Wonderland"
    assert book_factory is BookFactory


class TestPersistenceFixture:
    @pytest.fixture
    def persistence(self):
        return MemoryPersistence()

    def test_persistence_fixture_is_used_where_defined(self, author, persistence):
        assert persistence.all(Author) == [author]


def test_related_factory_is_the_related_model_fixture(book, edition):
    assert book.editions == [edition] and edition.book is book


@pytest.mark.parametrize("edition__year", [2000])
def test_related_attributes_parametrize_for_a_test_asking_for_the_model(book):
    assert [edition.year for edition in book.editions] == [2000]


def test_circular_related_factory_is_deferred_not_duplicated(book, author, factoryboy_request):
    assert author.books == [book] and book.author is author
    assert factoryboy_request.deferred == []


@pytest.mark.parametrize("book__author", [LazyFixture("other_author")])
def test_lazy_fixture_by_name_as_parametrize_value(book, other_author):
    assert book.author is other_author


@pytest.mark.parametrize("book__title", [LazyFixture(lambda other_author: other_author.name)])
def test_lazy_fixture_callable_as_parametrize_value(book):
    assert book.title == "Jane Austen"


register(AuthorFactory, "other_author", name=LazyFixture(lambda: "Jane Austen"), book=None)
register(BookFactory, "other_book", author=LazyFixture("other_author"))


def test_lazy_fixture_in_register_keywords(other_book, other_author):
    assert other_book.author is other_author


def test_lazy_fixture_as_declaration(tag):
    assert tag == {"label": "from a fixture"}


def test_post_generation_fixtures_hold_the_declarations_defaults(
    foo, foo__secret, foo__number, foo__bump, author__user
):
    assert (foo__secret, foo__number, foo__bump, author__user) == (
        "super secret", NotProvided, None, None
    )
    assert (foo.secret, foo.number, foo.value) == ("super secret", 987, 1)


@pytest.mark.parametrize(
    ("author__user", "author__user__role"), [("ann", LazyFixture(lambda: "admin"))]
)
def test_post_generation_parametrized_with_its_extra_arguments(author):
    assert author.user == "ann:admin"


def test_factoryboy_request_has_nothing_deferred_after_getfixturevalue(request, factoryboy_request):
    book = request.getfixturevalue("book")
    assert factoryboy_request.deferred == []
    assert book.author.books == [book]


def test_pytest_factoryboy_done_hook_ran_before_the_test(request, foo):
    assert request.node.factoryboy_done


@pytest.mark.asyncio
async def test_async_test_gets_the_same_fixtures(book):
    assert book.editions[0].book is book


@pytest.mark.anyio
async def test_async_test_on_anyio_gets_the_same_fixtures(book, anyio_backend):
    assert book.editions[0].book is book


@pytest.fixture
def anyio_backend():
    return "asyncio"
"""


@pytest.mark.parametrize("mode", ["strict", "auto"])
def test_pytest_factoryboy_behaviour(pytester: pytest.Pytester, mode: str) -> None:
    pytester.makepyfile(models=MODELS, test_surface=TESTS)
    pytester.makeconftest(CONFTEST)
    pytester.makeini(
        f"[pytest]\nasyncio_mode = {mode}\nasyncio_default_fixture_loop_scope = function\n"
    )
    result = run(pytester, "-W", "error::UserWarning")
    result.assert_outcomes(passed=TESTS.count("def test_"))


def test_sync_tests_need_no_async_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(models=MODELS, test_surface=TESTS)
    pytester.makeconftest(CONFTEST)
    pytester.makeini("[pytest]\n")
    result = run(pytester, "-p", "no:asyncio", "-p", "no:anyio", "-k", "not async_test")
    async_tests = TESTS.count("async def test_")
    result.assert_outcomes(passed=TESTS.count("def test_") - async_tests, deselected=async_tests)
