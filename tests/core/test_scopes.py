"""The backend contract: a ``CallScope`` per backend and call, opened once, then finished
(the bulk write) or undone (the failure), with no string keys shared between backends."""

from __future__ import annotations

from typing import Any

import factory
import pytest

from async_factory_boy import (
    AsyncFactory,
    CallScope,
    FactoryCall,
    MissingSessionError,
    current_call,
)

from .models import Company, User

pytestmark = pytest.mark.asyncio


class Journal:
    """What a fake database saw, in order."""

    def __init__(self) -> None:
        self.events: list[str] = []


class JournalScope(CallScope):
    """A backend that holds a call's objects back and writes them at the end."""

    __slots__ = ("held", "journal")

    def __init__(self, call: FactoryCall, journal: Journal) -> None:
        super().__init__(call)
        self.journal = journal
        self.held: list[Any] = []

    @classmethod
    def open(cls, factory: type, call: FactoryCall) -> JournalScope:
        journal = call.get("journal")
        if journal is None:
            raise MissingSessionError(f"{factory.__name__} needs journal=")
        journal.events.append(f"open by {factory.__name__}")
        return cls(call, journal)

    def add(self, factory: type, instance: Any) -> Any:
        self.held.append(instance)
        return instance

    async def finish(self) -> None:
        self.journal.events.append(f"write {len(self.held)}")

    async def undo(self, failure: BaseException) -> None:
        self.journal.events.append(f"undo {type(failure).__name__}")


class AuditScope(CallScope):
    """A second backend in the same call, to see the order of finish and undo."""

    async def finish(self) -> None:
        self.call.get("journal").events.append("audit finish")

    async def undo(self, failure: BaseException) -> None:
        self.call.get("journal").events.append("audit undo")


class JournalFactory(AsyncFactory[Any]):
    class Meta:
        abstract = True

    _connection_arguments = ("journal",)

    @classmethod
    def _create(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        call = current_call()
        assert call is not None
        scope = call.scope(JournalScope, cls)
        call.scope(AuditScope, cls)
        return scope.add(cls, model_class(*args, **kwargs))


class CompanyFactory(JournalFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"company{n}")


class UserFactory(JournalFactory):
    class Meta:
        model = User

    name = factory.Sequence(lambda n: f"user{n}")
    company = factory.SubFactory(CompanyFactory)


async def test_a_scope_opens_once_per_call_and_finishes_once_after_every_object() -> None:
    journal = Journal()

    users = await UserFactory.create_batch_async(3, journal=journal)

    assert len(users) == 3
    # The SubFactory opened it (its object is built first); everything else shared it.
    assert journal.events == ["open by CompanyFactory", "write 6", "audit finish"]


async def test_each_call_gets_a_scope_of_its_own() -> None:
    journal = Journal()

    await UserFactory.create_async(journal=journal)
    await UserFactory.create_async(journal=journal)

    assert journal.events.count("write 2") == 2


async def test_a_failed_call_undoes_its_scopes_in_reverse_order_and_writes_nothing() -> None:
    journal = Journal()

    # The company is created (and the scope opened) before the user's name fails.
    failing = factory.LazyAttribute(lambda o: f"{o.company.name}{1 / 0}")
    with pytest.raises(ZeroDivisionError):
        await UserFactory.create_async(journal=journal, name=failing)

    assert journal.events == ["open by CompanyFactory", "audit undo", "undo ZeroDivisionError"]


async def test_a_failing_bulk_write_undoes_every_scope() -> None:
    journal = Journal()

    class FailingScope(JournalScope):
        async def finish(self) -> None:
            raise ConnectionError("lost")

    class F(JournalFactory):
        class Meta:
            model = Company

        name = "c"

        @classmethod
        def _create(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
            call = current_call()
            assert call is not None
            call.scope(AuditScope, cls)
            return call.scope(FailingScope, cls).add(cls, model_class(*args, **kwargs))

    with pytest.raises(ConnectionError):
        await F.create_batch_async(2, journal=journal)

    assert journal.events == ["open by F", "audit finish", "undo ConnectionError", "audit undo"]


async def test_find_scope_does_not_open_one() -> None:
    seen: list[object] = []

    class F(JournalFactory):
        class Meta:
            model = Company

        @factory.lazy_attribute
        def name(self) -> str:
            call = current_call()
            assert call is not None
            seen.append(call.find_scope(JournalScope))
            return "c"

    await F.build_async()

    assert seen == [None]


async def test_opening_checks_the_connection_and_names_the_factory() -> None:
    with pytest.raises(MissingSessionError, match="CompanyFactory needs journal="):
        await UserFactory.create_async()


async def test_a_call_made_from_a_hook_knows_the_call_it_was_made_from() -> None:
    seen: list[tuple[FactoryCall, FactoryCall | None]] = []
    journal = Journal()

    class Probe(JournalFactory):
        class Meta:
            model = Company

        @factory.lazy_attribute
        def name(self) -> str:
            call = current_call()
            assert call is not None
            seen.append((call, call.parent))
            return "p"

    class Chained(JournalFactory):
        class Meta:
            model = Company

        name = "c"

        @factory.post_generation
        async def child(obj: Company, create: bool, extracted: Any, **kwargs: Any) -> None:
            await Probe.create_async()  # inherits journal= from the outer call

    await Probe.create_async(journal=journal)
    await Chained.create_async(journal=journal)

    (top, top_parent), (nested, nested_parent) = seen
    assert top_parent is None
    assert nested_parent is not None
    assert nested_parent.factory is Chained
    assert nested is not top
