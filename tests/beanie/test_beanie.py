"""AsyncBeanieFactory: Beanie documents stored through the Mongo backend's write path."""

from __future__ import annotations

import asyncio
from typing import Any

import factory
import pytest
from beanie import Link, PydanticObjectId
from bson import DBRef
from pydantic import ValidationError
from pymongo import MongoClient

from async_factory_boy.errors import (
    FactoryConfigurationError,
    MissingSessionError,
    MissingUniqueIndexWarning,
    PartialBatchError,
    SessionTypeError,
    SyncCallError,
)
from async_factory_boy.factory.beanie import AsyncBeanieFactory
from async_factory_boy.factory.mongo import _lookups
from tests.beanie.models import (
    EVENTS,
    Address,
    Author,
    AuthorByEmailFactory,
    AuthorFactory,
    Book,
    BookFactory,
    NoteFactory,
    Publisher,
    PublisherFactory,
    PublisherWithBooksFactory,
    Review,
    ReviewFactory,
    Tag,
    TagFactory,
)
from tests.mongo.conftest import CommandLog, transaction

pytestmark = [pytest.mark.asyncio, pytest.mark.mongo]


async def test_a_document_is_validated_stored_and_readable_through_beanie(
    beanie_database: Any,
) -> None:
    author = await AuthorFactory.create_async(name="Colette")

    assert isinstance(author, Author)
    assert isinstance(author.id, PydanticObjectId)
    stored = await Author.get(author.id)
    assert stored is not None
    assert stored.name == "Colette"
    assert stored.address == Address(city="Nantes")


async def test_validation_is_on_when_building(beanie_database: Any) -> None:
    with pytest.raises(ValidationError, match="pages"):
        await BookFactory.create_async(pages=0)
    assert await Book.count() == 0


async def test_a_link_sub_factory_stores_the_linked_document_first(
    beanie_database: Any,
) -> None:
    book = await BookFactory.create_async()

    raw = await beanie_database.books.find_one({"_id": book.id})
    assert raw["author"] == DBRef("authors", book.author.id)
    stored = await Book.get(book.id)  # fetch_links off: SecantusDB has no $lookup
    assert isinstance(stored.author, Link)
    await stored.fetch_link("author")
    assert stored.author.name == book.author.name


async def test_a_list_of_links(beanie_database: Any) -> None:
    book = await BookFactory.create_async(tags=factory.List([factory.SubFactory(TagFactory)] * 2))

    raw = await beanie_database.books.find_one({"_id": book.id})
    assert raw["tags"] == [DBRef("tags", tag.id) for tag in book.tags]
    assert await Tag.count() == 2


async def test_back_links_are_filled_from_the_other_side(beanie_database: Any) -> None:
    publisher = await PublisherWithBooksFactory.create_async()

    reference = DBRef("publishers", publisher.id)
    assert await beanie_database.books.count_documents({"publisher": reference}) == 2
    raw = await beanie_database.publishers.find_one({"_id": publisher.id})
    assert "books" not in raw  # Beanie never stores back links


async def test_a_document_given_for_a_back_link_is_refused(beanie_database: Any) -> None:
    with pytest.raises(FactoryConfigurationError, match=r"Publisher.books is a BackLink"):
        await PublisherFactory.create_async(books=factory.List([factory.SubFactory(BookFactory)]))


async def test_a_batch_writes_each_collection_with_one_insert_many(
    beanie_database: Any, mongo_commands: CommandLog
) -> None:
    books = await BookFactory.create_batch_async(20, publisher=factory.SubFactory(PublisherFactory))

    assert mongo_commands.inserts("authors") == [20]
    assert mongo_commands.inserts("publishers") == [20]
    assert mongo_commands.inserts("books") == [20]
    assert await Book.count() == 20
    stored = await Book.get(books[-1].id)
    await stored.fetch_link("publisher")
    assert stored.publisher.id == books[-1].publisher.id


async def test_a_single_create_inserts_one_document_per_collection(
    beanie_database: Any, mongo_commands: CommandLog
) -> None:
    await BookFactory.create_async()

    assert mongo_commands.inserts() == [1, 1]


async def test_insert_events_and_state_management_run_as_in_insert(beanie_database: Any) -> None:
    EVENTS.clear()
    review = await ReviewFactory.create_async(text="Very Good")
    reviews = await ReviewFactory.create_batch_async(2, text=factory.Iterator(["A b", "C d"]))

    assert review.slug == "very-good"
    assert (await Review.get(review.id)).slug == "very-good"
    assert [r.slug for r in reviews] == ["a-b", "c-d"]
    assert EVENTS == [
        "before Very Good",
        "after Very Good",
        "before A b",
        "before C d",
        "after A b",
        "after C d",
    ]
    assert review.is_changed is False  # its saved state was recorded
    review.text = "changed"
    assert review.is_changed is True


async def test_get_or_create_returns_the_stored_document(beanie_database: Any) -> None:
    first = await AuthorByEmailFactory.create_async(name="Colette")
    again = await AuthorByEmailFactory.create_async(name="Other")

    assert isinstance(again, Author)
    assert again.id == first.id
    assert again.name == "Colette"
    assert await Author.count() == 1


async def test_concurrent_get_or_create_stores_one_document(beanie_database: Any) -> None:
    created = await asyncio.gather(*(AuthorByEmailFactory.create_async() for _ in range(5)))

    assert len({author.id for author in created}) == 1
    assert await Author.count() == 1


async def test_a_session_transaction_holds_every_write(
    beanie_client: Any, beanie_database: Any
) -> None:
    async with transaction(beanie_client) as session:
        await BookFactory.create_batch_async(3, mongo_session=session)
        await BookFactory.create_async(mongo_session=session)
        await session.abort_transaction()

    assert await Book.count() == 0
    assert await Author.count() == 0


async def test_build_async_stores_nothing(beanie_database: Any) -> None:
    book = await BookFactory.build_async()

    assert book.id is not None
    assert book.author.id is not None
    assert await Book.count() == 0


async def test_without_init_beanie_the_error_names_the_factory_and_init_beanie(
    beanie_database: Any,
) -> None:
    settings = Book._document_settings
    Book._document_settings = None
    try:
        with pytest.raises(
            MissingSessionError, match=r"^BookFactory writes Book documents.*init_beanie"
        ):
            await BookFactory.create_async(author=Author.model_construct(id=PydanticObjectId()))
    finally:
        Book._document_settings = settings


async def test_a_reached_factory_without_init_beanie_names_both(beanie_database: Any) -> None:
    settings = Author._document_settings
    Author._document_settings = None
    try:
        with pytest.raises(
            MissingSessionError,
            match=r"^AuthorFactory \(reached from BookFactory\) writes Author documents",
        ):
            await BookFactory.create_async()
    finally:
        Author._document_settings = settings


async def test_a_sync_session_is_refused(mongo_uri: str, beanie_database: Any) -> None:
    with (
        MongoClient(mongo_uri) as client,
        client.start_session() as session,
        pytest.raises(SessionTypeError, match=r"^AuthorFactory: mongo_session= got a sync"),
    ):
        await AuthorFactory.create_async(mongo_session=session)


async def test_a_database_argument_is_refused(beanie_database: Any) -> None:
    with pytest.raises(SessionTypeError, match=r"^AuthorFactory writes to the database given"):
        await AuthorFactory.create_async(mongo_database=beanie_database)


async def test_sync_create_points_to_create_async(beanie_database: Any) -> None:
    with pytest.raises(SyncCallError, match=r"create_async"):
        AuthorFactory.create()


async def test_meta_collection_is_refused() -> None:
    with pytest.raises(FactoryConfigurationError, match="Settings: name"):

        class TagsFactory(AsyncBeanieFactory[Tag]):
            class Meta:
                model = Tag
                collection = "labels"


async def test_a_batch_reached_through_an_embedded_dict(beanie_database: Any) -> None:
    authors = await AuthorFactory.create_batch_async(3, address={"city": "Lyon"})

    assert [author.address.city for author in authors] == ["Lyon"] * 3
    assert await Publisher.count() == 0


async def test_a_batch_refused_part_way_says_which_documents_were_stored(
    beanie_database: Any,
) -> None:
    with pytest.raises(PartialBatchError, match=r"2 in 'authors'") as caught:
        await AuthorFactory.create_batch_async(
            4, email=factory.Iterator(["a@x", "b@x", "a@x", "c@x"])
        )

    assert len(caught.value.written["authors"]) == 2
    assert await Author.count() == 2


async def test_revision_ids_are_set_as_insert_sets_them(beanie_database: Any) -> None:
    note = await NoteFactory.create_async()
    notes = await NoteFactory.create_batch_async(2)

    assert note.revision_id is not None
    raw = await beanie_database.notes.find_one({"_id": notes[1].id})
    assert raw["revision_id"].as_uuid() == notes[1].revision_id  # BSON Binary subtype 4


class AutoBookFactory(AsyncBeanieFactory[Book]):
    class Meta:
        model = Book
        auto_fields = True


async def test_auto_fields_create_linked_documents_with_their_factory(
    beanie_database: Any, mongo_commands: CommandLog
) -> None:
    books = await AutoBookFactory.create_batch_async(3)

    assert mongo_commands.inserts() == [3, 3]  # authors (by AuthorFactory), then books
    assert await Author.count() == 3
    stored = await Book.get(books[0].id)
    await stored.fetch_link("author")
    assert stored.author.email == books[0].author.email


async def test_a_get_or_create_field_the_document_lacks_is_named(beanie_database: Any) -> None:
    class ByNicknameFactory(AuthorFactory):
        class Meta:
            beanie_get_or_create = ("nickname",)

    with pytest.raises(
        FactoryConfigurationError, match=r"ByNicknameFactory.Meta.beanie_get_or_create names"
    ):
        await ByNicknameFactory.create_async()


class TagByLabelFactory(AsyncBeanieFactory[Tag]):
    class Meta:
        model = Tag
        beanie_get_or_create = ("label",)

    label = "dessert"


async def test_gathered_get_or_create_without_an_index_stores_one_document(
    beanie_database: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_lookups, "_warned", set())  # the warning is once per process

    with pytest.warns(MissingUniqueIndexWarning) as warned:
        tags = await asyncio.gather(*(TagByLabelFactory.create_async() for _ in range(20)))

    assert len({tag.id for tag in tags}) == 1
    assert await Tag.count() == 1
    assert len(warned) == 1
    message = str(warned[0].message)
    assert "TagByLabelFactory.Meta.beanie_get_or_create" in message
    assert "Indexed(str, unique=True)" in message
