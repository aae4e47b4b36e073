"""AsyncODManticFactory: ODMantic models stored through the Mongo backend's write path."""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

import factory
import pytest
from odmantic import AIOEngine, SyncEngine
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
from async_factory_boy.factory.mongo import AsyncMongoFactory, _lookups
from async_factory_boy.factory.odmantic import AsyncODManticFactory
from tests.mongo.conftest import CommandLog
from tests.odmantic.models import (
    Address,
    Author,
    AuthorByEmailFactory,
    AuthorFactory,
    Book,
    BookByTitleFactory,
    BookFactory,
    Country,
    CountryFactory,
    Publisher,
    PublisherFactory,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.mongo]


async def test_a_model_is_validated_stored_and_readable_through_the_engine(
    odmantic_engine: AIOEngine,
) -> None:
    author = await AuthorFactory.create_async(odmantic_engine=odmantic_engine, name="Colette")

    assert isinstance(author, Author)
    stored = await odmantic_engine.find_one(Author, Author.id == author.id)
    assert stored == author
    assert stored.address == Address(city="Nantes")


async def test_validation_is_on_when_building(odmantic_engine: AIOEngine) -> None:
    with pytest.raises(ValidationError, match="pages"):
        await BookFactory.create_async(odmantic_engine=odmantic_engine, pages=0)
    assert await odmantic_engine.count(Book) == 0


async def test_a_reference_sub_factory_stores_the_referenced_document_first(
    odmantic_engine: AIOEngine, mongo_commands: CommandLog
) -> None:
    book = await BookFactory.create_async(odmantic_engine=odmantic_engine)

    raw = await odmantic_engine.get_collection(Book).find_one({"_id": book.id})
    assert raw["publisher_id"] == book.publisher.id  # Reference(key_name="publisher_id")
    assert raw["author"] == book.author.id
    assert [name for name, _, _ in mongo_commands.writes] == ["insert"] * 3
    publisher = await odmantic_engine.find_one(Publisher, Publisher.id == book.publisher.id)
    assert publisher == book.publisher


async def test_a_batch_writes_each_collection_with_one_insert_many(
    odmantic_engine: AIOEngine, mongo_commands: CommandLog
) -> None:
    books = await BookFactory.create_batch_async(20, odmantic_engine=odmantic_engine)

    assert mongo_commands.inserts("books") == [20]
    assert mongo_commands.inserts("authors") == [20]
    assert mongo_commands.inserts("publishers") == [20]
    assert await odmantic_engine.count(Book) == 20
    assert len({book.publisher.id for book in books}) == 20


async def test_stored_models_count_as_saved(odmantic_engine: AIOEngine) -> None:
    author = await AuthorFactory.create_async(odmantic_engine=odmantic_engine)
    author.name = "Renamed"

    await odmantic_engine.save(author)  # writes only the changed field, as after engine.save

    raw = await odmantic_engine.get_collection(Author).find_one({"_id": author.id})
    assert raw["name"] == "Renamed"
    assert author.__fields_modified__ == set()


async def test_get_or_create_by_model_field_returns_the_stored_model(
    odmantic_engine: AIOEngine,
) -> None:
    first = await BookByTitleFactory.create_async(odmantic_engine=odmantic_engine)
    again = await BookByTitleFactory.create_async(odmantic_engine=odmantic_engine, pages=3)

    assert isinstance(again, Book)
    assert again == first  # references fetched by id: no $lookup needed
    assert again.publisher == first.publisher
    assert await odmantic_engine.count(Book) == 1


async def test_get_or_create_on_a_custom_primary_field(odmantic_engine: AIOEngine) -> None:
    first = await CountryFactory.create_async(odmantic_engine=odmantic_engine)
    again = await CountryFactory.create_async(odmantic_engine=odmantic_engine, name="Other")

    assert again == first == Country(code="FR", name="France")
    assert await odmantic_engine.get_collection(Country).find_one({}) == {
        "_id": "FR",
        "name": "France",
    }


async def test_concurrent_get_or_create_stores_one_document(odmantic_engine: AIOEngine) -> None:
    created = await asyncio.gather(
        *(AuthorByEmailFactory.create_async(odmantic_engine=odmantic_engine) for _ in range(5))
    )

    assert len({author.id for author in created}) == 1
    assert await odmantic_engine.count(Author) == 1


async def test_an_odmantic_transaction_holds_every_write(odmantic_engine: AIOEngine) -> None:
    async with odmantic_engine.transaction() as transaction:
        await BookFactory.create_batch_async(
            3, odmantic_engine=odmantic_engine, mongo_session=transaction
        )
        await BookFactory.create_async(odmantic_engine=odmantic_engine, mongo_session=transaction)
        await transaction.abort()

    assert await odmantic_engine.count(Book) == 0
    assert await odmantic_engine.count(Publisher) == 0


async def test_a_motor_session_is_accepted(motor_client: Any, odmantic_engine: AIOEngine) -> None:
    async with await motor_client.start_session() as session:
        await AuthorFactory.create_async(odmantic_engine=odmantic_engine, mongo_session=session)

    assert await odmantic_engine.count(Author) == 1


async def test_build_async_needs_no_engine() -> None:
    book = await BookFactory.build_async()

    assert book.author.id is not None


async def test_a_missing_engine_names_the_factory_and_the_keyword() -> None:
    with pytest.raises(
        MissingSessionError, match=r"^BookFactory needs an ODMantic engine.*odmantic_engine="
    ):
        await BookFactory.create_async()


async def test_a_sync_engine_is_refused(mongo_uri: str) -> None:
    with (
        MongoClient(mongo_uri) as client,
        pytest.raises(SessionTypeError, match=r"^AuthorFactory: odmantic_engine= got a Sync"),
    ):
        await AuthorFactory.create_async(odmantic_engine=SyncEngine(client))


async def test_a_database_instead_of_an_engine_is_refused(motor_client: Any) -> None:
    with pytest.raises(SessionTypeError, match=r"odmantic_engine= got motor.*pass an ODMantic"):
        await AuthorFactory.create_async(odmantic_engine=motor_client["app"])


async def test_a_session_that_is_not_started_is_refused(odmantic_engine: AIOEngine) -> None:
    with pytest.raises(SessionTypeError, match=r"mongo_session= got an ODMantic session that"):
        await AuthorFactory.create_async(
            odmantic_engine=odmantic_engine, mongo_session=odmantic_engine.session()
        )


async def test_a_sync_session_is_refused(mongo_uri: str, odmantic_engine: AIOEngine) -> None:
    with (
        MongoClient(mongo_uri) as client,
        client.start_session() as session,
        pytest.raises(SessionTypeError, match=r"^AuthorFactory: mongo_session="),
    ):
        await AuthorFactory.create_async(odmantic_engine=odmantic_engine, mongo_session=session)


async def test_sync_create_points_to_create_async() -> None:
    with pytest.raises(SyncCallError, match=r"create_async"):
        AuthorFactory.create()


async def test_meta_collection_is_refused() -> None:
    with pytest.raises(FactoryConfigurationError, match="model_config"):

        class PublishersFactory(AsyncODManticFactory[Publisher]):
            class Meta:
                model = Publisher
                collection = "houses"


class ShelfFactory(AsyncMongoFactory[dict[str, Any]]):
    class Meta:
        collection = "shelves"

    publisher = factory.SubFactory(PublisherFactory)


async def test_a_reached_factory_without_an_engine_names_both(motor_client: Any) -> None:
    with pytest.raises(
        MissingSessionError, match=r"^PublisherFactory \(reached from ShelfFactory\) needs"
    ):
        await ShelfFactory.create_async(mongo_database=motor_client["unused"])


async def test_a_batch_refused_part_way_says_which_documents_were_stored(
    odmantic_engine: AIOEngine,
) -> None:
    with pytest.raises(PartialBatchError, match=r"2 in 'authors'") as caught:
        await AuthorFactory.create_batch_async(
            4,
            odmantic_engine=odmantic_engine,
            email=factory.Iterator(["a@x", "b@x", "a@x", "c@x"]),
        )

    assert len(caught.value.written["authors"]) == 2
    assert await odmantic_engine.count(Author) == 2


class AutoBookFactory(AsyncODManticFactory[Book]):
    class Meta:
        model = Book
        auto_fields = True


async def test_auto_fields_store_referenced_models_with_their_factory(
    odmantic_engine: AIOEngine, mongo_commands: CommandLog
) -> None:
    books = await AutoBookFactory.create_batch_async(3, odmantic_engine=odmantic_engine)

    assert sorted(mongo_commands.inserts()) == [3, 3, 3]
    assert await odmantic_engine.count(Publisher) == 3
    stored = await odmantic_engine.find_one(Book, Book.id == books[0].id)
    assert stored == books[0]


class PublisherByNameFactory(AsyncODManticFactory[Publisher]):
    class Meta:
        model = Publisher
        odmantic_get_or_create = ("name",)

    name = "Ferenczi"


async def test_gathered_get_or_create_without_an_index_stores_one_document(
    odmantic_engine: AIOEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_lookups, "_warned", set())  # the warning is once per process

    with pytest.warns(MissingUniqueIndexWarning) as warned:
        publishers = await asyncio.gather(
            *(
                PublisherByNameFactory.create_async(odmantic_engine=odmantic_engine)
                for _ in range(20)
            )
        )

    assert len({publisher.id for publisher in publishers}) == 1
    assert await odmantic_engine.count(Publisher) == 1
    assert len(warned) == 1
    message = str(warned[0].message)
    assert "PublisherByNameFactory.Meta.odmantic_get_or_create" in message
    assert "Field(unique=True)" in message


async def test_a_lookup_by_the_primary_key_does_not_warn(
    odmantic_engine: AIOEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_lookups, "_warned", set())

    with warnings.catch_warnings():
        warnings.simplefilter("error", MissingUniqueIndexWarning)
        await CountryFactory.create_async(odmantic_engine=odmantic_engine)
